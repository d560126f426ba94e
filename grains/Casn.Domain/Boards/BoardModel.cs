using Casn.Domain.Scoring;
using Casn.Domain.Sessions;

namespace Casn.Domain.Boards;

/// <summary>
/// A candidate's line on a public board. Only what the public may see: participant number, name,
/// section scores, total and a neutral status. No national ID, no photo, no answers.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record BoardRow(
    [property: Id(0)] string ParticipantNo,
    [property: Id(1)] string Name,
    [property: Id(2)] int[] SectionScores,
    [property: Id(3)] int Total,
    [property: Id(4)] string Status,
    [property: Id(5)] int Answered,
    [property: Id(6)] long Revision)
{
    /// <summary>A sitting's public line: its scores so far (final once finished) and a neutral status, nothing else.</summary>
    public static BoardRow Of(CandidateSession session)
    {
        var state = session.State;
        var sheet = state.Result?.Scores ?? session.RunningScore();
        return new BoardRow(state.Setup!.ParticipantNo, state.Setup.Name, [.. sheet.Sections.Select(s => s.Score)], sheet.Total,
            BoardStatuses.Of(state), session.AnsweredCount, state.Answers.Count + state.Events.Count);
    }
}

/// <summary>Public statuses. A suspended sitting shows as <c>paused</c>: the board does not accuse anyone.</summary>
public static class BoardStatuses
{
    public const string NotStarted = "not_started";
    public const string InProgress = "in_progress";
    public const string Paused = "paused";
    public const string Finished = "finished";
    public const string Passed = PassingRules.PassedWord;
    public const string Failed = PassingRules.FailedWord;

    /// <summary>Never checked in before the room closed.</summary>
    public const string Absent = "absent";

    /// <summary>What the public sees of a sitting's status: a pass or fail only once finished under the exam's rules.</summary>
    public static string Of(SessionState state) => state.Status switch
    {
        SessionStatus.Registered or SessionStatus.CheckedIn => NotStarted,
        SessionStatus.InProgress => InProgress,
        SessionStatus.Suspended => Paused,
        _ when state.FinishReason == FinishReason.Absent => Absent,
        _ => state.Result?.Pass is { } pass ? PassingRules.Word(pass) : Finished,
    };
}

/// <summary>
/// One published state of a board: versions only increase, and <see cref="PublishedAt"/> is the server's
/// clock, so a viewer can show how fresh the board is.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record BoardSnapshot(
    [property: Id(0)] string Board,
    [property: Id(1)] long Version,
    [property: Id(2)] DateTimeOffset PublishedAt,
    [property: Id(3)] string ExamTitle,
    [property: Id(4)] string[] Sections,
    [property: Id(5)] BoardRow[] Rows,
    [property: Id(6)] BoardSummary? Summary = null,
    [property: Id(7)] BoardPart[]? Parts = null);

/// <summary>
/// Counts and the distribution of totals, without any candidate: what the Kanreg and national boards
/// show. <see cref="Histogram"/>[i] counts totals in [i x BinWidth, (i+1) x BinWidth).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record BoardSummary(
    [property: Id(0)] int Candidates,
    [property: Id(1)] int NotStarted,
    [property: Id(2)] int InProgress,
    [property: Id(3)] int Paused,
    [property: Id(4)] int Finished,
    [property: Id(5)] int Passed,
    [property: Id(6)] int Failed,
    [property: Id(7)] int[] Histogram,
    [property: Id(8)] long SumOfTotals,
    [property: Id(9)] int Absent = 0,
    [property: Id(10)] ExamCounts[]? Exams = null)
{
    public const int BinWidth = 50;
    public const int Bins = 14;

    public static readonly BoardSummary Empty = new(0, 0, 0, 0, 0, 0, 0, new int[Bins], 0);

    public double MeanTotal => Candidates == 0 ? 0 : (double)SumOfTotals / Candidates;

    /// <summary>A room's counts; <paramref name="examId"/> is the room's exam, so the sums above it can count per exam.</summary>
    public static BoardSummary Of(IReadOnlyCollection<BoardRow> rows, string examId = "", string examTitle = "")
    {
        var histogram = new int[Bins];
        foreach (var row in rows) histogram[Math.Clamp(row.Total / BinWidth, 0, Bins - 1)]++;
        int Count(string status) => rows.Count(r => r.Status == status);
        var finished = Count(BoardStatuses.Finished) + Count(BoardStatuses.Passed) + Count(BoardStatuses.Failed);
        return new(rows.Count, Count(BoardStatuses.NotStarted), Count(BoardStatuses.InProgress), Count(BoardStatuses.Paused),
            finished, Count(BoardStatuses.Passed), Count(BoardStatuses.Failed), histogram, rows.Sum(r => (long)r.Total), Count(BoardStatuses.Absent),
            examId.Length == 0 ? null : [new ExamCounts(examId, examTitle, finished, Count(BoardStatuses.Passed))]);
    }

    public static BoardSummary Sum(IEnumerable<BoardSummary> parts) => parts.Aggregate(Empty, (a, b) => new(
        a.Candidates + b.Candidates, a.NotStarted + b.NotStarted, a.InProgress + b.InProgress, a.Paused + b.Paused,
        a.Finished + b.Finished, a.Passed + b.Passed, a.Failed + b.Failed,
        [.. a.Histogram.Zip(b.Histogram, (x, y) => x + y)], a.SumOfTotals + b.SumOfTotals, a.Absent + b.Absent,
        ExamCounts.Merge([.. a.Exams ?? [], .. b.Exams ?? []])));
}

/// <summary>
/// One exam's counts on a summary board: sittings finished, passed (under the exam's rules), and shortlisted for SKB across
/// its positions (the nation's board only: rankings are national, not per room).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ExamCounts(
    [property: Id(0)] string ExamId,
    [property: Id(1)] string Title,
    [property: Id(2)] int Finished,
    [property: Id(3)] int Passed,
    [property: Id(4)] int Shortlisted = 0)
{
    /// <summary>Adds up the counts of the same exam, in exam id order; null when there are none.</summary>
    public static ExamCounts[]? Merge(IEnumerable<ExamCounts> counts)
    {
        var merged = counts.GroupBy(c => c.ExamId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ExamCounts(g.Key, g.Select(c => c.Title).FirstOrDefault(t => t.Length > 0) ?? "", g.Sum(c => c.Finished),
                g.Sum(c => c.Passed), g.Sum(c => c.Shortlisted)))
            .ToArray();
        return merged.Length == 0 ? null : merged;
    }
}

/// <summary>One part of an aggregate board: a room of a Kanreg, a Kanreg of the nation.</summary>
[GenerateSerializer, Immutable]
public sealed record BoardPart([property: Id(0)] string Name, [property: Id(1)] BoardSummary Summary);

/// <summary>Every sitting's current board line, as the room's sessions hold it.</summary>
[GenerateSerializer, Immutable]
public sealed record BoardRows(
    [property: Id(0)] string ExamTitle,
    [property: Id(1)] string[] Sections,
    [property: Id(2)] BoardRow[] Rows,
    [property: Id(3)] string ExamId = "");
