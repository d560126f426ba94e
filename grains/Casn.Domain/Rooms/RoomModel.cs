namespace Casn.Domain.Rooms;

public enum RoomStatus
{
    Scheduled = 0,
    Open = 1,
    Closed = 2,
}

/// <summary>A room in one session slot: the exam it sits, its name, when it starts (its local date is the key's date), its seats.</summary>
[GenerateSerializer, Immutable]
public sealed record RoomSetup(
    [property: Id(0)] string ExamId,
    [property: Id(1)] string Name,
    [property: Id(2)] DateTimeOffset StartsAt,
    [property: Id(3)] int Seats);

[GenerateSerializer, Immutable]
public sealed record RosterEntry([property: Id(0)] string ParticipantNo, [property: Id(1)] string Seat);

/// <summary>Who acts (the staff token's subject, never a request's field) and why.</summary>
[GenerateSerializer, Immutable]
public sealed record ProctorAction([property: Id(0)] string By, [property: Id(1)] string Reason);

/// <summary>Kinds of room incident; clients switch on these strings.</summary>
public static class RoomIncidentKinds
{
    public const string CheckIn = "check_in";
    public const string PinReissued = "pin_reissued";
    /// <summary>A face check at the desk; its <see cref="RoomIncident.Outcome"/> is a <see cref="RoomIncidentOutcomes"/> face value.</summary>
    public const string FaceCheck = "face_check";
    /// <summary>A manual check-in after a failed face check: the proctor overrode the camera.</summary>
    public const string FaceOverride = "face_override";
    /// <summary>The proctor refused a candidate at the desk (a stand-in, no identity document).</summary>
    public const string CheckInRefused = "check_in_refused";
    public const string RoomOpened = "room_opened";
    public const string RoomClosed = "room_closed";
    public const string Suspended = "suspended";
    public const string Resumed = "resumed";
    /// <summary>Extra time given; the minutes are in <see cref="RoomIncident.Outcome"/> (e.g. <c>10m</c>).</summary>
    public const string TimeExtended = "time_extended";
    public const string Disqualified = "disqualified";
    /// <summary>Disqualified (or turned away at the desk) as a hired stand-in: a case for the national operator to confirm.</summary>
    public const string StandIn = "stand_in";
    /// <summary>Wrong PINs for one sitting, at the lock-out limit and each doubling after it.</summary>
    public const string PinFailures = "pin_failures";
    /// <summary>The right PIN from another workstation: waits for the proctor's approval.</summary>
    public const string ReloginRequested = "relogin_requested";
    public const string LoginApproved = "login_approved";
    /// <summary>A workstation came back after too long a silence: the sitting waits for the proctor to resume.</summary>
    public const string ContactLost = "contact_lost";
    /// <summary>One item moved through several options: someone may be reading the key off the live board.</summary>
    public const string AnswerProbe = "answer_probe";
    /// <summary>A check-in capture that is a near-copy of the registration photo.</summary>
    public const string FaceReplay = "face_replay";
    /// <summary>A national operator moved the candidate elsewhere before check-in: the seat was freed.</summary>
    public const string MovedOut = "moved_out";
}

/// <summary>Outcomes carried by incidents, so that nobody parses a reason's text back.</summary>
public static class RoomIncidentOutcomes
{
    public const string Verified = "verified";
    public const string NotVerified = "not_verified";
    public const string Retake = "retake";
}

/// <summary>
/// Something that happened in a room, typed: its kind, its outcome where it has one (a face check's
/// verdict, the minutes given), who did it and why, the evidence kept for it (a capture's name) and, for a face
/// check, the similarity the verdict came from.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RoomIncident(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string ParticipantNo,
    [property: Id(2)] string Kind,
    [property: Id(3)] string By,
    [property: Id(4)] string Reason,
    [property: Id(5)] string? Evidence = null,
    [property: Id(6)] string? Outcome = null,
    [property: Id(7)] double? Similarity = null);

[GenerateSerializer, Immutable]
public sealed record Attendance(
    [property: Id(0)] int Rostered,
    [property: Id(1)] int CheckedIn,
    [property: Id(2)] int InProgress,
    [property: Id(3)] int Suspended,
    [property: Id(4)] int Finished,
    [property: Id(5)] int Absent);
