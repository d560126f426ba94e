using static Casn.Service.Tests.Support.TestPhotos;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Azure.Storage.Blobs;
using Casn.Domain.Audit;
using Casn.Grains;
using Casn.Service.Tests.Http;
using Casn.Service.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Casn.Service.Tests.Http.HttpExamDay;

namespace Casn.Service.Tests.Blobs;

/// <summary>Photos and result archives in real Azure Blob Storage (Azurite), through the real host.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobStorageTests(AzuriteSilo fixture)
{
    BlobContainerClient Container(string name) => new BlobServiceClient(fixture.Azurite.ConnectionString).GetBlobContainerClient(name);

    [Fact]
    public async Task The_enrolment_photo_is_stored_sealed_in_blob_storage_and_opens_only_for_its_candidate()
    {
        var day = await new HttpExamDay(fixture.Silo.CreateClient).Prepare(candidates: 1);
        var photo = TestPhotos.Bytes("obama_2.jpg");
        await Expect(200, await day.Operator.PutAsync($"/api/candidates/{day.ParticipantNo(1)}/photo", Jpeg("obama_2.jpg")));

        var blob = Container("biometrics").GetBlobClient($"photos/{day.ParticipantNo(1)}/registration");
        var stored = (await blob.DownloadContentAsync()).Value.Content.ToArray();
        Assert.False(stored[0] == 0xFF && stored[1] == 0xD8, "the stored photo is a plain JPEG");
        Assert.Equal(-1, stored.AsSpan().IndexOf(photo.AsSpan(100, 64)));
        var protector = fixture.Silo.Services.GetRequiredService<BiometricProtector>();
        Assert.Equal(photo, protector.Open(stored, $"photo:{day.ParticipantNo(1)}"));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => protector.Open(stored, "photo:SOMEONE-ELSE"));

        // The stored photo serves a face check-in: the enrolment really went through blob storage and back.
        await Expect(200, await day.Proctor.PostAsync($"{day.RoomPath}/checkins/{day.ParticipantNo(1)}/face", Jpeg("obama_1.jpg")));
    }

    [Fact]
    public async Task A_finished_sitting_is_archived_signed_and_its_receipt_code_checks_out_publicly()
    {
        var day = await new HttpExamDay(fixture.Silo.CreateClient).Prepare(candidates: 1);
        var workstation = await day.Start(1);
        var items = day.PaperOf(1).Items;
        for (var i = 0; i < 3; i++)
            await Expect(200, await workstation.PutAsJsonAsync($"{day.SessionPath(1)}/answers/{items[i].Item.Id}", new { sequence = i + 1, choice = items[i].BestChoice() }));
        var result = await Expect(200, await workstation.PostAsync(day.SessionPath(1) + "/submit", null));

        var sessionKey = day.SessionPath(1)["/api/sessions/".Length..];
        var json = (await Container("archives").GetBlobClient($"sessions/{sessionKey}").DownloadContentAsync()).Value.Content.ToString();
        var archive = SessionArchive.FromJson(json);
        var publicKey = await Expect(200, await day.Anonymous.GetAsync("/api/archive/public-key"));
        var check = ArchiveVerifier.Verify(archive, publicKey.GetProperty("pem").GetString()!);
        Assert.True(check.Intact, check.Message);
        Assert.Equal(result.GetProperty("scores").GetProperty("total").GetInt32(), archive.Result.Scores.Total);
        Assert.Equal(3, archive.Entries.Count(e => e.Kind == AuditChain.AnswerKind));
        Assert.DoesNotContain(NationalId(1), json);

        var receipt = await Expect(200, await workstation.GetAsync(day.SessionPath(1) + "/receipt"));
        Assert.Equal(archive.CertificateCode, receipt.GetProperty("certificateCode").GetString());
        Assert.Equal(archive.Result.AuditHead, receipt.GetProperty("auditHead").GetString());

        var certificate = await Expect(200, await day.Anonymous.GetAsync($"/api/certificates/{archive.CertificateCode}"));
        Assert.Equal(day.ParticipantNo(1), certificate.GetProperty("participantNo").GetString());
        Assert.Equal(archive.Result.Scores.Total, certificate.GetProperty("total").GetInt32());
        Assert.Equal(SessionArchive.Statement(archive.SessionKey, archive.Result, archive.CertificateCode), certificate.GetProperty("statement").GetString());
        Assert.DoesNotContain(NationalId(1), certificate.ToString());
        var qr = await day.Anonymous.GetAsync($"/api/certificates/{archive.CertificateCode}/qr.svg");
        Assert.Equal("image/svg+xml", qr.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<svg", await qr.Content.ReadAsStringAsync());
        await ExpectProblem(404, "certificate.not_found", await day.Anonymous.GetAsync("/api/certificates/AAAA-BBBB-CCCC-DDDD"));
        await ExpectProblem(404, "certificate.not_found", await day.Anonymous.GetAsync("/api/certificates/" + new string('x', 300)));
    }

    [Fact]
    public async Task While_blob_storage_is_down_enrolment_says_retry_and_a_submit_still_succeeds_and_is_archived_later()
    {
        var day = await new HttpExamDay(fixture.Silo.CreateClient).Prepare(candidates: 2);
        var workstation = await day.Start(1);
        await fixture.Azurite.CrashAsync();
        try
        {
            var refused = await day.Operator.PutAsync($"/api/candidates/{day.ParticipantNo(2)}/photo", Jpeg("biden_1.jpg"));
            await ExpectProblem(503, "storage.unavailable", refused);
            Assert.NotNull(refused.Headers.RetryAfter);
            // The result is stored in grain state first: the candidate's submit does not wait for the archive.
            await Expect(200, await workstation.PostAsync(day.SessionPath(1) + "/submit", null));
        }
        finally
        {
            await fixture.Azurite.StartAsync();
        }

        var sessionKey = day.SessionPath(1)["/api/sessions/".Length..];
        var blob = Container("archives").GetBlobClient($"sessions/{sessionKey}");
        Assert.False(await blob.ExistsAsync());
        // The sitting retries on its own (5 s, doubling; the reminder each minute): nobody has to look at it.
        await Cluster.ExamDay.Eventually(async () => await blob.ExistsAsync(), TimeSpan.FromSeconds(30), "the archive is written once storage is back");
        await Expect(200, await day.Operator.PutAsync($"/api/candidates/{day.ParticipantNo(2)}/photo", Jpeg("biden_1.jpg")));
    }
}
