using System.Collections.Concurrent;
using Casn.Domain;
using Casn.Grains.Abstractions;

namespace Casn.Silo.Boards;

/// <summary>
/// Which public boards exist, from the registries the service already keeps: the national directory of
/// Kanregs and each Kanreg's list of rooms. A public read asks here first, so a made-up room, site or Kanreg
/// is answered 404 without activating a grain: an invented Kanreg costs one read of the directory grain, an
/// invented room or site of a real Kanreg one read of that Kanreg's grain, both always active. What exists is
/// remembered (rooms and Kanregs are never taken away), so real boards cost no registry call after the first.
/// </summary>
public sealed class BoardDirectory(IGrainFactory grains)
{
    readonly ConcurrentDictionary<string, bool> _known = new(StringComparer.Ordinal);

    public async Task<bool> KanregExists(string region) =>
        Known(SummaryBoardKey.Kanreg(region).ToString()) || await Remember(SummaryBoardKey.Kanreg(region).ToString(), grains.GetGrain<IKanregDirectoryGrain>(IKanregGrain.Directory).Has(region));

    public async Task<bool> RoomExists(RoomKey room) =>
        Known($"room:{room}") || await KanregExists(room.Region) && await Remember($"room:{room}", grains.GetGrain<IKanregGrain>(room.Region).HasRoom(room.ToString()));

    public async Task<bool> SiteExists(string region, string site) =>
        Known(SummaryBoardKey.OfSite(region, site).ToString()) || await KanregExists(region) && await Remember(SummaryBoardKey.OfSite(region, site).ToString(), grains.GetGrain<IKanregGrain>(region).HasSite(site));

    bool Known(string key) => _known.ContainsKey(key);

    async Task<bool> Remember(string key, Task<bool> exists)
    {
        if (!await exists) return false;
        _known[key] = true;
        return true;
    }
}
