namespace Casn.Grains.Abstractions;

/// <summary>
/// One position (formasi) of one exam and the results of its sittings. Key: <c>{examId}/{positionId}</c>
/// (<see cref="PositionKey"/>). Finished sittings report here; a report is idempotent, so a sitting's reminder may send
/// it again until it is taken.
/// </summary>
public interface IPositionRankingGrain : IGrainWithStringKey
{
    /// <summary>Defines the position, or changes its agency, title or openings; results already reported stay.</summary>
    Task<Result<Casn.Domain.Results.Position>> Define(Casn.Domain.Results.Position position);

    /// <summary>Takes a finished sitting's result; the same participant again changes nothing. Returns the results held.</summary>
    Task<int> Report(Casn.Domain.Results.SittingResult result);

    /// <summary>The SKD standing by the exam's rules: ranked, shortlisted, failed, disqualified. Null until the position is defined.</summary>
    [AlwaysInterleave]
    Task<PositionStanding?> GetStanding();

    /// <summary>
    /// Takes an agency's SKB scores (CSV <c>participantNo,score</c>) for shortlisted candidates: the whole file, or nothing
    /// with every bad line named (<c>skb.invalid</c>). Returns how many scores the file held.
    /// </summary>
    Task<Result<int>> ImportSkb(string csv);

    /// <summary>The final selection: SKD and SKB weighted per exam, ranked, the openings chosen. Null until the position is defined.</summary>
    [AlwaysInterleave]
    Task<FinalSelectionView?> GetFinal();

    /// <summary>
    /// Freezes the standing as the next announcement version, signed with the archive key and stored; the latest is public,
    /// read from blob storage without this grain (see <c>PositionRankingGrain.LatestAnnouncementName</c>).
    /// </summary>
    Task<Result<AnnouncementSummary>> Announce();
}

/// <summary>The grain key of a position: exam id and position id, both tokens.</summary>
public readonly record struct PositionKey(string ExamId, string PositionId)
{
    public static string Of(string examId, string positionId) => $"{examId}/{positionId}";

    /// <summary>A key made by <see cref="Of"/>: exam ids are tokens, so the first '/' ends the exam's.</summary>
    public static PositionKey Parse(string key)
    {
        var cut = key.IndexOf('/', StringComparison.Ordinal);
        return cut > 0 ? new(key[..cut], key[(cut + 1)..]) : throw new ArgumentException($"'{key}' is not {{examId}}/{{positionId}}.", nameof(key));
    }

    public override string ToString() => Of(ExamId, PositionId);
}

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
