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
        await Ensure(await _staff.PutAsJsonAsync($"/api/exams/{exam.Id}", exam, Json, cancellationToken));
        await Ensure(await _staff.PutAsJsonAsync($"/api/exams/{exam.Id}/positions/{TestDay.PositionId}",
            new { agency = "Simulasi", title = "Formasi simulasi", openings }, Json, cancellationToken));
    }

    public async Task Register(Seat seat, byte[] photo, CancellationToken cancellationToken)
    {
        var profile = TestDay.ProfileOf(seat);
        await Ensure(await _staff.PutAsJsonAsync($"/api/candidates/{seat.ParticipantNo}", new
        {
            participantNo = profile.ParticipantNo, name = profile.Name, nationalId = profile.NationalId, birthDate = "1998-01-01",
            category = profile.Category, positionId = profile.PositionId, accessible = false, kanreg = profile.Kanreg, site = profile.Site,
        }, cancellationToken));
        await Ensure(await _staff.PutAsync($"/api/candidates/{seat.ParticipantNo}/photo", Jpeg(photo), cancellationToken));
    }

    public async Task<IRoomDesk> SetUpRoom(string roomKey, string examId, DateTimeOffset startsAt, IReadOnlyList<Seat> seats, CancellationToken cancellationToken)
    {
        var roomPath = $"/api/rooms/{roomKey}";
        await Ensure(await _staff.PutAsJsonAsync(roomPath, new { examId, name = roomKey, startsAt, seats = seats.Count }, cancellationToken));
        await Ensure(await _staff.PostAsJsonAsync(roomPath + "/roster", seats.Select(s => new { participantNo = s.ParticipantNo, seat = $"K{s.Number}" }), cancellationToken));
        var grant = await Read(await _staff.PostAsJsonAsync(roomPath + "/proctors", new { proctorId = "sim-proctor", name = "Pengawas Simulasi", hours = 4 }, cancellationToken));
        return new Desk(Client(newClient, grant.GetProperty("token").GetString()!), roomPath);
    }

    sealed class Desk(HttpClient proctor, string roomPath) : IRoomDesk
    {
        public async Task<Outcome<string>> CheckInByFace(string participantNo, byte[] capture, CancellationToken cancellationToken)
        {
            var checkIn = await proctor.PostAsync($"{roomPath}/checkins/{participantNo}/face", Jpeg(capture), cancellationToken);
            var body = await checkIn.Content.ReadAsStringAsync(cancellationToken);
            return checkIn.IsSuccessStatusCode ? Outcome<string>.Of(JsonDocument.Parse(body).RootElement.GetProperty("pin").GetString()!) : Outcome<string>.Failed(Code(body));
        }

        public async Task Open(CancellationToken cancellationToken) =>
            await Ensure(await proctor.PostAsJsonAsync(roomPath + "/open", new { reason = "simulated start" }, cancellationToken));
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
    /// Sends, and sends again while the answer says to retry (503, 429) as a real client does, up to
    /// about a minute: long enough to ride out a silo's failover.
    /// </summary>
    async Task<HttpResponseMessage> Retrying(Func<Task<HttpResponseMessage>> send)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await send();
            if ((int)response.StatusCode is not (503 or 429) || attempt == 30) return response;
            report.Error(Code(await response.Content.ReadAsStringAsync()));
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(100 * attempt, 2000)));
        }
    }

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
