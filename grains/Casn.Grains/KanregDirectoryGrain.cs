namespace Casn.Grains;

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
