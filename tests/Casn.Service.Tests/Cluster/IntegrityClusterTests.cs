using Casn.Domain;
using Casn.Domain.Candidates;
using Casn.Domain.Sessions;
using Casn.Grains.Abstractions;
using static Casn.Service.Tests.Cluster.ExamDay;

namespace Casn.Service.Tests.Cluster;

/// <summary>The integrity rules where they live, in the grains: logins, seats and lost contact.</summary>
[Collection(ClusterCollection.Name)]
public sealed class IntegrityClusterTests(ClusterFixture fixture)
{
    IGrainFactory Grains => fixture.Client;

    static LoginRequest Stranger(string pin, int n) => new(pin, $"ws-x{n}", $"stranger-workstation-key-{n:D4}");

    [Fact]
    public async Task Wrong_pins_from_other_workstations_leave_the_seat_free_and_tell_the_room()
    {
        var day = await new ExamDay(Grains).Prepare(candidates: 1);
        var pin = await day.CheckIn(1);
        await day.Open();

        for (var n = 1; n <= 10; n++) Fails(ErrorCodes.AuthPinInvalid, await day.Session(1).Login(Stranger("000000", n), $"203.0.113.{n}"));
        // One workstation that keeps guessing from several addresses is locked out, even with the right PIN.
        for (var n = 1; n <= 4; n++) Fails(ErrorCodes.AuthPinInvalid, await day.Session(1).Login(Stranger("000000", 1), $"198.51.100.{n}"));
        Fails(ErrorCodes.AuthPinLocked, await day.Session(1).Login(Stranger(pin, 1), "198.51.100.99"));

        await day.Login(1, pin);
        await Eventually(async () => Ok(await day.Room.GetView()).Incidents.Count(i => i.Kind == RoomIncidentKinds.PinFailures) == 2,
            TimeSpan.FromSeconds(5), "pin_failures at 5 and 10");
        // The seat line reaches the room one way, like the incidents: the proctor's tile shows the count.
        await Eventually(async () => Ok(await day.Room.GetView()).Seats[0].PinFailures == 14, TimeSpan.FromSeconds(5), "the seat's PIN failure count");
    }

    [Fact]
    public async Task Another_workstation_takes_the_seat_only_with_the_proctors_approval()
    {
        var day = await new ExamDay(Grains).Prepare(candidates: 1);
        var pin = await day.CheckIn(1);
        await day.Open();
        var seat = await day.Login(1, pin);

        Fails(ErrorCodes.AuthReloginNeedsProctor, await day.Session(1).Login(Stranger(pin, 2), "10.1.0.2"));
        Ok(await day.Session(1).SubmitAnswer(seat, new AnswerSubmission(1, day.PaperOf(1).Items[0].Item.Id, 0)));
        await Eventually(async () => Ok(await day.Room.GetView()).Incidents.Any(i => i.Kind == RoomIncidentKinds.ReloginRequested),
            TimeSpan.FromSeconds(5), "the room hears of the request");

        Ok(await day.Room.ApproveRelogin(day.ParticipantNo(1), day.Proctor));
        var grant = Ok(await day.Session(1).Login(Stranger(pin, 2), "10.1.0.2"));
        Fails(ErrorCodes.AuthTokenInvalid, await day.Session(1).Heartbeat(seat));
        Ok(await day.Session(1).Heartbeat(WorkstationCredential.Of(grant.Token, Stranger(pin, 2).WorkstationKey)));
        Assert.Contains(Ok(await day.Room.GetView()).Incidents, i => i.Kind == RoomIncidentKinds.LoginApproved && i.By == day.Proctor.By);
    }

    [Fact]
    public async Task A_candidate_sits_only_with_their_kanreg_and_site_and_once_per_exam()
    {
        var day = await new ExamDay(Grains).Prepare(candidates: 2);
        Ok(await Grains.GetGrain<ICandidateGrain>(day.ParticipantNo(3)).Register(day.Profile(3)));
        var date = $"{day.StartsAt.UtcDateTime:yyyy-MM-dd}";
        async Task<IExamRoomGrain> Room(string key)
        {
            var room = Grains.GetGrain<IExamRoomGrain>(key);
            Ok(await room.Setup(new RoomSetup(day.Exam.Id, "Other", day.StartsAt, 10)));
            return room;
        }
        var otherKanreg = await Room($"KANREG-X/{day.Site}/{date}/1/R01");
        var otherSite = await Room($"{ExamDay.Kanreg}/ELSEWHERE-{day.Site}/{date}/1/R01");
        var secondSlot = await Room($"{ExamDay.Kanreg}/{day.Site}/{date}/2/R01");

        Fails(ErrorCodes.CandidateOtherKanreg, await otherKanreg.AddToRoster([new RosterEntry(day.ParticipantNo(3), "S1")]));
        Fails(ErrorCodes.CandidateOtherSite, await otherSite.AddToRoster([new RosterEntry(day.ParticipantNo(3), "S1")]));
        Fails(ErrorCodes.CandidateAlreadySeated, await secondSlot.AddToRoster([new RosterEntry(day.ParticipantNo(1), "S1")]));
        // A roster that is refused takes nobody: candidate 3's seat, claimed alongside, is given back.
        Fails(ErrorCodes.CandidateAlreadySeated, await secondSlot.AddToRoster([new RosterEntry(day.ParticipantNo(3), "S3"), new RosterEntry(day.ParticipantNo(1), "S1")]));
        Assert.Equal(0, Ok(await secondSlot.GetView()).Attendance.Rostered);
        Assert.Empty(Ok(await otherKanreg.GetView()).Seats);
        Assert.Equal(3, Ok(await day.Room.AddToRoster([new RosterEntry(day.ParticipantNo(3), "S03")])).Attendance.Rostered);
        Assert.Equal(day.RoomKey, (await Grains.GetGrain<ICandidateGrain>(day.ParticipantNo(3)).GetRecord())!.SeatByExam[day.Exam.Id]);
    }

    [Fact]
    public async Task A_national_move_frees_seats_not_yet_checked_in_and_is_recorded()
    {
        var day = await new ExamDay(Grains).Prepare(candidates: 2);
        await day.CheckIn(2);
        var candidate = Grains.GetGrain<ICandidateGrain>(day.ParticipantNo(1));

        // Before a move, another Kanreg cannot seat them, and a registration update cannot move them either.
        var foreign = Grains.GetGrain<IExamRoomGrain>($"KANREG-X/SITE-X/{day.StartsAt.UtcDateTime:yyyy-MM-dd}/1/R01");
        Ok(await foreign.Setup(new RoomSetup(day.Exam.Id, "Foreign", day.StartsAt, 10)));
        Fails(ErrorCodes.CandidateOtherKanreg, await foreign.AddToRoster([new RosterEntry(day.ParticipantNo(1), "S1")]));
        Fails(ErrorCodes.CandidateAlreadySeated, await candidate.Register(day.Profile(1) with { Kanreg = "KANREG-X" }));

        var moved = Ok(await candidate.Move(new CandidateMoveRequest("KANREG-X", "SITE-X", "moved house to X"), "op-national"));

        Assert.Equal(("KANREG-X", "SITE-X"), (moved.Profile.Kanreg, moved.Profile.Site));
        Assert.Empty(moved.SeatByExam);
        var move = Assert.Single(moved.Moves);
        Assert.Equal((ExamDay.Kanreg, day.Site, "op-national", "moved house to X"), (move.FromKanreg, move.FromSite, move.By, move.Reason));
        Assert.Equal([day.RoomKey], move.ReleasedRooms);
        var room = Ok(await day.Room.GetView());
        Assert.Equal(1, room.Attendance.Rostered);
        Assert.Contains(room.Incidents, i => i.Kind == RoomIncidentKinds.MovedOut && i.ParticipantNo == day.ParticipantNo(1) && i.By == "op-national");
        Assert.Null(await day.Session(1).GetView());
        await Eventually(async () => (await Grains.GetGrain<ILiveBoardGrain>(day.RoomKey).GetSnapshot()).Rows.All(r => r.ParticipantNo != day.ParticipantNo(1)),
            TimeSpan.FromSeconds(5), "the moved candidate's board line goes");
        Ok(await foreign.AddToRoster([new RosterEntry(day.ParticipantNo(1), "S1")]));

        // A candidate already checked in stays where they are.
        Fails(ErrorCodes.CandidateAlreadySeated, await Grains.GetGrain<ICandidateGrain>(day.ParticipantNo(2))
            .Move(new CandidateMoveRequest("KANREG-X", null, "too late"), "op-national"));
        Assert.Equal(SessionStatus.CheckedIn, (await day.Session(2).GetView())!.Status);
        Assert.Equal(ExamDay.Kanreg, (await Grains.GetGrain<ICandidateGrain>(day.ParticipantNo(2)).GetProfile())!.Kanreg);
    }

    [Fact]
    public async Task A_room_is_dated_by_its_start_in_its_own_offset_and_at_most_a_year_ahead()
    {
        var day = new ExamDay(Grains);
        Ok(await Grains.GetGrain<IExamGrain>(day.Exam.Id).Define(day.Exam));
        var tomorrow = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1);
        // 06:30 in Jakarta (+07:00) is 23:30 UTC the day before: the room sits on the Jakarta date.
        var jakartaMorning = new DateTimeOffset(tomorrow.ToDateTime(new TimeOnly(6, 30)), TimeSpan.FromHours(7));
        RoomSetup Setup(DateTimeOffset startsAt) => new(day.Exam.Id, "Dated", startsAt, 5);
        IExamRoomGrain Room(DateOnly date, string room) => Grains.GetGrain<IExamRoomGrain>($"{ExamDay.Kanreg}/{day.Site}/{date:yyyy-MM-dd}/1/{room}");

        Ok(await Room(tomorrow, "R01").Setup(Setup(jakartaMorning)));
        Fails(ErrorCodes.RoomInvalid, await Room(tomorrow.AddDays(-1), "R02").Setup(Setup(jakartaMorning)));
        Fails(ErrorCodes.RoomInvalid, await Room(tomorrow.AddDays(3), "R03").Setup(Setup(jakartaMorning)));
        var farAhead = new DateOnly(9999, 12, 31);
        Fails(ErrorCodes.RoomInvalid, await Room(farAhead, "R04").Setup(Setup(new DateTimeOffset(farAhead.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero))));
        var inAYear = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(1).AddDays(1);
        Fails(ErrorCodes.RoomInvalid, await Room(inAYear, "R05").Setup(Setup(new DateTimeOffset(inAYear.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero))));
    }
}
