using Casn.Service.Tests.Support;
using System.Net.Http.Json;
using System.Text.Json;
using static Casn.Service.Tests.Http.HttpExamDay;

namespace Casn.Service.Tests.Http;

[Collection(SiloCollection.Name)]
public sealed class BoardApiTests(SiloFactory factory)
{
    readonly HttpClient _http = factory.CreateClient();

    sealed record ServerEvent(long Id, string Event, JsonElement Data);

    /// <summary>Reads Server-Sent Events off an open stream, skipping keep-alive comments.</summary>
    sealed class EventReader(Stream stream) : IDisposable
    {
        readonly StreamReader _reader = new(stream);

        public async Task<ServerEvent> Next(TimeSpan within)
        {
            using var timeout = new CancellationTokenSource(within);
            string? id = null, name = null, data = null;
            while (true)
            {
                var line = await _reader.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException();
                if (line.StartsWith("id: ", StringComparison.Ordinal)) id = line[4..];
                else if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line[7..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line[6..];
                else if (line.Length == 0 && data is not null)
                    return new ServerEvent(long.Parse(id!, System.Globalization.CultureInfo.InvariantCulture), name!, JsonDocument.Parse(data).RootElement.Clone());
            }
        }

        public void Dispose() => _reader.Dispose();
    }

    async Task<EventReader> Open(string path, long? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (lastEventId is { } id) request.Headers.Add("Last-Event-ID", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var response = await factory.CreateClient().SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new EventReader(await response.Content.ReadAsStreamAsync());
    }

    static int TotalOf(JsonElement board, string participantNo) =>
        board.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("participantNo").GetString() == participantNo).GetProperty("total").GetInt32();

    [Fact]
    public async Task The_stream_sends_new_scores_and_resumes_from_the_last_version_seen()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 2);
        var workstation = await day.Start(1);
        var events = day.RoomPath.Replace("/api/rooms/", "/api/boards/rooms/", StringComparison.Ordinal) + "/events";

        using var stream = await Open(events);
        var first = await stream.Next(TimeSpan.FromSeconds(10));
        Assert.Equal("board", first.Event);
        Assert.Equal(0, TotalOf(first.Data, day.ParticipantNo(1)));

        var item = day.PaperOf(1).Items[0];
        var best = item.BestChoice();
        await Expect(200, await workstation.PutAsJsonAsync($"{day.SessionPath(1)}/answers/{item.Item.Id}", new { sequence = 1, choice = best }));

        var updated = await stream.Next(TimeSpan.FromSeconds(10));
        while (TotalOf(updated.Data, day.ParticipantNo(1)) == 0) updated = await stream.Next(TimeSpan.FromSeconds(10));
        Assert.True(updated.Id > first.Id);
        Assert.Equal(item.Item.Points.Max(), TotalOf(updated.Data, day.ParticipantNo(1)));

        // A viewer resuming at the newest version gets nothing older: its next event is a newer one.
        using var resumed = await Open(events, lastEventId: updated.Id);
        var second = day.PaperOf(1).Items[1];
        await Expect(200, await workstation.PutAsJsonAsync($"{day.SessionPath(1)}/answers/{second.Item.Id}", new { sequence = 2, choice = 0 }));
        Assert.True((await resumed.Next(TimeSpan.FromSeconds(10))).Id > updated.Id);

        // A viewer resuming from an old version is brought up to date at once.
        using var behind = await Open(events, lastEventId: first.Id);
        Assert.True((await behind.Next(TimeSpan.FromSeconds(10))).Id > first.Id);
    }

    [Fact]
    public async Task Boards_carry_no_private_data()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 2);
        await day.Start(1);
        var boardPath = day.RoomPath.Replace("/api/rooms/", "/api/boards/rooms/", StringComparison.Ordinal);

        var json = await _http.GetStringAsync(boardPath);
        using var stream = await Open(boardPath + "/events");
        var streamed = (await stream.Next(TimeSpan.FromSeconds(10))).Data.ToString();

        foreach (var payload in new[] { json, streamed })
        {
            Assert.Contains(day.ParticipantNo(1), payload);
            foreach (var n in new[] { 1, 2 }) Assert.DoesNotContain(NationalId(n), payload);
            foreach (var field in new[] { "nationalId", "birthDate", "photo", "embedding", "choice", "answers", "pin", "token" })
                Assert.DoesNotContain($"\"{field}\"", payload, StringComparison.OrdinalIgnoreCase);
        }
        await ExpectProblem(404, "board.not_found", await _http.GetAsync("/api/boards/rooms/KANREG-H/NOWHERE/2026-11-23/1/R01"));
        await ExpectProblem(400, "request.invalid_key", await _http.GetAsync("/api/boards/rooms/KANREG-H/X/2026-99-23/1/R01"));
    }

    [Fact]
    public async Task Kanreg_and_national_boards_carry_counts_and_distributions_only()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 2);
        var workstation = await day.Start(1);
        var item = day.PaperOf(1).Items[0];
        await Expect(200, await workstation.PutAsJsonAsync($"{day.SessionPath(1)}/answers/{item.Item.Id}", new { sequence = 1, choice = item.BestChoice() }));

        using var stream = await Open("/api/boards/national/events");
        JsonElement kanreg = default;
        await Cluster.ExamDay.Eventually(async () =>
        {
            var response = await _http.GetAsync("/api/boards/kanreg/KANREG-H");
            if (!response.IsSuccessStatusCode) return false;
            kanreg = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            return kanreg.GetProperty("parts").EnumerateArray().Any(p => p.GetProperty("name").GetString() == day.RoomKey
                && p.GetProperty("summary").GetProperty("sumOfTotals").GetInt32() == item.Item.Points.Max());
        }, TimeSpan.FromSeconds(10), "the Kanreg board shows the answer");
        var national = (await stream.Next(TimeSpan.FromSeconds(10))).Data;
        while (!national.GetProperty("parts").EnumerateArray().Any(p => p.GetProperty("name").GetString() == "KANREG-H"))
            national = (await stream.Next(TimeSpan.FromSeconds(10))).Data;

        foreach (var payload in new[] { kanreg.ToString(), national.ToString() })
        {
            Assert.DoesNotContain(day.ParticipantNo(1), payload);
            Assert.DoesNotContain(NationalId(1), payload);
            Assert.DoesNotContain("Peserta", payload);
        }
        Assert.Equal(0, kanreg.GetProperty("rows").GetArrayLength());
        var parts = day.RoomKey.Split('/');
        JsonElement site = default;
        await Cluster.ExamDay.Eventually(async () =>
        {
            var response = await _http.GetAsync($"/api/boards/sites/{parts[0]}/{parts[1]}");
            if (!response.IsSuccessStatusCode) return false;
            site = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            return site.GetProperty("summary").GetProperty("sumOfTotals").GetInt32() == item.Item.Points.Max();
        }, TimeSpan.FromSeconds(10), "the site board shows the answer");
        Assert.Equal(day.RoomKey, Assert.Single(site.GetProperty("parts").EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal(2, site.GetProperty("summary").GetProperty("candidates").GetInt32());
        await ExpectProblem(404, "board.not_found", await _http.GetAsync("/api/boards/sites/KANREG-H/NO-SUCH-SITE"));
        await ExpectProblem(404, "board.not_found", await _http.GetAsync("/api/boards/kanreg/KANREG-NOWHERE"));
        await ExpectProblem(400, "request.invalid_key", await _http.GetAsync("/api/boards/kanreg/bad%20region"));
    }
}
