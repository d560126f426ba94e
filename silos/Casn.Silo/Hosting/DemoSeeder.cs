using Casn.Access;
using Casn.Domain.Candidates;
using Casn.Domain.Exams;
using Casn.Domain.Rooms;
using Casn.Grains.Abstractions;

namespace Casn.Silo.Hosting;

/// <summary>
/// <c>--demo</c>: an SKD exam with a synthetic bank, one site with two rooms of 20 candidates, the first
/// room checked in for three candidates and opened, so a person can sit an exam straight away. The
/// PINs are printed to the log, as they would be printed on check-in slips, with a proctor token for R01.
/// </summary>
public sealed partial class DemoSeeder(IGrainFactory grains, StaffTokens tokens, TimeProvider clock, ILogger<DemoSeeder> logger) : IHostedService
{
    public const string Region = "KANREG-V";
    public const string Site = "JAKARTA-01";
    public const int CandidatesPerRoom = 20;
    /// <summary>The position (formasi) every demo candidate applied for: its results page is results.html?exam=…&amp;position=FORMASI-ANALIS-01.</summary>
    public const string DemoPosition = "FORMASI-ANALIS-01";

    static readonly string[] GivenNames = ["Siti", "Budi", "Dewi", "Agus", "Rina", "Andi", "Putri", "Wahyu", "Sri", "Eko"];
    static readonly string[] FamilyNames = ["Rahayu", "Santoso", "Lestari", "Pratama", "Wulandari", "Hidayat", "Saputra", "Kurniawan"];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var exam = DemoItemBank.For(Blueprints.SkdCpns2024);
        Ensure(await grains.GetGrain<IExamGrain>(exam.Id).Define(exam));
        Ensure(await grains.GetGrain<IPositionRankingGrain>(PositionKey.Of(exam.Id, DemoPosition)).Define(
            new Casn.Domain.Results.Position(DemoPosition, "Kementerian Contoh", "Analis Kebijakan Ahli Pertama", 4)));
        var now = clock.GetUtcNow();
        // A room's key carries the date its start falls on.
        var startsAt = now.AddHours(1);
        var date = DateOnly.FromDateTime(startsAt.UtcDateTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        for (var roomNo = 1; roomNo <= 2; roomNo++)
        {
            var roomKey = $"{Region}/{Site}/{date}/1/R{roomNo:D2}";
            var room = grains.GetGrain<IExamRoomGrain>(roomKey);
            // With durable state (Redis) a restarted demo finds today's rooms already there.
            if (await room.GetSummary() is not null)
            {
                LogAlreadySeeded(logger, roomKey);
                continue;
            }
            Ensure(await room.Setup(new RoomSetup(exam.Id, $"Ruang {roomNo}", startsAt, 40)));
            var roster = new List<RosterEntry>();
            for (var seat = 1; seat <= CandidatesPerRoom; seat++)
            {
                var n = (roomNo - 1) * CandidatesPerRoom + seat;
                var participantNo = $"2410011{n:D5}";
                var category = n % 10 == 0 ? "cumlaude" : n % 13 == 0 ? "disability" : "general";
                Ensure(await grains.GetGrain<ICandidateGrain>(participantNo).Register(new CandidateProfile(
                    participantNo, $"{GivenNames[n % GivenNames.Length]} {FamilyNames[n % FamilyNames.Length]}",
                    $"3175{n:D12}", new DateOnly(1995, 1, 1).AddDays(n * 37), category, DemoPosition, n == 13, Region, Site)));
                roster.Add(new RosterEntry(participantNo, $"S{seat:D2}"));
            }
            Ensure(await room.AddToRoster([.. roster]));

            if (roomNo == 1)
            {
                foreach (var entry in roster.Take(3))
                {
                    var receipt = Ensure(await room.CheckIn(new CheckInRequest(entry.ParticipantNo, "manual", new ProctorAction("demo-proctor", "demo check-in"))));
                    LogPin(logger, receipt.ParticipantNo, receipt.SessionKey, receipt.Pin);
                }
                Ensure(await room.Open(new ProctorAction("demo-proctor", "demo session start")));
                LogProctor(logger, roomKey, tokens.Issue(StaffGrant.Proctor("demo-proctor", "Demo Proctor", [roomKey], TimeSpan.FromHours(12))).Token);
            }
        }
        LogReady(logger, exam.Id, 2 * CandidatesPerRoom);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    static T Ensure<T>(Casn.Domain.Result<T> result) =>
        result.IsOk ? result.Value! : throw new InvalidOperationException($"Demo seeding failed: {result.Fault!.Code} {result.Fault.Message}");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo check-in: participant {ParticipantNo}, session {SessionKey}, PIN {Pin}")]
    static partial void LogPin(ILogger logger, string participantNo, string sessionKey, string pin);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo room {RoomKey} is already set up (durable state from an earlier run); left as it is")]
    static partial void LogAlreadySeeded(ILogger logger, string roomKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo proctor token for room {RoomKey}: {Token}")]
    static partial void LogProctor(ILogger logger, string roomKey, string token);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo ready: exam {ExamId}, {Candidates} candidates, room R01 open. Open the workstation page and log in with a PIN above.")]
    static partial void LogReady(ILogger logger, string examId, int candidates);
}
