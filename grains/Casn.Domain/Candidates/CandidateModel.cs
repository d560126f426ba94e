namespace Casn.Domain.Candidates;

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

/// <summary>What the retention rule did for one candidate; purges are also kept on the candidate's record.</summary>
[GenerateSerializer, Immutable]
public sealed record RetentionOutcome(
    [property: Id(0)] bool Purged,
    [property: Id(1)] DateOnly? KeepUntil,
    [property: Id(2)] DateTimeOffset? PurgedAt);

[GenerateSerializer]
public sealed class CandidateState
{
    [Id(0)] public CandidateProfile? Profile { get; set; }

    /// <summary>The registration photo's embedding, sealed; the photo itself is a sealed blob.</summary>
    [Id(1)] public byte[]? SealedReference { get; set; }

    [Id(2)] public DateTimeOffset? EnrolledAt { get; set; }

    /// <summary>The last verified check-in capture's embedding, sealed: the reference during the exam.</summary>
    [Id(3)] public byte[]? SealedCheckInReference { get; set; }

    /// <summary>The latest exam the candidate is seated for; biometric data is kept until the retention period after it.</summary>
    [Id(4)] public DateOnly? LastExamDate { get; set; }

    /// <summary>When the retention rule last deleted the photo and embeddings.</summary>
    [Id(5)] public DateTimeOffset? BiometricsPurgedAt { get; set; }

    /// <summary>The one room per exam the candidate is seated in: exam id to room key.</summary>
    [Id(6)] public Dictionary<string, string> SeatByExam { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Every change of Kanreg or site, newest last (the latest <see cref="Candidate.MovesKept"/>).</summary>
    [Id(7)] public List<CandidateMove> Moves { get; set; } = [];

    /// <summary>The registration photo's face fingerprint, sealed: a check-in capture that is a copy of the photo matches it.</summary>
    [Id(8)] public byte[]? SealedReferencePrint { get; set; }

    /// <summary>The retention reminder could not be registered (reminder storage briefly unreachable): try again on the next activation.</summary>
    [Id(9)] public bool RetentionReminderPending { get; set; }

    /// <summary>SHA-256 of the enrolled photo's bytes: an import that sends the same photo again changes nothing.</summary>
    [Id(10)] public byte[]? PhotoDigest { get; set; }
}
