using Casn.Domain.Results;

namespace Casn.Grains;

[GenerateSerializer]
public sealed class PositionRankingState
{
    [Id(0)] public Position? Position { get; set; }

    /// <summary>The results reported so far, by participant number: one each, however often a sitting reports.</summary>
    [Id(1)] public Dictionary<string, SittingResult> Results { get; set; } = new(StringComparer.Ordinal);

    /// <summary>SKB scores (0-100) the agency supplied, by participant number; a later file replaces a participant's score.</summary>
    [Id(2)] public Dictionary<string, decimal> Skb { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// One position of one exam: its definition and its sittings' results. The rules are <see cref="Selection"/>; this
/// grain only keeps the results, durably, before it says it has them.
/// </summary>
public sealed class PositionRankingGrain(
    [PersistentState("ranking")] IPersistentState<PositionRankingState> state,
    ExamCatalog exams) : Grain, IPositionRankingGrain
{
    public const int MaxOpenings = 100_000;

    string ExamId => this.GetPrimaryKeyString()[..this.GetPrimaryKeyString().IndexOf('/')];

    async Task<Result<Position>> IPositionRankingGrain.Define(Position position)
    {
        if (await exams.Find(ExamId) is null) return Faults.Of(ErrorCodes.ExamNotFound, $"Exam '{ExamId}' is not defined.");
        if (position.Id != this.GetPrimaryKeyString()[(ExamId.Length + 1)..])
            return Faults.Of(ErrorCodes.RequestInvalid, "The position's id must match the address.");
        if (string.IsNullOrWhiteSpace(position.Agency) || position.Agency.Length > 200 || string.IsNullOrWhiteSpace(position.Title) || position.Title.Length > 200)
            return Faults.Of(ErrorCodes.RequestInvalid, "A position needs an agency and a title of 1-200 characters.");
        if (position.Openings is < 1 or > MaxOpenings)
            return Faults.Of(ErrorCodes.RequestInvalid, $"Openings must be 1-{MaxOpenings}.");
        if (state.State.Position != position)
        {
            state.State.Position = position;
            await state.WriteStateAsync();
        }
        return position;
    }

    async Task<int> IPositionRankingGrain.Report(SittingResult result)
    {
        // Idempotent: a sitting re-sends until it hears back, so the same participant may come again.
        if (state.State.Results.TryAdd(result.ParticipantNo, result))
        {
            try
            {
                await state.WriteStateAsync();
            }
            catch
            {
                // Not stored, so not taken: the sitting will send it again.
                state.State.Results.Remove(result.ParticipantNo);
                throw;
            }
        }
        return state.State.Results.Count;
    }

    async Task<Result<int>> IPositionRankingGrain.ImportSkb(string csv)
    {
        if (state.State.Position is not { } position || await exams.Find(ExamId) is not { } exam)
            return Faults.Of(ErrorCodes.PositionUnknown, "The position is not defined.");
        var shortlisted = Selection.Standing(exam.Blueprint, position, state.State.Results.Values, absent: [])
            .Where(r => r.Shortlisted).Select(r => r.ParticipantNo).ToHashSet(StringComparer.Ordinal);
        var parsed = SkbScores.Parse(csv, shortlisted);
        if (!parsed.IsOk) return parsed.Fault!;
        var before = new Dictionary<string, decimal>(state.State.Skb, StringComparer.Ordinal);
        foreach (var (participantNo, score) in parsed.Value!) state.State.Skb[participantNo] = score;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Not stored, so not applied: memory goes back to what storage holds.
            state.State.Skb = before;
            throw;
        }
        return parsed.Value!.Count;
    }

    async Task<FinalSelectionView?> IPositionRankingGrain.GetFinal()
    {
        if (state.State.Position is not { } position || await exams.Find(ExamId) is not { } exam) return null;
        var standing = Selection.Standing(exam.Blueprint, position, state.State.Results.Values, absent: []);
        var weights = exam.Blueprint.FinalWeights ?? FinalWeights.Default;
        var rows = Selection.Final(exam.Blueprint, position, standing, state.State.Skb, weights);
        var names = state.State.Results;
        var lines = rows.Select(r => new FinalLine(r.ParticipantNo, names.TryGetValue(r.ParticipantNo, out var result) ? result.Name : "",
            r.Skd, r.Skb, r.Final, r.Rank, r.Chosen)).ToArray();
        var waiting = standing.Where(r => r.Shortlisted && !state.State.Skb.ContainsKey(r.ParticipantNo)).Select(r => r.ParticipantNo).ToArray();
        return new FinalSelectionView(ExamId, position, weights.Skd, weights.Skb, lines, waiting);
    }

    async Task<PositionStanding?> IPositionRankingGrain.GetStanding()
    {
        if (state.State.Position is not { } position || await exams.Find(ExamId) is not { } exam) return null;
        var rows = Selection.Standing(exam.Blueprint, position, state.State.Results.Values, absent: []);
        var sections = exam.Blueprint.SectionCodes;
        var lines = rows.Select(r => new StandingLine(
            r.ParticipantNo,
            r.Result?.Name ?? "",
            r.Result?.Category ?? "",
            r.Result is { } result ? [.. sections.Select(result.Scores.SectionScoreOf)] : [],
            r.Result?.Scores.Total ?? 0,
            r.Status.ToString().ToLowerInvariant(),
            r.Rank,
            r.Shortlisted,
            r.Result?.CertificateCode ?? "")).ToArray();
        return new PositionStanding(ExamId, position, sections, lines, lines.Count(l => l.Shortlisted));
    }
}
