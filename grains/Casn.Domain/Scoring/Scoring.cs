using Casn.Domain.Exams;
using Casn.Domain.Papers;

namespace Casn.Domain.Scoring;

[GenerateSerializer, Immutable]
public sealed record SectionScore(
    [property: Id(0)] string Section,
    [property: Id(1)] int Score,
    [property: Id(2)] int MaxScore,
    [property: Id(3)] int Answered,
    [property: Id(4)] int ItemCount);

[GenerateSerializer, Immutable]
public sealed record ScoreSheet([property: Id(0)] SectionScore[] Sections, [property: Id(1)] int Total)
{
    public int SectionScoreOf(string section) =>
        Sections.FirstOrDefault(s => s.Section == section)?.Score ?? 0;
}

public static class Scorer
{
    /// <summary>Scores a paper. <paramref name="choices"/> maps item id to the shown position chosen; blank items are absent.</summary>
    public static ScoreSheet Score(ExamBlueprint blueprint, Paper paper, IReadOnlyDictionary<string, int> choices)
    {
        var choiceByPlace = new int[paper.Items.Count];
        Array.Fill(choiceByPlace, Blank);
        foreach (var (itemId, shown) in choices)
            if (paper.Find(itemId) is { } item) choiceByPlace[item.Number - 1] = shown;
        return Score(blueprint, paper, choiceByPlace);
    }

    /// <summary>A place's choice when its item is blank.</summary>
    public const int Blank = -1;

    /// <summary>
    /// Scores a paper from the shown position chosen at each place (<see cref="Blank"/> for none): one pass over the
    /// paper, no lookup by item id. A live sitting keeps its answers by place, and its board row scores it often.
    /// </summary>
    public static ScoreSheet Score(ExamBlueprint blueprint, Paper paper, ReadOnlySpan<int> choiceByPlace)
    {
        var sections = blueprint.Sections;
        var scores = new int[sections.Length];
        var answered = new int[sections.Length];
        for (var place = 0; place < choiceByPlace.Length; place++)
        {
            if (choiceByPlace[place] == Blank) continue;
            var item = paper.Items[place];
            var section = IndexOf(sections, item.Item.Section);
            if (section < 0) continue;
            answered[section]++;
            scores[section] += item.PointsForChoice(choiceByPlace[place]);
        }
        var sheet = sections.Select((section, i) => new SectionScore(section.Code, scores[i], section.MaxScore, answered[i], section.ItemCount)).ToArray();
        return new ScoreSheet(sheet, scores.Sum());
    }

    static int IndexOf(SectionDefinition[] sections, string code)
    {
        for (var i = 0; i < sections.Length; i++)
            if (sections[i].Code == code) return i;
        return -1;
    }
}

/// <summary>Pass or fail for a category, with every rule the candidate missed.</summary>
[GenerateSerializer, Immutable]
public sealed record PassOutcome([property: Id(0)] bool Passed, [property: Id(1)] string[] Unmet);

public static class PassingRules
{
    public const string PassedWord = "passed", FailedWord = "failed";

    /// <summary>
    /// The one way a pass or a fail is written: on receipts and certificates, on boards, and in the signed archive.
    /// (The pages put it in words for people: one Indonesian phrase for each.)
    /// </summary>
    public static string Word(PassOutcome pass) => pass.Passed ? PassedWord : FailedWord;

    /// <summary>Null when the exam has no passing rules (ranking only).</summary>
    public static PassOutcome? Evaluate(ExamBlueprint blueprint, string category, ScoreSheet sheet)
    {
        if (!blueprint.HasPassingRules) return null;
        var rule = blueprint.FindCategory(category)
            ?? throw new ArgumentException($"Unknown category '{category}'; categories are validated at registration.", nameof(category));
        var unmet = new List<string>();
        foreach (var minimum in rule.SectionMinimums)
        {
            var score = sheet.SectionScoreOf(minimum.Section);
            if (score < minimum.Minimum) unmet.Add($"{minimum.Section} {score} < {minimum.Minimum}");
        }
        if (rule.TotalMinimum is { } total && sheet.Total < total) unmet.Add($"total {sheet.Total} < {total}");
        return new PassOutcome(unmet.Count == 0, [.. unmet]);
    }
}

public sealed record RankingEntry(string ParticipantNo, ScoreSheet Sheet, bool? Passed);

[GenerateSerializer, Immutable]
public sealed record RankedCandidate(
    [property: Id(0)] int Rank,
    [property: Id(1)] string ParticipantNo,
    [property: Id(2)] int Total,
    [property: Id(3)] bool Shortlisted);

public static class Ranking
{
    /// <summary>
    /// Ranks candidates for one position: those who failed are left out, the rest are ordered by total,
    /// then by the exam's tie-break sections (TKP, TIU, TWK for SKD). Candidates equal on every key share
    /// a rank; participant number only fixes the order they are listed in. The top
    /// shortlistFactor x openings ranks go on to the next stage.
    /// </summary>
    public static IReadOnlyList<RankedCandidate> Rank(ExamBlueprint blueprint, IEnumerable<RankingEntry> entries, int openings)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(openings);
        var keys = blueprint.TieBreak;
        var ordered = entries
            .Where(e => e.Passed != false)
            .OrderByDescending(e => e.Sheet.Total)
            .ThenByDescending(e => e.Sheet, new TieBreak(keys))
            .ThenBy(e => e.ParticipantNo, StringComparer.Ordinal)
            .ToList();

        var shortlist = openings * blueprint.ShortlistFactor;
        var ranked = new List<RankedCandidate>(ordered.Count);
        for (var i = 0; i < ordered.Count; i++)
        {
            var tiedWithPrevious = i > 0 && ordered[i].Sheet.Total == ordered[i - 1].Sheet.Total
                && keys.All(k => ordered[i].Sheet.SectionScoreOf(k) == ordered[i - 1].Sheet.SectionScoreOf(k));
            var rank = tiedWithPrevious ? ranked[i - 1].Rank : i + 1;
            ranked.Add(new RankedCandidate(rank, ordered[i].ParticipantNo, ordered[i].Sheet.Total, rank <= shortlist));
        }
        return ranked;
    }

    /// <summary>Orders score sheets by the exam's tie-break sections, in order (SKD: TKP, then TIU, then TWK).</summary>
    public sealed class TieBreak(string[] sections) : IComparer<ScoreSheet>
    {
        public int Compare(ScoreSheet? x, ScoreSheet? y)
        {
            foreach (var section in sections)
            {
                var difference = x!.SectionScoreOf(section).CompareTo(y!.SectionScoreOf(section));
                if (difference != 0) return difference;
            }
            return 0;
        }
    }
}
