using Casn.Domain.Scoring;

namespace Casn.Domain.Sessions;

public enum SessionStatus
{
    Registered = 0,
    CheckedIn = 1,
    InProgress = 2,
    Suspended = 3,
    Finished = 4,
}

public enum FinishReason
{
    None = 0,
    Submitted = 1,
    TimedOut = 2,
    Disqualified = 3,
    RoomClosed = 4,

    /// <summary>Never checked in: the room closed with the candidate still on its roster.</summary>
    Absent = 5,
}

/// <summary>What a room knows about a candidate when it puts them on its roster.</summary>
[GenerateSerializer, Immutable]
public sealed record SessionSetup(
    [property: Id(0)] string ExamId,
    [property: Id(1)] string ParticipantNo,
    [property: Id(2)] string Name,
    [property: Id(3)] string Category,
    [property: Id(4)] bool Accessible,
    [property: Id(5)] string Seat,
    [property: Id(6)] string PositionId = "");

/// <summary>How identity was confirmed at check-in. The face check plugs in here as another method.</summary>
[GenerateSerializer, Immutable]
public sealed record CheckInRecord(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Method,
    [property: Id(2)] string By,
    [property: Id(3)] string Reason);

/// <summary>One accepted answer. Kept for good: it is the audit trail and the source of replayed acks.</summary>
[GenerateSerializer, Immutable]
public sealed record AnswerRecord(
    [property: Id(0)] long Sequence,
    [property: Id(1)] string ItemId,
    [property: Id(2)] int? Choice,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] bool Applied,
    [property: Id(5)] long Ordinal = 0);

/// <summary>Anything that changed a session other than an answer: proctor actions, time changes, contact loss.</summary>
[GenerateSerializer, Immutable]
public sealed record SessionEvent(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Kind,
    [property: Id(2)] string By,
    [property: Id(3)] string Detail,
    [property: Id(4)] long Ordinal = 0);

public static class SessionEventKinds
{
    public const string CheckedIn = "checked_in";
    public const string PinReissued = "pin_reissued";
    public const string Started = "started";
    public const string LoggedIn = "logged_in";
    public const string ContactLost = "contact_lost";
    public const string ContactRestored = "contact_restored";
    public const string Suspended = "suspended";
    public const string Resumed = "resumed";
    public const string TimeExtended = "time_extended";
    public const string Disqualified = "disqualified";
    public const string Finished = "finished";
    public const string FaceChecked = "face_checked";
    public const string FaceMismatch = "face_mismatch";
    public const string FaceMissing = "face_missing";
    /// <summary>A login from another workstation that the proctor allowed (the "reset login" practice).</summary>
    public const string ReloginApproved = "relogin_approved";
    /// <summary>Contact came back after too long a silence: the sitting waits for the proctor.</summary>
    public const string ContactAwaitingProctor = "contact_awaiting_proctor";
    /// <summary>One item moved through several different options: a way to read the key off the live board.</summary>
    public const string AnswerProbe = "answer_probe";
}

[GenerateSerializer, Immutable]
public sealed record FinalResult(
    [property: Id(0)] string ParticipantNo,
    [property: Id(1)] string ExamId,
    [property: Id(2)] ScoreSheet Scores,
    [property: Id(3)] PassOutcome? Pass,
    [property: Id(4)] FinishReason Reason,
    [property: Id(5)] DateTimeOffset FinishedAt,
    [property: Id(6)] string Category,
    [property: Id(7)] string AuditHead = "");

/// <summary>The persisted state of one candidate session. Written before any change is acknowledged.</summary>
[GenerateSerializer]
public sealed class SessionState
{
    [Id(0)] public SessionSetup? Setup { get; set; }
    [Id(1)] public string BankVersion { get; set; } = "";
    [Id(2)] public SessionStatus Status { get; set; }
    [Id(3)] public FinishReason FinishReason { get; set; }
    [Id(4)] public ExamClock? Clock { get; set; }
    [Id(5)] public DateTimeOffset? LastContact { get; set; }
    [Id(6)] public bool ContactLost { get; set; }
    [Id(7)] public AnswerLog Answers { get; set; } = [];
    [Id(8)] public string? PinHash { get; set; }
    // Id 9 held one wrong-PIN count for the whole sitting, which let anyone lock the seat; see PinFailures.
    [Id(10)] public string? TokenHash { get; set; }
    [Id(11)] public string? WorkstationId { get; set; }
    [Id(12)] public bool RoomOpen { get; set; }
    [Id(13)] public List<SessionEvent> Events { get; set; } = [];
    [Id(14)] public FinalResult? Result { get; set; }
    [Id(15)] public CheckInRecord? CheckIn { get; set; }

    /// <summary>When the workstation should next send a camera frame; null when in-exam checks are off.</summary>
    [Id(16)] public DateTimeOffset? NextFaceCheckAt { get; set; }

    /// <summary>Frames in a row without a usable face.</summary>
    [Id(17)] public int FaceMisses { get; set; }

    /// <summary>The audit chain's last hash and length; answers and events carry their place in it (Ordinal).</summary>
    [Id(18)] public string? AuditHead { get; set; }

    [Id(19)] public long AuditCount { get; set; }

    /// <summary>When the signed result archive was stored; null until then (retried until it is).</summary>
    [Id(20)] public DateTimeOffset? ArchivedAt { get; set; }

    /// <summary>
    /// Wrong PINs by where they came from: <c>ws:{workstation}</c> and <c>ip:{address}</c>. A source that
    /// reaches the limit is locked out; the sitting as a whole never is, so a stranger cannot lock the seat.
    /// </summary>
    [Id(21)] public Dictionary<string, int> PinFailures { get; set; } = new(StringComparer.Ordinal);

    [Id(22)] public int PinFailuresTotal { get; set; }

    /// <summary>The workstation that holds the seat (a hash of its secret key); set at the first login.</summary>
    [Id(23)] public string? SeatedWorkstation { get; set; }

    /// <summary>The proctor allowed one login from another workstation (approval or a new PIN).</summary>
    [Id(24)] public bool ReloginApproved { get; set; }

    /// <summary>Another workstation asked to take the seat over and waits for the proctor.</summary>
    [Id(25)] public ReloginRequest? ReloginRequest { get; set; }

    /// <summary>When the clock was stopped for lost contact (the last contact before the silence).</summary>
    [Id(26)] public DateTimeOffset? SilenceSince { get; set; }

    /// <summary>Contact came back after too long a silence: no items or answers until the proctor resumes.</summary>
    [Id(27)] public bool AwaitingProctor { get; set; }

    /// <summary>Silence given back without a proctor so far; capped by <see cref="SessionRules.MaxCreditedPause"/>.</summary>
    [Id(28)] public TimeSpan CreditedPause { get; set; }

    /// <summary>The code of the certificate issued with the signed archive; null until the archive is stored.</summary>
    [Id(29)] public string? CertificateCode { get; set; }

    /// <summary>When the position's ranking took this sitting's result; null until it has (re-sent by the reminder).</summary>
    [Id(30)] public DateTimeOffset? ResultReportedAt { get; set; }

    /// <summary>A copy whose collections are shared with this one: for building the stored header, never for changing.</summary>
    public SessionState ShallowCopy() => (SessionState)MemberwiseClone();
}

/// <summary>A login with the right PIN from a workstation other than the seated one.</summary>
[GenerateSerializer, Immutable]
public sealed record ReloginRequest(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string WorkstationId);

/// <summary>
/// Where a login comes from: the workstation (a hash of its secret key, which a stranger cannot know)
/// and the client address. Wrong PINs are counted against these, never against the sitting.
/// </summary>
public sealed record LoginOrigin(string Workstation, string Address);

/// <summary>What an in-exam camera frame showed, compared with the candidate's reference face.</summary>
public enum FaceFrameResult
{
    SamePerson = 0,
    DifferentPerson = 1,
    NoUsableFace = 2,
}

/// <summary>
/// The service's rules for sessions, from configuration. In-exam face checks come on average every
/// <see cref="FaceCheckEvery"/> (at a random moment between half and one and a half times it; zero
/// turns them off); <see cref="FaceMissesAllowed"/> frames in a row without a usable face suspend.
/// </summary>
public sealed record SessionRules(TimeSpan HeartbeatTimeout, int MaxAnswers, int MaxPinAttempts)
{
    public static readonly SessionRules Default = new(TimeSpan.FromSeconds(30), 2000, 5);

    public TimeSpan FaceCheckEvery { get; init; } = TimeSpan.Zero;

    public int FaceMissesAllowed { get; init; } = 3;

    /// <summary>A due frame not sent within this counts as a frame without a face: a client cannot skip checks.</summary>
    public TimeSpan FaceCheckGrace { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>A silence shorter than this is given back on its own when contact returns; a longer one waits for the proctor.</summary>
    public TimeSpan AutoResumeWithin { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Silence given back without a proctor, in all, per sitting (the documented disruption limit).</summary>
    public TimeSpan MaxCreditedPause { get; init; } = TimeSpan.FromHours(3);

    /// <summary>The latest events a view carries: the room view's size stays bounded whatever a sitting went through.</summary>
    public int EventsInView { get; init; } = 50;

    /// <summary>Pin-failure sources remembered per sitting; beyond this a failure still fails but is not counted.</summary>
    public const int MaxPinFailureSources = 512;
}
