namespace Casn.Domain;

/// <summary>An error a user can cause: a stable code (clients switch on it) and a human message.</summary>
[GenerateSerializer, Immutable]
public sealed record Fault([property: Id(0)] string Code, [property: Id(1)] string Message);

/// <summary>
/// The typed outcome of an operation that a user can get wrong. Grains return it instead of throwing,
/// so that a bad request never surfaces as an exception or a stack trace.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record Result<T>([property: Id(0)] T? Value, [property: Id(1)] Fault? Fault)
{
    public bool IsOk => Fault is null;

    public static implicit operator Result<T>(T value) => new(value, null);

    public static implicit operator Result<T>(Fault fault) => new(default, fault);
}

/// <summary>The stable error codes. Clients and tests depend on these strings: never rename one.</summary>
public static class ErrorCodes
{
    public const string RequestInvalid = "request.invalid";
    public const string KeyInvalid = "request.invalid_key";

    public const string ExamNotFound = "exam.not_found";
    public const string ExamInvalid = "exam.invalid";
    public const string ExamAlreadyDefined = "exam.already_defined";

    public const string CandidateNotFound = "candidate.not_found";
    public const string CandidateInvalid = "candidate.invalid";
    public const string CategoryUnknown = "candidate.category_unknown";
    /// <summary>A registration, or SKB scores, name a position the exam does not define (#15).</summary>
    public const string PositionUnknown = "position.unknown";
    /// <summary>An SKB score file with a bad line: the message names every bad line, and nothing of the file is applied.</summary>
    public const string SkbInvalid = "skb.invalid";
    /// <summary>A position without an announcement yet (or an unknown one), asked for its latest.</summary>
    public const string AnnouncementNotFound = "announcement.not_found";
    /// <summary>A candidate registered to sit with one Kanreg, rostered into another Kanreg's room.</summary>
    public const string CandidateOtherKanreg = "candidate.other_kanreg";
    /// <summary>A candidate registered to sit at one site of their Kanreg, rostered into a room at another site.</summary>
    public const string CandidateOtherSite = "candidate.other_site";
    /// <summary>The participant already has a sitting of this exam (in this or another room).</summary>
    public const string CandidateAlreadySeated = "candidate.already_seated";
    /// <summary>The national ID belongs to a confirmed stand-in case: no registration or seat with it.</summary>
    public const string CandidateBlocked = "candidate.blocked";
    public const string StandInCaseNotFound = "stand_in.not_found";
    /// <summary>The case was already confirmed or dismissed.</summary>
    public const string StandInCaseDecided = "stand_in.decided";

    public const string RoomNotFound = "room.not_found";
    public const string RoomInvalid = "room.invalid";
    public const string RoomAlreadySetUp = "room.already_set_up";
    public const string RoomFull = "room.full";
    public const string RoomNotOpen = "room.not_open";
    public const string RoomClosed = "room.closed";
    /// <summary>A roster line names a seat another participant holds, or a participant already seated here at another seat.</summary>
    public const string RosterSeatConflict = "roster.seat_conflict";
    public const string NotOnRoster = "room.not_on_roster";

    public const string CheckInClosed = "checkin.closed";
    public const string CheckInInvalid = "checkin.invalid";
    public const string CheckInFaceMismatch = "checkin.face_mismatch";
    public const string CheckInFaceRetake = "checkin.face_retake";
    /// <summary>The capture is a near-copy of the reference photo (the photo file itself, not a live face).</summary>
    public const string CheckInFaceReplay = "checkin.face_replay";
    /// <summary>An in-exam camera frame sent when no check is due.</summary>
    public const string FaceNotDue = "face.not_due";
    public const string CandidateNotEnrolled = "candidate.not_enrolled";
    public const string FaceBusy = "face.busy";
    public const string ImageTooLarge = "image.too_large";
    public const string ImageEmpty = "image.empty";

    public const string BoardNotFound = "board.not_found";
    public const string BoardViewersFull = "board.viewers_full";

    public const string SessionNotFound = "session.not_found";
    public const string SessionNotStarted = "session.not_started";
    public const string SessionSuspended = "session.suspended";
    public const string SessionFinished = "session.finished";
    public const string SessionStateConflict = "session.state_conflict";
    /// <summary>The workstation came back after too long a silence: items and answers wait for the proctor to resume.</summary>
    public const string SessionContactLost = "session.contact_lost";

    public const string AuthPinInvalid = "auth.pin_invalid";
    public const string AuthPinLocked = "auth.pin_locked";
    /// <summary>The right PIN from a workstation other than the seated one: the room's proctor must approve the takeover.</summary>
    public const string AuthReloginNeedsProctor = "auth.relogin_needs_proctor";
    public const string AuthTokenMissing = "auth.token_missing";
    public const string AuthTokenInvalid = "auth.token_invalid";
    /// <summary>A workstation must send its own secret key at login and with every call after it.</summary>
    public const string AuthWorkstationKeyInvalid = "auth.workstation_key_invalid";
    /// <summary>Staff endpoints: no token, or one that is not signed by this cluster's key.</summary>
    public const string AuthRequired = "auth.required";
    public const string AuthStaffTokenExpired = "auth.token_expired";
    /// <summary>A valid token for another role, Kanreg or room.</summary>
    public const string AuthForbidden = "auth.forbidden";

    public const string ItemUnknown = "item.unknown";
    public const string OptionOutOfRange = "option.out_of_range";
    public const string AnswerTooLate = "answer.too_late";
    public const string AnswerSequenceInvalid = "answer.sequence_invalid";
    public const string AnswerSequenceConflict = "answer.sequence_conflict";
    public const string AnswerLimitReached = "answer.limit_reached";

    public const string TimeExtensionInvalid = "time.extension_invalid";
    public const string ReasonRequired = "proctor.reason_required";
    /// <summary>A proctor id already given to another proctor on that day in that Kanreg.</summary>
    public const string ProctorIdTaken = "proctor.id_taken";

    public const string CertificateNotFound = "certificate.not_found";
    public const string FaceImageNotFound = "face.image_not_found";

    public const string RequestTooLarge = "request.too_large";

    /// <summary>A bulk import's line that could not be read: broken JSON or CSV, or a required field missing.</summary>
    public const string ImportLineInvalid = "import.line_invalid";
    /// <summary>A bulk import's line for a participant an earlier line of the same file already named.</summary>
    public const string ImportDuplicateLine = "import.duplicate_line";
    public const string RateLimited = "request.rate_limited";
}

public static class Faults
{
    public static Fault Of(string code, string message) => new(code, message);
}
