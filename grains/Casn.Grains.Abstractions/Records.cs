namespace Casn.Grains.Abstractions;

[GenerateSerializer, Immutable]
public sealed record ExamSummary(
    [property: Id(0)] string Id,
    [property: Id(1)] string Title,
    [property: Id(2)] string BankVersion,
    [property: Id(3)] int ItemCount,
    [property: Id(4)] int BankSize,
    [property: Id(5)] int MaxScore,
    [property: Id(6)] TimeSpan Duration,
    [property: Id(7)] string[] Sections,
    [property: Id(8)] string[] Categories);

/// <summary>
/// A registered candidate. National ID and birth date stay in this grain: no view for proctors or the
/// public carries them. <see cref="Kanreg"/> (and, when given, <see cref="Site"/>) is where the candidate
/// chose to sit: only that Kanreg's rooms (that site's) can seat them.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CandidateProfile(
    [property: Id(0)] string ParticipantNo,
    [property: Id(1)] string Name,
    [property: Id(2)] string NationalId,
    [property: Id(3)] DateOnly BirthDate,
    [property: Id(4)] string Category,
    [property: Id(5)] string PositionId,
    [property: Id(6)] bool Accessible,
    [property: Id(7)] string Kanreg,
    [property: Id(8)] string? Site = null)
{
    // Orleans' message tracing prints records: the NIK and birth date must not reach a log line.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"ParticipantNo = {ParticipantNo}, Name = {Name}, NationalId = (hidden), BirthDate = (hidden), ");
        builder.Append($"Category = {Category}, PositionId = {PositionId}, Accessible = {Accessible}, Kanreg = {Kanreg}, Site = {Site}");
        return true;
    }
}

/// <summary>A national operator moves a candidate to another Kanreg (or site); seats not yet checked in to are released.</summary>
[GenerateSerializer, Immutable]
public sealed record CandidateMoveRequest(
    [property: Id(0)] string Kanreg,
    [property: Id(1)] string? Site,
    [property: Id(2)] string Reason);

/// <summary>A change of where a candidate sits, as recorded: by a move, or by a registration update.</summary>
[GenerateSerializer, Immutable]
public sealed record CandidateMove(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string FromKanreg,
    [property: Id(2)] string? FromSite,
    [property: Id(3)] string ToKanreg,
    [property: Id(4)] string? ToSite,
    [property: Id(5)] string By,
    [property: Id(6)] string Reason,
    [property: Id(7)] string[] ReleasedRooms);

/// <summary>A candidate as staff see it: the profile, the seat held per exam, and every move.</summary>
[GenerateSerializer, Immutable]
public sealed record CandidateRecord(
    [property: Id(0)] CandidateProfile Profile,
    [property: Id(1)] Dictionary<string, string> SeatByExam,
    [property: Id(2)] CandidateMove[] Moves);

/// <summary>
/// Method <c>face</c> carries the live capture and checks it against the registration photo;
/// method <c>manual</c> is the proctor confirming identity by hand (also how a failed face check is overridden).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CheckInRequest(
    [property: Id(0)] string ParticipantNo,
    [property: Id(1)] string Method,
    [property: Id(2)] ProctorAction Proctor,
    [property: Id(3)] byte[]? Capture = null);

/// <summary>The PIN goes to the candidate on the check-in slip; it is never stored in clear.</summary>
[GenerateSerializer, Immutable]
public sealed record CheckInReceipt(
    [property: Id(0)] string SessionKey,
    [property: Id(1)] string ParticipantNo,
    [property: Id(2)] string Seat,
    [property: Id(3)] string Pin)
{
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"SessionKey = {SessionKey}, ParticipantNo = {ParticipantNo}, Seat = {Seat}, Pin = (hidden)");
        return true;
    }
}

/// <summary>
/// A workstation logs in with the PIN, its id (shown to the proctor) and its own secret key: a random
/// value it made once and keeps. The session token works only together with that key, so a token
/// copied off the wire or the screen cannot be used from another workstation.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LoginRequest(
    [property: Id(0)] string Pin,
    [property: Id(1)] string WorkstationId,
    [property: Id(2)] string WorkstationKey)
{
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"Pin = (hidden), WorkstationId = {WorkstationId}, WorkstationKey = (hidden)");
        return true;
    }
}

/// <summary>The credential that session grain calls take: the session token bound to the workstation key.</summary>
public static class WorkstationCredential
{
    public const int MinKeyLength = 16;
    public const int MaxKeyLength = 128;

    public static string Of(string token, string workstationKey) => $"{token}\n{workstationKey}";

    public static bool IsValidKey(string? key) =>
        key is { Length: >= MinKeyLength and <= MaxKeyLength } && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}

[GenerateSerializer, Immutable]
public sealed record AnswerSubmission(
    [property: Id(0)] long Sequence,
    [property: Id(1)] string ItemId,
    [property: Id(2)] int? Choice);

/// <summary>
/// The proctor's view of a room, read from the room's seat projection: one line per seat (no events; a
/// sitting's own view has those), the attendance, and the incidents. <see cref="Version"/> is where a
/// console's stream of changes starts.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RoomView(
    [property: Id(0)] string RoomKey,
    [property: Id(1)] RoomSetup Setup,
    [property: Id(2)] RoomStatus Status,
    [property: Id(3)] Attendance Attendance,
    [property: Id(4)] SeatLine[] Seats,
    [property: Id(5)] RoomIncident[] Incidents,
    [property: Id(6)] long Version,
    [property: Id(7)] DateTimeOffset ServerTime);

/// <summary>
/// What changed in a room since a console's last look: the seats that changed or left, the room's status and
/// attendance, and the incidents after the <c>incidentsSeen</c> it gave (<see cref="IncidentCount"/> is the new total).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RoomChanges(
    [property: Id(0)] long Version,
    [property: Id(1)] RoomStatus Status,
    [property: Id(2)] Attendance Attendance,
    [property: Id(3)] SeatLine[] Seats,
    [property: Id(4)] string[] Removed,
    [property: Id(5)] RoomIncident[] Incidents,
    [property: Id(6)] int IncidentCount,
    [property: Id(7)] DateTimeOffset ServerTime);

/// <summary>
/// Grain storage refused a write, so nothing was acknowledged. The same request can be sent again: over
/// HTTP this is 503 <c>storage.unavailable</c> with Retry-After.
/// </summary>
[GenerateSerializer]
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException() { }

    public StorageUnavailableException(string message) : base(message) { }

    public StorageUnavailableException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// What a receipt's code attests. <see cref="Statement"/> is exactly what the service signed (see
/// SessionArchive.Statement); with the public key from <c>/api/archive/public-key</c> anyone can check
/// <see cref="Signature"/> without trusting this page.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record Certificate(
    [property: Id(0)] string Code,
    [property: Id(1)] string ParticipantNo,
    [property: Id(2)] string Name,
    [property: Id(3)] string ExamId,
    [property: Id(4)] Casn.Domain.Scoring.SectionScore[] Sections,
    [property: Id(5)] int Total,
    [property: Id(6)] string Outcome,
    [property: Id(7)] string Reason,
    [property: Id(8)] DateTimeOffset FinishedAt,
    [property: Id(9)] string AuditHead,
    [property: Id(10)] string KeyId,
    [property: Id(11)] string Signature,
    [property: Id(12)] string Statement,
    [property: Id(13)] string PositionId = "")
{
    /// <summary>How a result reads on a receipt: passed or failed the exam's passing rules, or ranked where it has none.</summary>
    public static string OutcomeOf(Casn.Domain.Scoring.PassOutcome? pass, FinishReason reason) =>
        reason == FinishReason.Absent ? "absent" : pass is null ? "ranked" : pass.Passed ? "passed" : "failed";
}

/// <summary>What the retention rule did for one candidate; purges are also kept on the candidate's record.</summary>
[GenerateSerializer, Immutable]
public sealed record RetentionOutcome(
    [property: Id(0)] bool Purged,
    [property: Id(1)] DateOnly? KeepUntil,
    [property: Id(2)] DateTimeOffset? PurgedAt);

/// <summary>A room at a glance for operators, from the room's own state (no call to each sitting).</summary>
[GenerateSerializer, Immutable]
public sealed record RoomSummary(
    [property: Id(0)] string RoomKey,
    [property: Id(1)] string Name,
    [property: Id(2)] string ExamId,
    [property: Id(3)] DateTimeOffset StartsAt,
    [property: Id(4)] RoomStatus Status,
    [property: Id(5)] int Rostered,
    [property: Id(6)] int CheckedIn,
    [property: Id(7)] Dictionary<string, int> IncidentsByKind,
    [property: Id(8)] RoomIncident[] RecentIncidents);

public static class StandInCaseStatuses
{
    public const string Reported = "reported";
    public const string Confirmed = "confirmed";
    public const string Dismissed = "dismissed";
}

/// <summary>
/// A proctor's report that someone sat (or tried to sit) for the candidate: the national operator confirms or
/// dismisses it. A confirmed case blocks the candidate's national ID. Carries no national ID itself.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record StandInCase(
    [property: Id(0)] string SessionKey,
    [property: Id(1)] string ParticipantNo,
    [property: Id(2)] string RoomKey,
    [property: Id(3)] DateTimeOffset ReportedAt,
    [property: Id(4)] string ReportedBy,
    [property: Id(5)] string Reason,
    [property: Id(6)] string? Evidence,
    [property: Id(7)] string Status,
    [property: Id(8)] DateTimeOffset? DecidedAt = null,
    [property: Id(9)] string? DecidedBy = null,
    [property: Id(10)] string? DecisionReason = null);

/// <summary>A registration or seat refused because the national ID is blocked: kept for the audit.</summary>
[GenerateSerializer, Immutable]
public sealed record BlockedAttempt(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string ParticipantNo,
    [property: Id(2)] string Attempt,
    [property: Id(3)] string? RoomKey);

[GenerateSerializer, Immutable]
public sealed record StandInRegister(
    [property: Id(0)] StandInCase[] Cases,
    [property: Id(1)] BlockedAttempt[] Refusals);

/// <summary>A position's SKD standing as staff read it: no NIK, no photo; scores per section in the exam's order.</summary>
[GenerateSerializer, Immutable]
public sealed record PositionStanding(
    [property: Id(0)] string ExamId,
    [property: Id(1)] Casn.Domain.Results.Position Position,
    [property: Id(2)] string[] Sections,
    [property: Id(3)] StandingLine[] Lines,
    [property: Id(4)] int Shortlisted);

/// <summary>One line of a standing: <c>status</c> is passed, failed, absent or disqualified; only passed lines have a rank.</summary>
[GenerateSerializer, Immutable]
public sealed record StandingLine(
    [property: Id(0)] string ParticipantNo,
    [property: Id(1)] string Name,
    [property: Id(2)] string Category,
    [property: Id(3)] int[] SectionScores,
    [property: Id(4)] int Total,
    [property: Id(5)] string Status,
    [property: Id(6)] int? Rank,
    [property: Id(7)] bool Shortlisted,
    [property: Id(8)] string CertificateCode);

/// <summary>A position's final selection: the weights used, the ranked lines, and the shortlisted still waiting for an SKB score.</summary>
[GenerateSerializer, Immutable]
public sealed record FinalSelectionView(
    [property: Id(0)] string ExamId,
    [property: Id(1)] Casn.Domain.Results.Position Position,
    [property: Id(2)] decimal SkdWeight,
    [property: Id(3)] decimal SkbWeight,
    [property: Id(4)] FinalLine[] Lines,
    [property: Id(5)] string[] WaitingForSkb);

/// <summary>One line of the final selection: SKD and SKB on 0-100, the weighted final score, its rank, and whether chosen.</summary>
[GenerateSerializer, Immutable]
public sealed record FinalLine(
    [property: Id(0)] string ParticipantNo,
    [property: Id(1)] string Name,
    [property: Id(2)] decimal Skd,
    [property: Id(3)] decimal Skb,
    [property: Id(4)] decimal Final,
    [property: Id(5)] int Rank,
    [property: Id(6)] bool Chosen);

/// <summary>What an announcement froze: its version, when, how many rows, and the key that signed it.</summary>
[GenerateSerializer, Immutable]
public sealed record AnnouncementSummary(
    [property: Id(0)] int Version,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] int Rows,
    [property: Id(3)] string KeyId);
