namespace Casn.Grains.Abstractions;

/// <summary>
/// Every Kanreg that has set up a room (key <see cref="IKanregGrain.Directory"/>). Public reads check a made-up
/// region here, in one grain that is always there, instead of activating grains for it.
/// </summary>
public interface IKanregDirectoryGrain : IGrainWithStringKey
{
    Task Add(string region);

    [AlwaysInterleave]
    Task<bool> Has(string region);
}
