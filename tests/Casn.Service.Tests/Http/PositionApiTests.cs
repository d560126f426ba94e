using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Casn.Service.Tests.Support;
using static Casn.Service.Tests.Http.HttpExamDay;

namespace Casn.Service.Tests.Http;

/// <summary>#15 over HTTP: a national operator defines a position, and its standing collects the finished sittings.</summary>
[Collection(SiloCollection.Name)]
public sealed class PositionApiTests(SiloFactory factory)
{
    [Fact]
    public async Task A_defined_positions_standing_lists_finished_sittings_with_their_certificates_and_no_national_id()
    {
        // A position of its own: announcements live in blob storage, which outlives one test host (a shared folder here).
        var day = await new HttpExamDay(factory.CreateClient) { PositionId = $"POS-{Guid.NewGuid():N}"[..20] }.Prepare(candidates: 1);
        var position = $"/api/exams/{day.Exam.Id}/positions/{day.PositionId}";
        await Expect(200, await day.Operator.PutAsJsonAsync(position, new { agency = "Kementerian Contoh", title = "Analis", openings = 2 }));
        var workstation = await day.Start(1);
        var submitted = await Expect(200, await workstation.PostAsync(day.SessionPath(1) + "/submit", null));

        JsonElement line = default;
        await Cluster.ExamDay.Eventually(async () =>
        {
            var standing = await Expect(200, await day.Operator.GetAsync(position + "/standing"));
            var found = standing.GetProperty("lines").EnumerateArray().Where(l => l.GetProperty("participantNo").GetString() == day.ParticipantNo(1)).ToList();
            if (found.Count == 1) line = found[0];
            return found.Count == 1;
        }, TimeSpan.FromSeconds(15), "the sitting in its position's standing");
        Assert.Equal(submitted.GetProperty("scores").GetProperty("total").GetInt32(), line.GetProperty("total").GetInt32());
        Assert.Matches("^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$", line.GetProperty("certificateCode").GetString());
        var raw = await (await day.Operator.GetAsync(position + "/standing")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(NationalId(1), raw);
        Assert.DoesNotContain("nationalId", raw, StringComparison.OrdinalIgnoreCase);

        // Announced: a signed snapshot, public, that checks out with the published archive key and names no NIK.
        await ExpectProblem(404, "announcement.not_found", await day.Anonymous.GetAsync(position + "/announcements/latest"));
        Assert.Equal(1, (await Expect(200, await day.Operator.PostAsync(position + "/announcements", null))).GetProperty("version").GetInt32());
        Assert.Equal(2, (await Expect(200, await day.Operator.PostAsync(position + "/announcements", null))).GetProperty("version").GetInt32());
        var published = await day.Anonymous.GetAsync(position + "/announcements/latest");
        Assert.Equal(200, (int)published.StatusCode);
        var json = await published.Content.ReadAsStringAsync();
        Assert.DoesNotContain(NationalId(1), json);
        var announcement = Casn.Domain.Results.Announcement.FromJson(json);
        Assert.Equal(2, announcement.Version);
        Assert.Contains(announcement.Rows, r => r.ParticipantNo == day.ParticipantNo(1) && r.CertificateCode == line.GetProperty("certificateCode").GetString());
        var key = await Expect(200, await day.Anonymous.GetAsync("/api/archive/public-key"));
        var check = Casn.Domain.Results.AnnouncementVerifier.Verify(announcement, key.GetProperty("pem").GetString()!);
        Assert.True(check.Intact, check.Message);

        // And as an outsider checks it: the CLI, with the public key and the candidate's signed archive from storage.
        var folder = Directory.CreateTempSubdirectory("casn-announcement-").FullName;
        try
        {
            var (file, keyFile, archives) = (Path.Combine(folder, "announcement.json"), Path.Combine(folder, "key.pem"), Directory.CreateDirectory(Path.Combine(folder, "archives")).FullName);
            await File.WriteAllTextAsync(file, json);
            await File.WriteAllTextAsync(keyFile, key.GetProperty("pem").GetString());
            var blobs = factory.Services.GetRequiredService<Casn.Grains.BlobStores>();
            var archive = await blobs.Archives.Get(Casn.Grains.CandidateSessionGrain.ArchiveName($"{day.RoomKey}/{day.ParticipantNo(1)}"));
            await File.WriteAllBytesAsync(Path.Combine(archives, "sitting-1.json"), archive!);
            var (stdout, stderr) = (new StringWriter(), new StringWriter());
            Assert.Equal(0, await Casn.Cli.CasnCommand.RunAsync(["audit", "verify-announcement", file, "--public-key", keyFile, "--archives", archives], stdout, stderr));
            Assert.Contains("1 checked against their signed archives", stdout.ToString());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        var csv = await day.Anonymous.GetAsync(position + "/announcements/latest/csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("rank,participantNo,name,TWK,TIU,TKP,total,status,shortlisted,certificateCode", lines[0]);
        Assert.Contains(lines, l => l.Contains($",{day.ParticipantNo(1)},Peserta 1,", StringComparison.Ordinal) && l.EndsWith(line.GetProperty("certificateCode").GetString()!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Skb_scores_for_the_shortlist_make_the_final_selection_and_a_bad_file_changes_nothing()
    {
        var day = await new HttpExamDay(factory.CreateClient) { PositionId = $"POS-{Guid.NewGuid():N}"[..20] }.Prepare(candidates: 3);
        var position = $"/api/exams/{day.Exam.Id}/positions/{day.PositionId}";
        await Expect(200, await day.Operator.PutAsJsonAsync(position, new { agency = "Kementerian Contoh", title = "Analis", openings = 1 }));
        // Everyone answers every item with its best option, except that candidate n leaves n - 1 TWK items blank:
        // totals 550, 545 and 540, all passing, all within the shortlist of 3 x 1.
        for (var n = 1; n <= 3; n++)
        {
            var workstation = await day.Start(n);
            var items = day.PaperOf(n).Items;
            var skipped = 0;
            for (var i = 0; i < items.Count; i++)
            {
                if (items[i].Item.Section == "TWK" && skipped < n - 1) { skipped++; continue; }
                await Expect(200, await workstation.PutAsJsonAsync($"{day.SessionPath(n)}/answers/{items[i].Item.Id}", new { sequence = i + 1, choice = items[i].BestChoice() }));
            }
            await Expect(200, await workstation.PostAsync(day.SessionPath(n) + "/submit", null));
        }
        await Cluster.ExamDay.Eventually(async () => (await Expect(200, await day.Operator.GetAsync(position + "/standing")))
            .GetProperty("shortlisted").GetInt32() == 3, TimeSpan.FromSeconds(15), "three shortlisted");

        var bad = $"participantNo,score\n{day.ParticipantNo(1)},50\n{day.ParticipantNo(2)},150\nNOT-LISTED,70\n";
        var refused = await day.Operator.PostAsync(position + "/skb", new StringContent(bad, System.Text.Encoding.UTF8, "text/csv"));
        Assert.Equal(400, (int)refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("skb.invalid", problem.GetProperty("code").GetString());
        Assert.Contains("line 3:", problem.GetProperty("detail").GetString());
        Assert.Contains("line 4: NOT-LISTED is not on this position's SKD shortlist", problem.GetProperty("detail").GetString());
        var untouched = await Expect(200, await day.Operator.GetAsync(position + "/final"));
        Assert.Empty(untouched.GetProperty("lines").EnumerateArray());
        Assert.Equal(3, untouched.GetProperty("waitingForSkb").GetArrayLength());

        var good = $"participantNo,score\n{day.ParticipantNo(1)},50\n{day.ParticipantNo(2)},90\n{day.ParticipantNo(3)},60\n";
        await Expect(200, await day.Operator.PostAsync(position + "/skb", new StringContent(good, System.Text.Encoding.UTF8, "text/csv")));
        var final = await Expect(200, await day.Operator.GetAsync(position + "/final"));
        // 0.4 x SKD (0-100) + 0.6 x SKB: 0.4 x 99.09 + 54 = 93.64; 0.4 x 98.18 + 36 = 75.27; 0.4 x 100 + 30 = 70.00. One opening.
        Assert.Equal([(day.ParticipantNo(2), 93.64m, true), (day.ParticipantNo(3), 75.27m, false), (day.ParticipantNo(1), 70.00m, false)],
            final.GetProperty("lines").EnumerateArray().Select(l => (l.GetProperty("participantNo").GetString(), l.GetProperty("final").GetDecimal(), l.GetProperty("chosen").GetBoolean())));
        Assert.Equal((0.4m, 0.6m), (final.GetProperty("skdWeight").GetDecimal(), final.GetProperty("skbWeight").GetDecimal()));
    }

    [Fact]
    public async Task Bad_positions_and_unknown_ones_get_their_codes()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 1);
        var exam = $"/api/exams/{day.Exam.Id}/positions";
        await ExpectProblem(400, "request.invalid", await day.Operator.PutAsJsonAsync($"{exam}/POS-X", new { agency = "A", title = "T", openings = 0 }));
        await ExpectProblem(400, "request.invalid", await day.Operator.PutAsJsonAsync($"{exam}/POS-X", new { agency = "", title = "T", openings = 1 }));
        await ExpectProblem(400, "request.invalid_key", await day.Operator.PutAsJsonAsync($"{exam}/POS%20X", new { agency = "A", title = "T", openings = 1 }));
        await ExpectProblem(404, "exam.not_found", await day.Operator.PutAsJsonAsync("/api/exams/NO-SUCH-EXAM/positions/POS-X", new { agency = "A", title = "T", openings = 1 }));
        await ExpectProblem(400, "position.unknown", await day.Operator.GetAsync($"{exam}/POS-NEVER-DEFINED/standing"));
        // Registration names a defined position.
        await ExpectProblem(400, "position.unknown", await day.Operator.PutAsJsonAsync($"/api/candidates/{day.ParticipantNo(7)}", new
        {
            participantNo = day.ParticipantNo(7), name = "Peserta 7", nationalId = HttpExamDay.NationalId(7), birthDate = "1999-02-03", category = "general",
            positionId = "POS-NEVER-DEFINED", accessible = false, kanreg = HttpExamDay.Kanreg, site = day.Site,
        }));
        await ExpectProblem(404, "candidate.not_found", await day.Operator.GetAsync($"/api/candidates/{day.ParticipantNo(7)}"));

        // A stranger asking for made-up positions' announcements gets 404s and wakes no grain for them.
        var madeUp = $"POS-MADEUP-{Guid.NewGuid():N}"[..24];
        for (var n = 0; n < 20; n++)
        {
            await ExpectProblem(404, "announcement.not_found", await day.Anonymous.GetAsync($"{exam}/{madeUp}{n}/announcements/latest"));
            await ExpectProblem(404, "announcement.not_found", await day.Anonymous.GetAsync($"{exam}/{madeUp}{n}/announcements/latest/csv"));
        }
        var management = factory.Services.GetRequiredService<IGrainFactory>().GetGrain<Orleans.Runtime.IManagementGrain>(0);
        Assert.DoesNotContain(await management.GetDetailedGrainStatistics(), a => (a.GrainId.Key.ToString() ?? "").Contains(madeUp, StringComparison.Ordinal));
    }
}
