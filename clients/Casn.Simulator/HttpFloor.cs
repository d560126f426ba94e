using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Casn.Domain.Exams;

namespace Casn.Simulator;

/// <summary>The test day over the public HTTP API, with a national operator's token for the set-up.</summary>
public sealed class HttpFloor(Func<HttpClient> newClient, string operatorToken, SimulationReport report) : IExamFloor
{
    static readonly JsonSerializerOptions Json = CasnJson.Options;
    readonly HttpClient _staff = Client(newClient, operatorToken);

    public async Task Prepare(ExamDefinition exam, int openings, CancellationToken cancellationToken)
    {
        await Ensure(await Retrying(() => _staff.PutAsJsonAsync($"/api/exams/{exam.Id}", exam, Json, cancellationToken)));
        await Ensure(await Retrying(() => _staff.PutAsJsonAsync($"/api/exams/{exam.Id}/positions/{TestDay.PositionId}",
            new { agency = "Simulasi", title = "Formasi simulasi", openings }, Json, cancellationToken)));
    }

    /// <summary>Lines per registration import, photos per photo import: requests of a few seconds each.</summary>
    const int CandidatesPerImport = 500, PhotosPerImport = 32;

    /// <summary>Through the bulk endpoints, as an agency's tools do: registrations as NDJSON, photos as multipart, in chunks.</summary>
    public async Task RegisterAll(IReadOnlyList<(Seat Seat, byte[] Photo)> candidates, CancellationToken cancellationToken)
    {
        foreach (var chunk in candidates.Chunk(CandidatesPerImport))
        {
            var lines = string.Join("\n", chunk.Select(c => JsonSerializer.Serialize(TestDay.ProfileOf(c.Seat), Json)));
            await Imported("candidates", await Retrying(() => _staff.PostAsync("/api/imports/candidates",
                new StringContent(lines, System.Text.Encoding.UTF8, "application/x-ndjson"), cancellationToken)));
        }
        foreach (var chunk in candidates.Chunk(PhotosPerImport))
        {
            await Imported("photos", await Retrying(() =>
            {
                var photos = new MultipartFormDataContent();
                foreach (var (seat, photo) in chunk) photos.Add(Jpeg(photo), "photo", seat.ParticipantNo + ".jpg");
                return _staff.PostAsync("/api/imports/photos", photos, cancellationToken);
            }));
        }
    }

    /// <summary>A set-up import must take every line: a refused one stops the day with the service's reasons.</summary>
    static async Task Imported(string what, HttpResponseMessage response)
    {
        var report = await Read(response);
        if (report.GetProperty("refused").GetInt32() is var refused and > 0)
            throw new InvalidOperationException($"Importing {what}: {refused} refused, e.g. " + string.Join("; ", report.GetProperty("results").EnumerateArray()
                .Where(l => l.GetProperty("outcome").GetString() == "refused").Take(3)
                .Select(l => $"{l.GetProperty("participantNo")}: {l.GetProperty("code")} {l.GetProperty("message")}")));
    }

    public async Task<IRoomDesk> SetUpRoom(string roomKey, string examId, DateTimeOffset startsAt, IReadOnlyList<Seat> seats, CancellationToken cancellationToken)
    {
        var roomPath = $"/api/rooms/{roomKey}";
        await Ensure(await Retrying(() => _staff.PutAsJsonAsync(roomPath, new { examId, name = roomKey, startsAt, seats = seats.Count }, cancellationToken)));
        await Ensure(await Retrying(() => _staff.PostAsJsonAsync(roomPath + "/roster", seats.Select(s => new { participantNo = s.ParticipantNo, seat = $"K{s.Number}" }), cancellationToken)));
        var grant = await Read(await Retrying(() => _staff.PostAsJsonAsync(roomPath + "/proctors", new { proctorId = "sim-proctor", name = "Pengawas Simulasi", hours = 4 }, cancellationToken)));
        return new Desk(this, Client(newClient, grant.GetProperty("token").GetString()!), roomPath);
    }

    sealed class Desk(HttpFloor floor, HttpClient proctor, string roomPath) : IRoomDesk
    {
        public async Task<Outcome<string>> CheckInByFace(string participantNo, byte[] capture, CancellationToken cancellationToken)
        {
            var checkIn = await floor.Retrying(() => proctor.PostAsync($"{roomPath}/checkins/{participantNo}/face", Jpeg(capture), cancellationToken));
            var body = await checkIn.Content.ReadAsStringAsync(cancellationToken);
            return checkIn.IsSuccessStatusCode ? Outcome<string>.Of(JsonDocument.Parse(body).RootElement.GetProperty("pin").GetString()!) : Outcome<string>.Failed(Code(body));
        }

        public async Task Open(CancellationToken cancellationToken) =>
            await Ensure(await floor.Retrying(() => proctor.PostAsJsonAsync(roomPath + "/open", new { reason = "simulated start" }, cancellationToken)));
    }

    public async Task<IWorkstation> Login(string roomKey, string participantNo, string pin, string workstationKey, CancellationToken cancellationToken)
    {
        var path = $"/api/sessions/{roomKey}/{participantNo}";
        var anonymous = newClient();
        var login = await Read(await Retrying(() => anonymous.PostAsJsonAsync(path + "/login", new { pin, workstationId = "ws-sim", workstationKey }, cancellationToken)));
        var client = Client(newClient, login.GetProperty("token").GetString()!);
        client.DefaultRequestHeaders.Add("X-Workstation-Key", workstationKey);
        return new Workstation(this, client, path);
    }

    sealed class Workstation(HttpFloor floor, HttpClient client, string path) : IWorkstation
    {
        public async Task<(string ItemId, int Options)[]> Items(CancellationToken cancellationToken)
        {
            var paper = await Read(await floor.Retrying(() => client.GetAsync(path + "/paper", cancellationToken)));
            return [.. paper.GetProperty("items").EnumerateArray().Select(i => (i.GetProperty("itemId").GetString()!, i.GetProperty("options").GetArrayLength()))];
        }

        public async Task<Outcome<bool>> Answer(long sequence, string itemId, int? choice, CancellationToken cancellationToken)
        {
            var response = await floor.Retrying(() => client.PutAsJsonAsync($"{path}/answers/{itemId}", new { sequence, choice }, cancellationToken));
            if (!response.IsSuccessStatusCode) return Outcome<bool>.Failed(Code(await response.Content.ReadAsStringAsync(cancellationToken)));
            var ack = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            return Outcome<bool>.Of(ack.GetProperty("applied").GetBoolean());
        }

        public async Task<Dictionary<string, int>> StoredAnswers(CancellationToken cancellationToken)
        {
            var stored = await Read(await floor.Retrying(() => client.GetAsync(path + "/paper", cancellationToken)));
            return stored.GetProperty("answers").EnumerateArray()
                .Where(a => a.GetProperty("choice").ValueKind == JsonValueKind.Number)
                .ToDictionary(a => a.GetProperty("itemId").GetString()!, a => a.GetProperty("choice").GetInt32(), StringComparer.Ordinal);
        }

        public async Task<bool> Submit(CancellationToken cancellationToken) =>
            (await floor.Retrying(() => client.PostAsync(path + "/submit", null, cancellationToken))).IsSuccessStatusCode;
    }

    /// <summary>A public viewer: reads the board's events until told to stop.</summary>
    public async Task View(string roomKey, Action published, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await newClient().GetAsync($"/api/boards/rooms/{roomKey}/events", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
                if (line.StartsWith("event: board", StringComparison.Ordinal)) published();
        }
        catch (OperationCanceledException)
        {
            // The day is over.
        }
    }

    static HttpClient Client(Func<HttpClient> newClient, string token)
    {
        var client = newClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    static ByteArrayContent Jpeg(byte[] bytes) => new(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } };

    static string Code(string body)
    {
        try
        {
            return JsonDocument.Parse(body).RootElement.GetProperty("code").GetString() ?? "unknown";
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return "unreadable";
        }
    }

    /// <summary>
    /// Sends, and sends again while the answer says to retry (503, 429) as a real client does, waiting as Retry-After says
    /// (or a growing pause), up to about a minute: long enough to ride out a silo's failover.
    /// </summary>
    async Task<HttpResponseMessage> Retrying(Func<Task<HttpResponseMessage>> send)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await send();
            if ((int)response.StatusCode is not (503 or 429) || attempt == 30) return response;
            report.Error(Code(await response.Content.ReadAsStringAsync()));
            var pause = TimeSpan.FromMilliseconds(Math.Min(100 * attempt, 2000));
            await Task.Delay(response.Headers.RetryAfter?.Delta is { } wait && wait < TimeSpan.FromSeconds(10) ? Max(wait, pause) : pause);
        }
    }

    static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    static async Task Ensure(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    static async Task<JsonElement> Read(HttpResponseMessage response)
    {
        await Ensure(response);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
