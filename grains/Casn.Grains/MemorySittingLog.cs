namespace Casn.Grains;

/// <summary>
/// The embedded default's sitting log: kept in memory by a fixed set of shard grains (as Orleans' memory grain storage
/// does), so that every silo of an in-process cluster sees the same sittings. Gone when the cluster stops.
/// </summary>
public sealed class MemorySittingLog(IGrainFactory grains) : ISittingLog
{
    public const int Shards = 64;

    // A grain reference per shard, made once: GetGrain builds a new proxy on every call (~2 % of the embedded answer path).
    readonly ISittingLogShardGrain?[] _shards = new ISittingLogShardGrain?[Shards];

    ISittingLogShardGrain Shard(string sittingKey)
    {
        var shard = (int)(System.IO.Hashing.XxHash32.HashToUInt32(System.Runtime.InteropServices.MemoryMarshal.AsBytes(sittingKey.AsSpan())) % Shards);
        return _shards[shard] ??= grains.GetGrain<ISittingLogShardGrain>(shard);
    }

    public Task<StoredSitting?> Read(string sittingKey) => Shard(sittingKey).Read(sittingKey);

    public async Task<SittingVersion> Append(string sittingKey, SittingVersion expected, byte[][] entries, byte[]? header)
    {
        var (version, found) = await Shard(sittingKey).Append(sittingKey, expected, entries, header);
        return found is null ? version : throw new SittingConflictException(sittingKey, expected, found);
    }

    public Task Delete(string sittingKey) => Shard(sittingKey).Delete(sittingKey);

    public Task Expire(string sittingKey, TimeSpan after) => Shard(sittingKey).Expire(sittingKey, after);
}

/// <summary>One shard of the embedded sitting log.</summary>
public interface ISittingLogShardGrain : IGrainWithIntegerKey
{
    Task<StoredSitting?> Read(string sittingKey);

    /// <summary>The new version, or (unchanged, the version found) when the expected one was not the stored one.</summary>
    Task<(SittingVersion Version, SittingVersion? Conflict)> Append(string sittingKey, SittingVersion expected, byte[][] entries, byte[]? header);

    Task Delete(string sittingKey);

    Task Expire(string sittingKey, TimeSpan after);
}

/// <summary>Holds its sittings for the life of the cluster: never collected when idle, or they would be lost.</summary>
[KeepAlive]
public sealed class SittingLogShardGrain(TimeProvider clock) : Grain, ISittingLogShardGrain
{
    sealed class Sitting
    {
        public byte[] Header = [];
        public readonly List<byte[]> Entries = [];
        public long HeaderVersion;
        public DateTimeOffset? ExpiresAt;
    }

    readonly Dictionary<string, Sitting> _sittings = new(StringComparer.Ordinal);

    Sitting? Find(string sittingKey)
    {
        if (!_sittings.TryGetValue(sittingKey, out var sitting)) return null;
        if (sitting.ExpiresAt is not { } expires || expires > clock.GetUtcNow()) return sitting;
        _sittings.Remove(sittingKey);
        return null;
    }

    public Task<StoredSitting?> Read(string sittingKey) => Task.FromResult(Find(sittingKey) is { } s
        ? new StoredSitting(s.Header, [.. s.Entries], new SittingVersion(s.Entries.Count, s.HeaderVersion))
        : null);

    public Task<(SittingVersion Version, SittingVersion? Conflict)> Append(string sittingKey, SittingVersion expected, byte[][] entries, byte[]? header)
    {
        var sitting = Find(sittingKey);
        var found = sitting is null ? SittingVersion.None : new SittingVersion(sitting.Entries.Count, sitting.HeaderVersion);
        if (found != expected) return Task.FromResult<(SittingVersion, SittingVersion?)>((found, found));
        if (sitting is null) _sittings[sittingKey] = sitting = new Sitting();
        sitting.Entries.AddRange(entries);
        if (header is not null)
        {
            sitting.Header = header;
            sitting.HeaderVersion++;
        }
        return Task.FromResult<(SittingVersion, SittingVersion?)>((new SittingVersion(sitting.Entries.Count, sitting.HeaderVersion), null));
    }

    public Task Delete(string sittingKey)
    {
        _sittings.Remove(sittingKey);
        return Task.CompletedTask;
    }

    public Task Expire(string sittingKey, TimeSpan after)
    {
        if (Find(sittingKey) is { } sitting) sitting.ExpiresAt = clock.GetUtcNow() + after;
        return Task.CompletedTask;
    }
}
