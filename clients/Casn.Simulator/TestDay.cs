using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Casn.Domain.Exams;

namespace Casn.Simulator;

public sealed record SimulationOptions
{
    public int Regions { get; init; } = 1;
    public int Sites { get; init; } = 1;
    public int Rooms { get; init; } = 1;
    public int Candidates { get; init; } = 10;

    /// <summary>Exam length. Real pace is 100 minutes; a rehearsal compresses it (e.g. 2 minutes).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(2);

    public double StandInShare { get; init; } = 0.1;
    public double DropOutShare { get; init; } = 0.1;
    public double ChangeShare { get; init; } = 0.1;
    public int ViewersPerRoom { get; init; } = 2;
    public int Seed { get; init; } = 2026;

    /// <summary>Keeps the keys of one run apart from another's on the same cluster.</summary>
    public string RunId { get; init; } = DateTime.UtcNow.ToString("HHmmss", System.Globalization.CultureInfo.InvariantCulture);

    public required string OperatorToken { get; init; }

    /// <summary>Folder of face photos named <c>person_n.jpg</c>; _1 is enrolled, _2 is shown at check-in.</summary>
    public required string PhotoFolder { get; init; }
}

/// <summary>
/// Drives a test day over the public HTTP API, as the agency's tools, proctors, workstations and the
/// public would: set-up, face check-in (with stand-ins), answers at the planned pace (with drop-outs
/// that log in again), viewers on the room boards, then a check that every acknowledged answer is stored.
/// </summary>
public sealed class TestDay(Func<HttpClient> newClient, SimulationOptions options, Action<string>? progress = null)
{
    static readonly JsonSerializerOptions Json = CasnJson.Options;

    public SimulationReport Report { get; } = new();

    public async Task<SimulationReport> RunAsync(CancellationToken cancellationToken = default)
    {
        var people = People();
        var seats = Seating.For(options, [.. people.Keys]);
        var staff = Client(options.OperatorToken);
        var exam = DemoItemBank.For(Blueprints.SkdCpns2024 with
        {
            Id = $"SIM-{options.RunId}-SKD",
            Duration = options.Duration,
            AccessibleDuration = options.Duration * 1.3,
        });
        await Ensure(await staff.PutAsJsonAsync($"/api/exams/{exam.Id}", exam, Json, cancellationToken));
        await Ensure(await staff.PutAsJsonAsync($"/api/exams/{exam.Id}/positions/POS-SIM",
            new { agency = "Simulasi", title = "Formasi simulasi", openings = Math.Max(1, seats.Count / 10) }, Json, cancellationToken));

        progress?.Invoke($"registering {seats.Count} candidates with photos");
        await Parallel.ForEachAsync(seats, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (seat, token) =>
        {
            await Ensure(await staff.PutAsJsonAsync($"/api/candidates/{seat.ParticipantNo}", new
            {
                participantNo = seat.ParticipantNo, name = $"Peserta {seat.Number}", nationalId = $"3171{seat.ParticipantNo[^6..]}{seat.Number:D6}",
                birthDate = "1998-01-01", category = "general", positionId = "POS-SIM", accessible = false,
                kanreg = seat.Region, site = seat.Site,
            }, token));
            await Ensure(await staff.PutAsync($"/api/candidates/{seat.ParticipantNo}/photo", Jpeg(people[seat.Person][0]), token));
        });

        // A room's key carries the date its start falls on.
        var startsAt = DateTimeOffset.UtcNow.AddHours(1);
        var rooms = seats.GroupBy(s => $"{s.Region}/{s.Site}/{startsAt.UtcDateTime:yyyy-MM-dd}/1/{s.Room}").ToList();
        var viewers = new List<Task>();
        using var stopViewers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sittings = new List<Task>();
        foreach (var room in rooms)
        {
            var roomPath = $"/api/rooms/{room.Key}";
            await Ensure(await staff.PutAsJsonAsync(roomPath, new { examId = exam.Id, name = room.Key, startsAt, seats = room.Count() }, cancellationToken));
            await Ensure(await staff.PostAsJsonAsync(roomPath + "/roster", room.Select(s => new { participantNo = s.ParticipantNo, seat = $"K{s.Number}" }), cancellationToken));
            var grant = await Read(await staff.PostAsJsonAsync(roomPath + "/proctors", new { proctorId = "sim-proctor", name = "Pengawas Simulasi", hours = 4 }, cancellationToken));
            var proctor = Client(grant.GetProperty("token").GetString()!);

            var admitted = new List<(Seat Seat, string Pin)>();
            foreach (var seat in room)
            {
                var photos = people[seat.Person];
                var shown = seat.StandIn ? people[Impostor(seat.Person, people)][1] : photos[1];
                var checkIn = await proctor.PostAsync($"{roomPath}/checkins/{seat.ParticipantNo}/face", Jpeg(shown), cancellationToken);
                var body = await checkIn.Content.ReadAsStringAsync(cancellationToken);
                var ok = checkIn.IsSuccessStatusCode;
                Report.CheckIn(seat.StandIn, ok);
                if (ok) admitted.Add((seat, JsonDocument.Parse(body).RootElement.GetProperty("pin").GetString()!));
                else Report.Error(Code(body));
            }
            await Ensure(await proctor.PostAsJsonAsync(roomPath + "/open", new { reason = "simulated start" }, cancellationToken));
            for (var v = 0; v < options.ViewersPerRoom; v++) viewers.Add(View($"/api/boards/rooms/{room.Key}/events", stopViewers.Token));
            sittings.AddRange(admitted.Select(a => Sit(room.Key, a.Seat, a.Pin, cancellationToken)));
        }
        progress?.Invoke($"{sittings.Count} sittings under way in {rooms.Count} rooms; exam {options.Duration}");
        await Task.WhenAll(sittings);
        await stopViewers.CancelAsync();
        await Task.WhenAll(viewers);
        return Report;
    }

    /// <summary>One workstation: log in, answer to the schedule (resending what was not acknowledged), verify, submit.</summary>
    async Task Sit(string roomKey, Seat seat, string pin, CancellationToken cancellationToken)
    {
        var path = $"/api/sessions/{roomKey}/{seat.ParticipantNo}";
        var key = $"sim-workstation-{seat.ParticipantNo}-{options.Seed}";
        var workstation = await Login(path, pin, key, cancellationToken);
        var paper = await Read(await Retrying(() => workstation.GetAsync(path + "/paper", cancellationToken)));
        var items = paper.GetProperty("items").EnumerateArray().Select(i => (Id: i.GetProperty("itemId").GetString()!, Options: i.GetProperty("options").GetArrayLength())).ToArray();
        var plan = AnswerSchedule.For(options.Seed * 7919 + seat.Number, items.Length, items.Min(i => i.Options), options.Duration, options.ChangeShare);
        var dropAt = new Random(options.Seed + seat.Number).NextDouble() < options.DropOutShare ? plan.Count / 2 : -1;
        var acked = new Dictionary<string, int?>(StringComparer.Ordinal);
        var start = Stopwatch.GetTimestamp();
        long sequence = 0;
        for (var n = 0; n < plan.Count; n++)
        {
            var wait = plan[n].At - Stopwatch.GetElapsedTime(start);
            if (wait > TimeSpan.Zero) await Task.Delay(wait, cancellationToken);
            if (n == dropAt)
            {
                // The workstation crashes and is restarted: a new login takes over and the answers go on.
                Report.DroppedOut();
                workstation = await Login(path, pin, key, cancellationToken);
            }
            var item = items[plan[n].ItemIndex].Id;
            var choice = plan[n].Choice;
            var seq = ++sequence;
            // The ack latency counts from the first send: retries are part of what the candidate waits for.
            var sent = Stopwatch.GetTimestamp();
            var client = workstation;
            var response = await Retrying(() => client.PutAsJsonAsync($"{path}/answers/{item}", new { sequence = seq, choice }, cancellationToken));
            if (response.IsSuccessStatusCode)
            {
                Report.Acked(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                var ack = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
                if (ack.GetProperty("applied").GetBoolean()) acked[item] = choice;
            }
            else Report.Error(Code(await response.Content.ReadAsStringAsync(cancellationToken)));
        }

        var stored = await Read(await Retrying(() => workstation.GetAsync(path + "/paper", cancellationToken)));
        var answers = stored.GetProperty("answers").EnumerateArray()
            .Where(a => a.GetProperty("choice").ValueKind == JsonValueKind.Number)
            .ToDictionary(a => a.GetProperty("itemId").GetString()!, a => a.GetProperty("choice").GetInt32(), StringComparer.Ordinal);
        Report.Missing(SimulationReport.Verify(seat.ParticipantNo, acked, answers));
        if ((await Retrying(() => workstation.PostAsync(path + "/submit", null, cancellationToken))).IsSuccessStatusCode) Report.Finished();
    }

    async Task<HttpClient> Login(string path, string pin, string key, CancellationToken cancellationToken)
    {
        var anonymous = newClient();
        var login = await Read(await Retrying(() => anonymous.PostAsJsonAsync(path + "/login", new { pin, workstationId = "ws-sim", workstationKey = key }, cancellationToken)));
        var client = Client(login.GetProperty("token").GetString()!);
        client.DefaultRequestHeaders.Add("X-Workstation-Key", key);
        return client;
    }

    /// <summary>A public viewer: reads the board's events until told to stop.</summary>
    async Task View(string path, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await newClient().GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
                if (line.StartsWith("event: board", StringComparison.Ordinal)) Report.ViewerEvent();
        }
        catch (OperationCanceledException)
        {
            // The day is over.
        }
    }

    HttpClient Client(string token)
    {
        var client = newClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>person → photo files (_1 for registration, _2 for check-in), from the photo folder.</summary>
    Dictionary<string, byte[][]> People() =>
        Directory.GetFiles(options.PhotoFolder, "*_1.jpg").Select(Path.GetFileNameWithoutExtension)
            .Select(name => name![..^2])
            .Where(person => File.Exists(Path.Combine(options.PhotoFolder, person + "_2.jpg")))
            .Order(StringComparer.Ordinal)
            .ToDictionary(person => person, person => new[] { "_1.jpg", "_2.jpg" }.Select(s => File.ReadAllBytes(Path.Combine(options.PhotoFolder, person + s))).ToArray());

    static string Impostor(string person, Dictionary<string, byte[][]> people)
    {
        var names = people.Keys.ToList();
        return names[(names.IndexOf(person) + 1) % names.Count];
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
            Report.Error(Code(await response.Content.ReadAsStringAsync()));
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
