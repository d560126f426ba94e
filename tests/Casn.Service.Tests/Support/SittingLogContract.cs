using Casn.Grains;

namespace Casn.Service.Tests.Support;

/// <summary>What every sitting log (Redis, and the embedded memory twin) must do, run against each.</summary>
public static class SittingLogContract
{
    /// <summary>A write names the version it expects; a writer that missed a write is refused and changes nothing.</summary>
    public static async Task RefusesStaleWriters(ISittingLog log)
    {
        var key = $"KANREG-T/FENCE-{Guid.NewGuid():N}/2024-10-16/1/R01/P1";
        Assert.Null(await log.Read(key));
        var first = await log.Append(key, SittingVersion.None, [[1], [2]], [9]);
        Assert.Equal(new SittingVersion(2, 1), first);

        // A second activation still at the empty sitting, or one that missed the last append or header write, cannot write.
        await Assert.ThrowsAsync<SittingConflictException>(() => log.Append(key, SittingVersion.None, [[3]], null));
        await Assert.ThrowsAsync<SittingConflictException>(() => log.Append(key, first with { Length = 1 }, [[3]], null));
        await Assert.ThrowsAsync<SittingConflictException>(() => log.Append(key, first with { HeaderVersion = 0 }, [], [8]));
        var stored = (await log.Read(key))!;
        Assert.Equal(first, stored.Version);
        Assert.Equal([9], stored.Header);
        Assert.Equal([[1], [2]], stored.Entries);

        // The writer that is up to date goes on; a header-only write moves the header's version alone.
        var second = await log.Append(key, first, [[3]], null);
        Assert.Equal(new SittingVersion(3, 1), second);
        Assert.Equal(new SittingVersion(3, 2), await log.Append(key, second, [], [7]));
        stored = (await log.Read(key))!;
        Assert.Equal([7], stored.Header);
        Assert.Equal(3, stored.Entries.Length);

        await log.Delete(key);
        Assert.Null(await log.Read(key));
    }
}
