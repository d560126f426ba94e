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
