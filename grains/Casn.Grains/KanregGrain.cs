namespace Casn.Grains;

[GenerateSerializer]
public sealed class KanregState
{
    [Id(0)] public SortedSet<string> Rooms { get; set; } = new(StringComparer.Ordinal);
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
    }

    public Task<string[]> GetRooms() => Task.FromResult(state.State.Rooms.ToArray());
}
