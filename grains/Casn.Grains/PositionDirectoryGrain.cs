namespace Casn.Grains;

[GenerateSerializer]
public sealed class PositionDirectoryState
{
    [Id(0)] public Dictionary<string, SortedSet<string>> ExamsByPosition { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Shortlisted candidates by position key (<c>{examId}/{positionId}</c>), as each ranking last said.</summary>
    [Id(1)] public Dictionary<string, int> ShortlistedByPosition { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// The defined positions, nationally: tens of thousands of ids at most (a national selection's formasi), each with its
/// exams. Written once per position; every silo caches what it read.
/// </summary>
public sealed class PositionDirectoryGrain([PersistentState("positions")] IPersistentState<PositionDirectoryState> state) : Grain, IPositionDirectoryGrain
{
    public async Task Add(string examId, string positionId)
    {
        if (!state.State.ExamsByPosition.TryGetValue(positionId, out var exams))
            state.State.ExamsByPosition[positionId] = exams = new SortedSet<string>(StringComparer.Ordinal);
        if (exams.Add(examId)) await state.WriteStateAsync();
    }

    public Task<string[]> ExamsOf(string positionId) =>
        Task.FromResult(state.State.ExamsByPosition.TryGetValue(positionId, out var exams) ? exams.ToArray() : []);

    IGrainTimer? _flush;

    /// <summary>
    /// Taken in memory and stored with the next flush, a second later: thousands of rankings may report in a busy minute, and
    /// one write a second of the whole directory serves them all. A crash loses at most that second, and a ranking reports
    /// again when it next changes or wakes.
    /// </summary>
    public Task ReportShortlist(string examId, string positionId, int shortlisted)
    {
        var key = PositionKey.Of(examId, positionId);
        if (state.State.ShortlistedByPosition.TryGetValue(key, out var current) && current == shortlisted) return Task.CompletedTask;
        state.State.ShortlistedByPosition[key] = shortlisted;
        _flush ??= this.RegisterGrainTimer(Flush, new GrainTimerCreationOptions(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan));
        return Task.CompletedTask;
    }

    async Task Flush()
    {
        // A report during the write starts the next flush; this one-shot timer goes once it is done (disposing it
        // first would cancel the write under way).
        using var done = _flush;
        _flush = null;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<ISummaryBoardGrain>(ISummaryBoardGrain.National).ReportShortlisted(ByExam());
    }

    public Task<Dictionary<string, int>> ShortlistedByExam() => Task.FromResult(ByExam());

    Dictionary<string, int> ByExam()
    {
        var byExam = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (key, shortlisted) in state.State.ShortlistedByPosition)
        {
            var examId = PositionKey.Parse(key).ExamId;
            byExam[examId] = byExam.GetValueOrDefault(examId) + shortlisted;
        }
        return byExam;
    }
}
