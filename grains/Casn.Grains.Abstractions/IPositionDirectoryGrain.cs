namespace Casn.Grains.Abstractions;

/// <summary>
/// Every defined position, nationally (key <see cref="National"/>): position id → the exams that define it. Registration and
/// rosters check a candidate's position here (through each silo's <c>PositionCatalog</c>), not by waking ranking grains.
/// </summary>
public interface IPositionDirectoryGrain : IGrainWithStringKey
{
    public const string National = "national";

    Task Add(string examId, string positionId);

    /// <summary>The exams that define the position; none when nobody has.</summary>
    [AlwaysInterleave]
    Task<string[]> ExamsOf(string positionId);

    /// <summary>A position's ranking says how many it shortlists now (a count, not a change, so a repeat is harmless).</summary>
    Task ReportShortlist(string examId, string positionId, int shortlisted);

    /// <summary>Candidates shortlisted per exam, summed over its positions: what the nation's board shows.</summary>
    [AlwaysInterleave]
    Task<Dictionary<string, int>> ShortlistedByExam();
}
