using System.Net.Http.Json;
using Casn.Service.Tests.Http;
using Microsoft.AspNetCore.Hosting;
using static Casn.Service.Tests.Http.HttpExamDay;

namespace Casn.Service.Tests.Redis;

/// <summary>The real host in the production profile: Redis membership, grain state and reminders.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisProfileHttpTests(RedisClusterFixture fixture, Blobs.AzuriteServer azurite) : IClassFixture<Blobs.AzuriteServer>
{
    [Fact]
    public async Task The_redis_profile_serves_a_sitting_and_answers_503_storage_unavailable_while_redis_is_down()
    {
        await using var silo = new SiloFactory().WithWebHostBuilder(b => b
            .UseSetting("Casn:Orleans:Profile", "Redis")
            .UseSetting("Casn:Redis:ConnectionString", fixture.Redis.ConnectionString)
            .UseSetting("Casn:Orleans:Region", "KANREG-H")
            .UseSetting("Casn:Biometrics:Key", Convert.ToBase64String(new byte[32]))
            .UseSetting("Casn:Storage:BlobConnectionString", azurite.ConnectionString)
            .UseSetting("Casn:Archive:SigningKey", Support.TestStaff.ArchiveSigningKey));
        var http = silo.CreateClient();
        Assert.Equal("Healthy", await http.GetStringAsync("/health/ready"));
        var day = await new HttpExamDay(silo.CreateClient).Prepare(candidates: 1);
        var pin = await day.CheckIn(1);
        await day.Open();
        var workstation = await day.Login(1, pin);
        var answers = $"{day.SessionPath(1)}/answers/";
        var items = day.PaperOf(1).Items;
        await Expect(200, await workstation.PutAsJsonAsync(answers + items[0].Item.Id, new { sequence = 1, choice = 1 }));

        await fixture.Redis.CrashAsync();
        var refused = await workstation.PutAsJsonAsync(answers + items[1].Item.Id, new { sequence = 2, choice = 2 });
        await fixture.Redis.StartAgainAsync();

        await ExpectProblem(503, "storage.unavailable", refused);
        Assert.True(refused.Headers.RetryAfter is not null);
        var retried = await RetryUntilAccepted(() => workstation.PutAsJsonAsync(answers + items[1].Item.Id, new { sequence = 2, choice = 2 }));
        Assert.Equal(200, (int)retried.StatusCode);
        var paper = await Expect(200, await workstation.GetAsync(day.SessionPath(1) + "/paper"));
        Assert.Equal(2, paper.GetProperty("answers").GetArrayLength());
    }

    static async Task<HttpResponseMessage> RetryUntilAccepted(Func<Task<HttpResponseMessage>> send)
    {
        for (var attempt = 0; ; attempt++)
        {
            var response = await send();
            if ((int)response.StatusCode != 503 || attempt == 50) return response;
            await Task.Delay(200);
        }
    }
}
