using System.Globalization;
using Casn.Domain.Exams;
using Casn.Domain.Scoring;
using Casn.Domain.Sessions;

namespace Casn.Domain.Results;

/// <summary>A position (formasi) of an exam: the agency that hires, what for, and how many it takes.</summary>
[GenerateSerializer, Immutable]
public sealed record Position(
    [property: Id(0)] string Id,
    [property: Id(1)] string Agency,
    [property: Id(2)] string Title,
    [property: Id(3)] int Openings);

/// <summary>Where a candidate stands after SKD. Only <see cref="Passed"/> candidates are ranked.</summary>
public enum StandingStatus
{
    Passed = 0,
    Failed = 1,
    Absent = 2,
    Disqualified = 3,
}

/// <summary>One finished sitting as its position's ranking keeps it: what the announcement shows, and no more (no NIK).</summary>
[GenerateSerializer, Immutable]
public sealed record SittingResult(
    [property: Id(0)] string ParticipantNo,
    [property: Id(1)] string Name,
    [property: Id(2)] string Category,
    [property: Id(3)] ScoreSheet Scores,
    [property: Id(4)] PassOutcome? Pass,
    [property: Id(5)] FinishReason Reason,
    [property: Id(6)] string CertificateCode);

/// <summary>A line of the SKD standing: ranked and shortlisted when passed, else only its status.</summary>
public sealed record StandingRow(SittingResult Result, StandingStatus Status, int? Rank, bool Shortlisted)
{
    public string ParticipantNo => Result.ParticipantNo;

    /// <summary>The status as staff, the announcement and its CSV name it: passed, failed, absent, disqualified.</summary>
    public string StatusName => Status.ToString().ToLowerInvariant();

    /// <summary>The section scores in the exam's order; none for an absent candidate, who sat nothing.</summary>
    public int[] ScoresIn(string[] sections) => Status == StandingStatus.Absent ? [] : [.. sections.Select(Result.Scores.SectionScoreOf)];
}

/// <summary>A line of the final selection: SKD and SKB on 0-100, their weighted sum, its rank, and whether chosen.</summary>
public sealed record FinalRow(string ParticipantNo, decimal Skd, decimal Skb, decimal Final, int Rank, bool Chosen);

/// <summary>How SKD and SKB make the final score, per exam (<see cref="ExamBlueprint.FinalWeights"/>): 40 % and 60 % unless the exam says otherwise.</summary>
[GenerateSerializer, Immutable]
public sealed record FinalWeights([property: Id(0)] decimal Skd, [property: Id(1)] decimal Skb)
{
    public static readonly FinalWeights Default = new(0.4m, 0.6m);
}

/// <summary>
/// The selection rules for one position: the SKD standing (pass under one's own category, rank by total and the exam's
/// tie-break, shortlist within the exam's factor x openings), and the final choice after SKB. Pure: the grains keep the
/// results and call these.
/// </summary>
public static class Selection
{
    /// <summary>
    /// Everyone whose sitting has ended: passed candidates ranked (ties share a rank, and everyone tied at the shortlist's
    /// edge goes on), then the failed, the absent and the disqualified, each listed by participant number. An absent
    /// candidate's sitting ends too, when the room closes (<see cref="FinishReason.Absent"/>), so one list holds everyone.
    /// </summary>
    public static IReadOnlyList<StandingRow> Standing(ExamBlueprint blueprint, Position position, IEnumerable<SittingResult> results)
    {
        var byParticipant = results.ToDictionary(r => r.ParticipantNo, StringComparer.Ordinal);
        var passed = byParticipant.Values.Where(r => StatusOf(r) == StandingStatus.Passed).ToList();
        var ranked = Ranking.Rank(blueprint, passed.Select(r => new RankingEntry(r.ParticipantNo, r.Scores, true)), position.Openings);
        var rows = ranked.Select(r => new StandingRow(byParticipant[r.ParticipantNo], StandingStatus.Passed, r.Rank, r.Shortlisted)).ToList();
        rows.AddRange(byParticipant.Values.Where(r => StatusOf(r) != StandingStatus.Passed)
            .OrderBy(r => StatusOf(r)).ThenBy(r => r.ParticipantNo, StringComparer.Ordinal)
            .Select(r => new StandingRow(r, StatusOf(r), null, false)));
        return rows;
    }

    /// <summary>
    /// A sitting disqualified by its proctor is disqualified whatever it scored; a no-show is absent; a failed pass rule
    /// fails; exams without rules only rank.
    /// </summary>
    public static StandingStatus StatusOf(SittingResult result) =>
        result.Reason == FinishReason.Disqualified ? StandingStatus.Disqualified
        : result.Reason == FinishReason.Absent ? StandingStatus.Absent
        : result.Pass is { Passed: false } ? StandingStatus.Failed
        : StandingStatus.Passed;

    /// <summary>
    /// The final choice among the shortlisted who have an SKB score: SKD scaled to 0-100 (total / the exam's maximum), the
    /// weighted sum with SKB, ordered by it and then by the exam's tie-break sections; equal on every key shares a rank.
    /// Everyone ranked within the openings is chosen, so a tie at the last opening takes all who share it.
    /// </summary>
    public static IReadOnlyList<FinalRow> Final(ExamBlueprint blueprint, Position position, IReadOnlyList<StandingRow> standing,
        IReadOnlyDictionary<string, decimal> skb, FinalWeights weights)
    {
        var tieBreak = new Ranking.TieBreak(blueprint.TieBreak);
        var candidates = standing
            .Where(r => r.Shortlisted && skb.ContainsKey(r.ParticipantNo))
            .Select(r =>
            {
                var skd = Math.Round(100m * r.Result.Scores.Total / blueprint.MaxScore, 2);
                var score = skb[r.ParticipantNo];
                return (Row: r, Skd: skd, Skb: score, Final: Math.Round(weights.Skd * skd + weights.Skb * score, 2));
            })
            .OrderByDescending(c => c.Final)
            .ThenByDescending(c => c.Row.Result.Scores, tieBreak)
            .ThenBy(c => c.Row.ParticipantNo, StringComparer.Ordinal)
            .ToList();
        var rows = new List<FinalRow>(candidates.Count);
        for (var i = 0; i < candidates.Count; i++)
        {
            var tied = i > 0 && candidates[i].Final == candidates[i - 1].Final
                && tieBreak.Compare(candidates[i].Row.Result.Scores, candidates[i - 1].Row.Result.Scores) == 0;
            var rank = tied ? rows[i - 1].Rank : i + 1;
            rows.Add(new FinalRow(candidates[i].Row.ParticipantNo, candidates[i].Skd, candidates[i].Skb, candidates[i].Final, rank, rank <= position.Openings));
        }
        return rows;
    }
}

/// <summary>
/// An agency's SKB scores as CSV: <c>participantNo,score</c> per line, score 0-100 (a decimal point, not a comma), an
/// optional header line <c>participantNo,score</c>. Every line is checked before anything is taken: one bad line refuses
/// the whole file, and the fault names every bad line by its number.
/// </summary>
public static class SkbScores
{
    public const int MaxProblemsReported = 50;

    public static Result<IReadOnlyDictionary<string, decimal>> Parse(string csv, IReadOnlySet<string> shortlisted)
    {
        var scores = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var problems = new List<string>();
        var lines = csv.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var number = i + 1;
            var line = lines[i].Trim();
            if (line.Length == 0) continue;
            if (number == 1 && line.Equals("participantNo,score", StringComparison.OrdinalIgnoreCase)) continue;
            var fields = line.Split(',');
            if (fields.Length != 2) { problems.Add($"line {number}: expected 'participantNo,score', found {fields.Length} fields"); continue; }
            var (participantNo, text) = (fields[0].Trim(), fields[1].Trim());
            if (!SessionKey.IsValidParticipantNo(participantNo)) { problems.Add($"line {number}: '{Shorten(participantNo)}' is not a participant number"); continue; }
            if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var score) || score > 100)
            { problems.Add($"line {number}: score '{Shorten(text)}' is not a number from 0 to 100"); continue; }
            if (!shortlisted.Contains(participantNo)) { problems.Add($"line {number}: {participantNo} is not on this position's SKD shortlist"); continue; }
            if (!scores.TryAdd(participantNo, score)) problems.Add($"line {number}: {participantNo} appears twice");
        }
        if (problems.Count > 0)
            return Faults.Of(ErrorCodes.SkbInvalid, $"Nothing of the file was applied; {problems.Count} bad line(s): " +
                string.Join("; ", problems.Take(MaxProblemsReported)) + (problems.Count > MaxProblemsReported ? "; ..." : "."));
        if (scores.Count == 0) return Faults.Of(ErrorCodes.SkbInvalid, "The file holds no scores.");
        return scores;
    }

    static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
