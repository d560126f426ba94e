namespace Casn.Grains;

[GenerateSerializer]
public sealed class KanregState
{
    [Id(0)] public SortedSet<string> Rooms { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Proctor ids given out per exam day: <c>{date}|{id}</c> → the proctor's name.</summary>
    [Id(1)] public Dictionary<string, string> ProctorIds { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// The rooms of one Kanreg. Placed like the region's rooms (its key is the region), so an office's
/// overview lives on the office's silos.
/// </summary>
[KanregPlacement]
public sealed class KanregGrain([PersistentState("kanreg")] IPersistentState<KanregState> state) : Grain, IKanregGrain
{
    public async Task AddRoom(string roomKey)
    {
        if (!state.State.Rooms.Add(roomKey)) return;
        await state.WriteStateAsync();
        if (state.State.Rooms.Count == 1) await Directory.Add(this.GetPrimaryKeyString());
    }

    /// <summary>A Kanreg whose rooms were set up before the directory existed makes itself known when it wakes.</summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Rooms.Count > 0) await Directory.Add(this.GetPrimaryKeyString());
    }

    IKanregDirectoryGrain Directory => GrainFactory.GetGrain<IKanregDirectoryGrain>(IKanregGrain.Directory);

    public Task<string[]> GetRooms() => Task.FromResult(state.State.Rooms.ToArray());

    public Task<bool> HasRoom(string roomKey) => Task.FromResult(state.State.Rooms.Contains(roomKey));

    public Task<bool> HasSite(string site) =>
        Task.FromResult(state.State.Rooms.Any(room => RoomKey.Parse(room).Value?.Site == site));

    public async Task<Result<bool>> ClaimProctorId(DateOnly date, string proctorId, string name)
    {
        var key = $"{date:yyyy-MM-dd}|{proctorId}";
        if (state.State.ProctorIds.TryGetValue(key, out var holder))
            return string.Equals(holder, name, StringComparison.Ordinal)
                ? true
                : Faults.Of(ErrorCodes.ProctorIdTaken, $"Proctor id '{proctorId}' is already given to another proctor on {date:yyyy-MM-dd}.");
        // Past days are done with: the list holds the days still to come and a week back, no more.
        var cutoff = $"{date.AddDays(-7):yyyy-MM-dd}|";
        foreach (var old in state.State.ProctorIds.Keys.Where(k => string.CompareOrdinal(k, cutoff) < 0).ToList()) state.State.ProctorIds.Remove(old);
        state.State.ProctorIds[key] = name;
        await state.WriteStateAsync();
        return true;
    }
}

[GenerateSerializer]
public sealed class KanregDirectoryState
{
    [Id(0)] public SortedSet<string> Kanregs { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>The Kanregs that have rooms, nationally: a few dozen names, read by every silo's board directory.</summary>
public sealed class KanregDirectoryGrain([PersistentState("kanregs")] IPersistentState<KanregDirectoryState> state) : Grain, IKanregDirectoryGrain
{
    public async Task Add(string region)
    {
        if (state.State.Kanregs.Add(region)) await state.WriteStateAsync();
    }

    public Task<bool> Has(string region) => Task.FromResult(state.State.Kanregs.Contains(region));
}

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
