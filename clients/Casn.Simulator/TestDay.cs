using System.Diagnostics;
using Casn.Domain.Candidates;
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

    /// <summary>A national operator's token: the HTTP day's set-up needs it; a day by grain calls does not.</summary>
    public string? OperatorToken { get; init; }

    /// <summary>Folder of face photos named <c>person_n.jpg</c>; _1 is enrolled, _2 is shown at check-in.</summary>
    public required string PhotoFolder { get; init; }
}

/// <summary>
/// A test day, as the agency's tools, proctors, workstations and the public live it: set-up, face check-in (with
/// stand-ins), answers at the planned pace (with drop-outs that log in again), viewers on the room boards, then a check
/// that every acknowledged answer is stored. It runs over the public HTTP API (<see cref="OverHttp"/>) or by grain calls
/// from inside the cluster (<see cref="OverGrains"/>).
/// </summary>
public sealed class TestDay
{
    /// <summary>The position every simulated candidate applied for.</summary>
    public const string PositionId = "POS-SIM";

    readonly SimulationOptions options;
    readonly Action<string>? progress;
    readonly IExamFloor floor;

    TestDay(Func<SimulationReport, IExamFloor> floorFor, SimulationOptions options, Action<string>? progress)
    {
        this.options = options;
        this.progress = progress;
        floor = floorFor(Report);
    }

    public static TestDay OverHttp(Func<HttpClient> newClient, SimulationOptions options, Action<string>? progress = null) =>
        new(report => new HttpFloor(newClient, options.OperatorToken ?? throw new ArgumentException("Over HTTP the day needs a national operator token."), report),
            options, progress);

    public static TestDay OverGrains(IGrainFactory grains, SimulationOptions options, Action<string>? progress = null) =>
        new(report => new GrainFloor(grains, report), options, progress);

    public SimulationReport Report { get; } = new();

    /// <summary>The seat's candidate as registered: general category, the day's position, its Kanreg and site.</summary>
    public static Casn.Domain.Candidates.CandidateProfile ProfileOf(Seat seat) => new(seat.ParticipantNo, $"Peserta {seat.Number}",
        $"3171{seat.ParticipantNo[^6..]}{seat.Number:D6}", new DateOnly(1998, 1, 1), "general", PositionId, false, seat.Region, seat.Site);

    public async Task<SimulationReport> RunAsync(CancellationToken cancellationToken = default)
    {
        var people = People();
        var seats = Seating.For(options, [.. people.Keys]);
        var exam = DemoItemBank.For(Blueprints.SkdCpns2024 with
        {
            Id = $"SIM-{options.RunId}-SKD",
            Duration = options.Duration,
            AccessibleDuration = options.Duration * 1.3,
        });
        await floor.Prepare(exam, Math.Max(1, seats.Count / 10), cancellationToken);

        progress?.Invoke($"registering {seats.Count} candidates with photos");
        await floor.RegisterAll([.. seats.Select(seat => (seat, people[seat.Person][0]))], cancellationToken);

        // A room's key carries the date its start falls on.
        var startsAt = DateTimeOffset.UtcNow.AddHours(1);
        var rooms = seats.GroupBy(s => $"{s.Region}/{s.Site}/{startsAt.UtcDateTime:yyyy-MM-dd}/1/{s.Room}").ToList();
        var viewers = new List<Task>();
        using var stopViewers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sittings = new List<Task>();
        foreach (var room in rooms)
        {
            var desk = await floor.SetUpRoom(room.Key, exam.Id, startsAt, [.. room], cancellationToken);
            var admitted = new List<(Seat Seat, string Pin)>();
            foreach (var seat in room)
            {
                var photos = people[seat.Person];
                var shown = seat.StandIn ? people[Impostor(seat.Person, people)][1] : photos[1];
                var checkIn = await desk.CheckInByFace(seat.ParticipantNo, shown, cancellationToken);
                Report.CheckIn(seat.StandIn, checkIn.Ok);
                if (checkIn.Ok) admitted.Add((seat, checkIn.Value!));
                else Report.Error(checkIn.Code!);
            }
            await desk.Open(cancellationToken);
            for (var v = 0; v < options.ViewersPerRoom; v++) viewers.Add(floor.View(room.Key, Report.ViewerEvent, stopViewers.Token));
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
        var key = $"sim-workstation-{seat.ParticipantNo}-{options.Seed}";
        var workstation = await floor.Login(roomKey, seat.ParticipantNo, pin, key, cancellationToken);
        var items = await workstation.Items(cancellationToken);
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
                workstation = await floor.Login(roomKey, seat.ParticipantNo, pin, key, cancellationToken);
            }
            var item = items[plan[n].ItemIndex].ItemId;
            var choice = plan[n].Choice;
            // The ack latency counts from the first send: retries are part of what the candidate waits for.
            var sent = Stopwatch.GetTimestamp();
            var answer = await workstation.Answer(++sequence, item, choice, cancellationToken);
            if (answer.Ok)
            {
                Report.Acked(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                if (answer.Value) acked[item] = choice;
            }
            else Report.Error(answer.Code!);
        }

        Report.Missing(SimulationReport.Verify(seat.ParticipantNo, acked, await workstation.StoredAnswers(cancellationToken)));
        if (await workstation.Submit(cancellationToken)) Report.Finished();
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
}
