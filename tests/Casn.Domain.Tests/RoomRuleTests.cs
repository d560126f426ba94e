using Casn.Domain.Rooms;
using Casn.Domain.Sessions;

namespace Casn.Domain.Tests;

/// <summary>The room's rules (set-up, roster, check-in window, status) and the proctor's seat projection.</summary>
public class RoomRuleTests
{
    static readonly DateTimeOffset Start = new(2026, 12, 3, 8, 0, 0, TimeSpan.FromHours(7));
    static readonly RoomRules Rules = new(MaxSeats: 3, CheckInClosesBeforeStart: TimeSpan.FromMinutes(5));
    static readonly RoomKey Key = RoomKey.Parse("KANREG-V/JKT-01/2026-12-03/1/R01").Value!;
    static readonly RoomSetup Setup = new("SKD", "Ruang 1", Start, Seats: 3);

    static ExamRoom NewRoom(params string[] participants)
    {
        var room = new ExamRoom(new RoomState(), Key, Rules);
        Assert.Null(room.CheckSetup(Setup, Start.AddDays(-1)));
        room.SetUp(Setup);
        room.Seat(participants.Select((p, i) => new RosterEntry(p, $"S{i + 1}")));
        return room;
    }

    static string? Code(Fault? fault) => fault?.Code;

    [Fact]
    public void A_set_up_is_dated_by_its_start_within_a_year_and_taken_once()
    {
        var room = new ExamRoom(new RoomState(), Key, Rules);
        var today = Start.AddDays(-1);
        Assert.Equal(ErrorCodes.RoomInvalid, Code(room.CheckSetup(Setup with { Seats = 4 }, today)));
        Assert.Equal(ErrorCodes.RoomInvalid, Code(room.CheckSetup(Setup with { Name = " " }, today)));
        // 23:30 UTC on the 2nd is the 3rd in Jakarta; the same instant written in UTC is another day.
        Assert.Null(room.CheckSetup(Setup with { StartsAt = new DateTimeOffset(2026, 12, 3, 6, 30, 0, TimeSpan.FromHours(7)) }, today));
        Assert.Equal(ErrorCodes.RoomInvalid, Code(room.CheckSetup(Setup with { StartsAt = new DateTimeOffset(2026, 12, 2, 23, 30, 0, TimeSpan.Zero) }, today)));
        Assert.Equal(ErrorCodes.RoomInvalid, Code(room.CheckSetup(Setup, Start.AddYears(-2))));

        room.SetUp(Setup);
        Assert.Null(room.CheckSetup(Setup, today));
        Assert.Equal(ErrorCodes.RoomAlreadySetUp, Code(room.CheckSetup(Setup with { Name = "Ruang 2" }, today)));
    }

    [Fact]
    public void A_roster_adds_only_new_people_to_free_seats_within_the_room()
    {
        var room = NewRoom("P1");
        Assert.Equal(ErrorCodes.RequestInvalid, room.NewRosterEntries([]).Fault?.Code);
        Assert.Equal(ErrorCodes.RequestInvalid, room.NewRosterEntries([new RosterEntry("P 2", "S2")]).Fault?.Code);
        Assert.Equal(ErrorCodes.RequestInvalid, room.NewRosterEntries([new RosterEntry("P2", "S1")]).Fault?.Code);
        Assert.Equal(ErrorCodes.RequestInvalid, room.NewRosterEntries([new RosterEntry("P2", "S2"), new RosterEntry("P3", "S2")]).Fault?.Code);
        Assert.Equal(ErrorCodes.RoomFull, room.NewRosterEntries([new("P2", "S2"), new("P3", "S3"), new("P4", "S4")]).Fault?.Code);

        // A re-sent import: P1 is skipped, P2 is new.
        var added = room.NewRosterEntries([new RosterEntry("P1", "S1"), new RosterEntry("P2", "S2")]);
        Assert.Equal(["P2"], added.Value!.Select(e => e.ParticipantNo));

        room.Move(RoomStatus.Scheduled, RoomStatus.Open);
        room.Move(RoomStatus.Open, RoomStatus.Closed);
        Assert.Equal(ErrorCodes.RoomClosed, room.NewRosterEntries([new RosterEntry("P2", "S2")]).Fault?.Code);
    }

    [Fact]
    public void A_first_check_in_closes_before_the_start_but_a_new_pin_does_not()
    {
        var room = NewRoom("P1", "P2");
        var beforeClosing = Start.AddMinutes(-6);
        Assert.Equal(ErrorCodes.NotOnRoster, room.PlanCheckIn("P9", "manual", beforeClosing).Fault?.Code);
        Assert.Equal(ErrorCodes.CheckInInvalid, room.PlanCheckIn("P1", "fingerprint", beforeClosing).Fault?.Code);
        Assert.Equal(new CheckInPlan("S1", true, RoomIncidentKinds.CheckIn), room.PlanCheckIn("P1", "manual", beforeClosing).Value);

        room.CheckedIn("P1");
        var duringTheExam = Start.AddMinutes(30);
        Assert.Equal(ErrorCodes.CheckInClosed, room.PlanCheckIn("P2", "manual", Start.AddMinutes(-4)).Fault?.Code);
        Assert.Equal(new CheckInPlan("S1", false, RoomIncidentKinds.PinReissued), room.PlanCheckIn("P1", "manual", duringTheExam).Value);
    }

    [Fact]
    public void A_manual_check_in_after_a_failed_face_check_is_an_override()
    {
        var room = NewRoom("P1");
        var now = Start.AddMinutes(-30);
        Assert.Equal(RoomIncidentKinds.CheckIn, room.PlanCheckIn("P1", "face", now).Value!.Kind);
        room.FaceCheckFailed("P1");
        Assert.Equal(RoomIncidentKinds.FaceOverride, room.PlanCheckIn("P1", "manual", now).Value!.Kind);
        Assert.Equal(RoomIncidentKinds.CheckIn, room.PlanCheckIn("P1", "face", now).Value!.Kind);
        Assert.Null(room.CanRefuse("P1"));
        room.CheckedIn("P1");
        Assert.Equal(ErrorCodes.SessionStateConflict, room.CanRefuse("P1")?.Code);
    }

    [Fact]
    public void The_room_opens_once_and_closes_once()
    {
        var room = NewRoom("P1");
        Assert.Equal(ErrorCodes.SessionStateConflict, room.Move(RoomStatus.Open, RoomStatus.Closed)?.Code);
        Assert.Null(room.Move(RoomStatus.Scheduled, RoomStatus.Open));
        Assert.Equal(ErrorCodes.SessionStateConflict, room.Move(RoomStatus.Scheduled, RoomStatus.Open)?.Code);
        Assert.Null(room.Move(RoomStatus.Open, RoomStatus.Closed));
        Assert.Equal(RoomStatus.Closed, room.State.Status);
    }

    [Fact]
    public void Incidents_are_counted_by_kind_and_face_checks_by_their_typed_outcome()
    {
        var room = NewRoom("P1");
        room.Record(new RoomIncident(Start, "P1", RoomIncidentKinds.FaceCheck, "pr", "NotVerified, similarity 0.210", "e1", RoomIncidentOutcomes.NotVerified, 0.21));
        room.Record(new RoomIncident(Start, "P1", RoomIncidentKinds.FaceCheck, "pr", "Verified", null, RoomIncidentOutcomes.Verified, 0.81));
        room.Record(new RoomIncident(Start, "P1", RoomIncidentKinds.CheckIn, "pr", "ok"));
        Assert.Equal(new Dictionary<string, int> { ["face_check:not_verified"] = 1, ["face_check:verified"] = 1, ["check_in"] = 1 }, room.IncidentsByKind());
        Assert.Equal("e1", room.LatestEvidence("P1"));
    }

    static SeatLine Line(string participant, SessionStatus status = SessionStatus.InProgress, int answered = 0, long revision = 1, long remainingMs = 60_000) =>
        new(participant, "Siti", "S1", status, FinishReason.None, answered, 110, remainingMs, 6_000_000, status == SessionStatus.InProgress, Start,
            false, false, Start, "ws-1", SeatFaceStates.Verified, null, 0, 3, revision);

    [Fact]
    public void The_projection_keeps_each_seats_newest_line_and_tells_a_reader_what_changed_since()
    {
        var seats = new SeatProjection();
        Assert.True(seats.Apply(Line("P1", revision: 5)));
        Assert.True(seats.Apply(Line("P2", SessionStatus.Registered)));
        var seen = seats.Version;

        // A late line (an older revision) never replaces a newer one.
        Assert.False(seats.Apply(Line("P1", SessionStatus.Suspended, revision: 4)));
        Assert.Empty(seats.ChangesSince(seen, Start).Seats);

        Assert.True(seats.Apply(Line("P1", answered: 7, revision: 6)));
        seats.Record(new RoomIncident(Start, "P1", RoomIncidentKinds.Suspended, "pr", "phone"));
        seats.Remove("P2");
        var changes = seats.ChangesSince(seen, Start);
        var line = Assert.Single(changes.Seats);
        Assert.Equal((7, RoomIncidentKinds.Suspended), (line.Answered, line.LatestIncident?.Kind));
        Assert.Equal(["P2"], changes.Removed);
        Assert.Equal(new Attendance(1, 0, 1, 0, 0, 0), seats.Attendance());

        // A later line keeps the seat's latest incident, which the room (not the sitting) knows.
        seats.Apply(Line("P1", answered: 8, revision: 7));
        Assert.Equal(RoomIncidentKinds.Suspended, seats.Seats(Start)[0].LatestIncident?.Kind);
    }

    [Fact]
    public void A_running_clock_is_moved_on_by_the_reader_and_a_ticking_clock_is_not_a_change()
    {
        var line = Line("P1");
        Assert.Equal(59_000, line.At(Start.AddSeconds(1)).RemainingMs);
        Assert.Equal(0, line.At(Start.AddHours(1)).RemainingMs);
        Assert.Equal(60_000, (line with { ClockRunning = false }).At(Start.AddHours(1)).RemainingMs);

        var later = line with { RemainingMs = 50_000, AsOf = Start.AddSeconds(10) };
        Assert.False(later.DiffersFrom(line));
        // Extra time while running is a change (the deadline moved), and so is a new answer, but only status-like changes are urgent.
        Assert.True((later with { RemainingMs = 650_000 }).DiffersFrom(line));
        Assert.True((line with { Answered = 1 }).DiffersFrom(line));
        Assert.False((line with { Answered = 1, LastContact = Start.AddSeconds(5) }).DiffersMuchFrom(line));
        Assert.True((line with { Status = SessionStatus.Suspended }).DiffersMuchFrom(line));
        Assert.True((line with { PinFailures = 5 }).DiffersMuchFrom(line));
    }
}
