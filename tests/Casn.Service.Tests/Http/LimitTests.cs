using System.Net.Http.Json;
using System.Text;
using Casn.Service.Tests.Support;
using static Casn.Service.Tests.Http.HttpExamDay;

namespace Casn.Service.Tests.Http;

/// <summary>A host with small limits and a short board keep-alive, so that they are reached in a few requests and moments.</summary>
public sealed class SmallLimitsSiloFactory : SiloFactory
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Casn:Limits:WorkstationBurst"] = "10",
        ["Casn:Limits:WorkstationPerSecond"] = "1",
        ["Casn:Limits:LoginsPerMinute"] = "4",
        ["Casn:Limits:JsonBodyBytes"] = "4096",
        ["Casn:Boards:KeepAliveEvery"] = "00:00:00.300",
        ["Casn:Limits:ImportZipEntries"] = "2",
    };
}

public sealed class LimitTests(SmallLimitsSiloFactory factory) : IClassFixture<SmallLimitsSiloFactory>
{
    [Fact]
    public async Task A_workstation_beyond_its_rate_gets_429_with_retry_after_and_its_answers_are_not_applied()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 2);
        var workstation = await day.Start(1);
        var items = day.PaperOf(1).Items;

        var statuses = new List<int>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 20; i++)
        {
            var response = await workstation.PutAsJsonAsync($"{day.SessionPath(1)}/answers/{items[i].Item.Id}", new { sequence = i + 1, choice = 0 });
            statuses.Add((int)response.StatusCode);
            if ((int)response.StatusCode == 429) limited ??= response;
        }

        Assert.NotNull(limited);
        await ExpectProblem(429, "request.rate_limited", limited);
        Assert.NotNull(limited.Headers.RetryAfter);
        // The paper call that passed before the answers used one permit; what was refused was not stored.
        var accepted = statuses.Count(s => s == 200);
        Assert.InRange(accepted, 8, 11);
        await Task.Delay(TimeSpan.FromSeconds(2.2));
        var paper = await Expect(200, await workstation.GetAsync(day.SessionPath(1) + "/paper"));
        Assert.Equal(accepted, paper.GetProperty("answers").GetArrayLength());

        // Another candidate's workstation has its own allowance.
        var other = await day.Start(2);
        await Expect(200, await other.PutAsJsonAsync($"{day.SessionPath(2)}/answers/{day.PaperOf(2).Items[0].Item.Id}", new { sequence = 1, choice = 0 }));
    }

    [Fact]
    public async Task Repeated_logins_for_one_sitting_are_slowed_down()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 1);
        await day.CheckIn(1);
        await day.Open();
        var statuses = new List<int>();
        for (var i = 0; i < 6; i++)
            statuses.Add((int)(await day.Anonymous.PostAsJsonAsync(day.SessionPath(1) + "/login",
                new { pin = "999999", workstationId = "ws-1", workstationKey = WorkstationKey(1) })).StatusCode);

        Assert.Equal([401, 401, 401, 401, 429, 429], statuses);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_before_it_is_read()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 1);
        var huge = new StringContent("{\"name\":\"" + new string('x', 10_000) + "\"}", Encoding.UTF8, "application/json");
        await ExpectProblem(413, "request.too_large", await day.Operator.PutAsync($"/api/candidates/{day.ParticipantNo(1)}", huge));
        // An exam definition may be large (the item bank): its own ceiling applies, and this one fits.
        await Expect(200, await day.Operator.PutAsJsonAsync($"/api/exams/{day.Exam.Id}", day.Exam, Json));
    }

    [Fact]
    public async Task A_quiet_board_stream_gets_keep_alives_and_still_the_next_score()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 1);
        var workstation = await day.Start(1);
        var request = new HttpRequestMessage(HttpMethod.Get, day.RoomPath.Replace("/api/rooms/", "/api/boards/rooms/", StringComparison.Ordinal) + "/events");
        using var response = await factory.CreateClient().SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var stream = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var within = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        // The snapshot, then nothing to send: keep-alives (no id, so a resuming browser keeps its board version).
        var alive = 0;
        string? previous = null;
        var sinceFirst = new System.Diagnostics.Stopwatch();
        while (alive < 3 && await stream.ReadLineAsync(within.Token) is { } line)
        {
            if (line == "event: alive")
            {
                if (alive++ == 0) sinceFirst.Start();
                Assert.False(previous?.StartsWith("id:", StringComparison.Ordinal));
            }
            if (line.StartsWith("data: {\"serverTime\"", StringComparison.Ordinal))
                Assert.InRange(System.Text.Json.JsonDocument.Parse(line[6..]).RootElement.GetProperty("serverTime").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
            previous = line;
        }
        Assert.Equal(3, alive);
        Assert.True(sinceFirst.Elapsed >= TimeSpan.FromSeconds(0.5), $"keep-alives 0.3 s apart: the first and the third came {sinceFirst.Elapsed} apart");

        // After its keep-alives the stream still carries the next publication.
        var item = day.PaperOf(1).Items[0];
        await Expect(200, await workstation.PutAsJsonAsync($"{day.SessionPath(1)}/answers/{item.Item.Id}", new { sequence = 1, choice = item.BestChoice() }));
        var total = $"\"total\":{item.Item.Points.Max()}";
        while (await stream.ReadLineAsync(within.Token) is { } line)
            if (line.StartsWith("data: {", StringComparison.Ordinal) && line.Contains(total, StringComparison.Ordinal)) return;
        Assert.Fail("The stream ended before the new score.");
    }

    [Fact]
    public async Task A_photo_zip_with_more_entries_than_allowed_is_refused_whole_before_its_directory_is_read()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 1);
        static ByteArrayContent Zip(int entries)
        {
            using var zipped = new MemoryStream();
            using (var zip = new System.IO.Compression.ZipArchive(zipped, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
                for (var i = 0; i < entries; i++) zip.CreateEntry($"NOBODY-{i}.jpg");
            return new ByteArrayContent(zipped.ToArray()) { Headers = { ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/zip") } };
        }

        var refused = await ExpectProblem(413, "request.too_large", await day.Operator.PostAsync("/api/imports/photos", Zip(3)));
        Assert.Contains("Casn:Limits:ImportZipEntries", refused.GetProperty("detail").GetString());
        // Within the limit, each entry is a line of the report (here: empty photos, refused one by one).
        var report = await Expect(200, await day.Operator.PostAsync("/api/imports/photos", Zip(2)));
        Assert.Equal((2, 2), (report.GetProperty("lines").GetInt32(), report.GetProperty("refused").GetInt32()));
    }
}
