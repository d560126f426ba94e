using Casn.Domain;
using Casn.Domain.Exams;
using Casn.Domain.Papers;
using Casn.Domain.Sessions;
using Casn.Grains.Abstractions;

using Casn.Service.Tests.Support;
using Casn.Domain.Candidates;

namespace Casn.Service.Tests.Cluster;

/// <summary>
/// Sets up what a test day needs through the grain interfaces, as an operator and proctor would:
/// an exam, registered candidates, a room with its roster, check-ins, the room opened.
/// Every call uses fresh keys, so tests sharing the cluster never meet.
/// </summary>
public sealed class ExamDay(IGrainFactory grains, TimeSpan? duration = null, DateOnly? date = null, TimeProvider? clock = null)
{
    readonly string _id = TestIds.Next();

    public ExamDefinition Exam { get; } = TestExams.Skd("T", duration);

    public const string Kanreg = "KANREG-T";

    public string Site => $"SITE-{_id}";

    /// <summary>When the room starts: an hour from now, or 09:00 UTC on the given date. The room key carries its date.</summary>
    public DateTimeOffset StartsAt { get; private set; } = date is { } day
        ? new DateTimeOffset(day.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero)
        : (clock ?? TimeProvider.System).GetUtcNow().AddHours(1);

    public string RoomKey => $"{Kanreg}/{Site}/{DateOnly.FromDateTime(StartsAt.UtcDateTime):yyyy-MM-dd}/1/R01";

    public IExamRoomGrain Room => grains.GetGrain<IExamRoomGrain>(RoomKey);

    public ProctorAction Proctor { get; } = new("proctor-7", "seen the ID card");

    public string ParticipantNo(int n) => $"P{_id}{n:D3}";

    public ICandidateSessionGrain Session(int n) => grains.GetGrain<ICandidateSessionGrain>($"{RoomKey}/{ParticipantNo(n)}");

    /// <summary>The position every candidate of the day applied for.</summary>
    public string PositionId { get; init; } = "POS-1";

    /// <summary>Candidate n as registered: to sit with this day's Kanreg, at its site.</summary>
    public CandidateProfile Profile(int n, string category = "general") =>
        new(ParticipantNo(n), $"Candidate {n}", $"31750000000{n:D5}", new DateOnly(1998, 5, 17), category, PositionId, false, Kanreg, Site);

    public async Task<ExamDay> Prepare(int candidates = 2, DateTimeOffset? startsAt = null, string category = "general")
    {
        if (startsAt is { } start) StartsAt = start;
        Ok(await grains.GetGrain<IExamGrain>(Exam.Id).Define(Exam));
        // Registration names a defined position (position.unknown otherwise).
        await DefinePosition(grains, Exam.Id, PositionId);
        for (var n = 1; n <= candidates; n++)
            Ok(await grains.GetGrain<ICandidateGrain>(ParticipantNo(n)).Register(Profile(n, category)));
        Ok(await Room.Setup(new RoomSetup(Exam.Id, "Room 1", StartsAt, Math.Max(40, candidates))));
        Ok(await Room.AddToRoster([.. Enumerable.Range(1, candidates).Select(n => new RosterEntry(ParticipantNo(n), $"S{n:D2}"))]));
        return this;
    }

    /// <summary>Defines a position as tests use it (agency and title made up), unless a test has already defined it its own way.</summary>
    public static async Task DefinePosition(IGrainFactory grains, string examId, string positionId)
    {
        var ranking = grains.GetGrain<IPositionRankingGrain>(PositionKey.Of(examId, positionId));
        if (await ranking.GetStanding() is null) Ok(await ranking.Define(new Casn.Domain.Results.Position(positionId, "Kementerian Uji", "Analis Uji", 10)));
    }

    public async Task<string> CheckIn(int n) =>
        Ok(await Room.CheckIn(new CheckInRequest(ParticipantNo(n), "manual", Proctor))).Pin;

    public async Task Open() => Ok(await Room.Open(Proctor));

    /// <summary>Checks candidate n in, opens the room if needed, logs in; returns the workstation's credential.</summary>
    public async Task<string> Start(int n)
    {
        var pin = await CheckIn(n);
        if (Ok(await Room.GetView()).Status == RoomStatus.Scheduled) await Open();
        return await Login(n, pin);
    }

    /// <summary>
    /// Checks candidates 1..<paramref name="candidates"/> in, opens the room and logs each in from its own workstation;
    /// returns their credentials by candidate number (index 0 unused).
    /// </summary>
    public async Task<string[]> StartAll(int candidates)
    {
        var pins = new string[candidates + 1];
        for (var n = 1; n <= candidates; n++) pins[n] = await CheckIn(n);
        await Open();
        var tokens = new string[candidates + 1];
        await Parallel.ForEachAsync(Enumerable.Range(1, candidates), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (n, _) =>
            tokens[n] = await Login(n, pins[n]));
        return tokens;
    }

    public static string WorkstationKey(int n) => $"test-workstation-key-{n:D4}";

    /// <summary>Logs candidate n in from workstation n; returns the credential that session calls take.</summary>
    public async Task<string> Login(int n, string pin) =>
        WorkstationCredential.Of(Ok(await Session(n).Login(new LoginRequest(pin, $"ws-{n}", WorkstationKey(n)), $"10.1.0.{n % 250}")).Token, WorkstationKey(n));

    /// <summary>The candidate's paper rebuilt from the published seed, as an auditor would.</summary>
    public Paper PaperOf(int n) => PaperAssembler.Assemble(Exam, PaperAssembler.SeedFor(Exam.Id, Exam.BankVersion, ParticipantNo(n)));

    public static T Ok<T>(Result<T> result)
    {
        Assert.True(result.IsOk, $"expected success, got {result.Fault?.Code}: {result.Fault?.Message}");
        return result.Value!;
    }

    public static void Fails<T>(string code, Result<T> result) =>
        Assert.True(result.Fault?.Code == code, $"expected {code}, got {(result.IsOk ? "success" : result.Fault!.Code)}");

    public static async Task Eventually(Func<Task<bool>> condition, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {within.TotalSeconds} s: {what}");
            await Task.Delay(100);
        }
    }
}
