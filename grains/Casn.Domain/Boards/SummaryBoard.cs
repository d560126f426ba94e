namespace Casn.Domain.Boards;

/// <summary>
/// What a site's, a Kanreg's or the nation's board shows: the sum of its parts' counts (rooms, or Kanregs), never a
/// candidate; the nation's also carries the candidates shortlisted for SKB per exam.
/// </summary>
public sealed class SummaryBoard(SummaryBoardKey board)
{
    readonly SortedDictionary<string, BoardSummary> _parts = new(StringComparer.Ordinal);
    Dictionary<string, int> _shortlistedByExam = new(StringComparer.Ordinal);

    public SummaryBoardKey Key => board;

    /// <summary>A part's latest counts, replacing its earlier ones.</summary>
    public void Report(string part, BoardSummary summary) => _parts[part] = summary;

    /// <summary>The shortlists per exam, for the nation's board; false (ignored) on any other.</summary>
    public bool ReportShortlisted(Dictionary<string, int> byExam)
    {
        if (!board.IsNational) return false;
        _shortlistedByExam = new(byExam, StringComparer.Ordinal);
        return true;
    }

    public BoardSnapshot Snapshot(long version, DateTimeOffset at)
    {
        var summary = BoardSummary.Sum(_parts.Values);
        if (board.IsNational)
        {
            // The shortlists join the exams' counts; an exam with a shortlist but no sittings on a board yet still shows.
            summary = summary with
            {
                Exams = ExamCounts.Merge([.. summary.Exams ?? [], .. _shortlistedByExam.Select(e => new ExamCounts(e.Key, "", 0, 0, e.Value))]),
            };
        }
        return new(board.ToString(), version, at, board.Title, [], [], summary, [.. _parts.Select(p => new BoardPart(p.Key, p.Value))]);
    }

    /// <summary>What a summary board moves with: its parts and the shortlists.</summary>
    [GenerateSerializer, Immutable]
    public sealed record Saved(
        [property: Id(0)] Dictionary<string, BoardSummary> Parts,
        [property: Id(1)] Dictionary<string, int> ShortlistedByExam);

    public Saved Save() => new(new(_parts, StringComparer.Ordinal), new(_shortlistedByExam, StringComparer.Ordinal));

    public void Restore(Saved saved)
    {
        foreach (var (part, summary) in saved.Parts) _parts[part] = summary;
        _shortlistedByExam = new(saved.ShortlistedByExam, StringComparer.Ordinal);
    }
}
