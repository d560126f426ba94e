using Casn.Grains;
using StackExchange.Redis;

namespace Casn.Silo.Hosting;

/// <summary>
/// Logs in Redis (a sitting's, keyed by its session key; a position's ranking, by <c>ranking/{exam}/{position}</c>): the
/// entries are a list (<c>log:{key}:entries</c>), one element each; the header is a hash (<c>log:{key}:head</c>, fields
/// <c>h</c> the header and <c>v</c> its version). One Lua script checks the
/// expected version, appends and, only when given, replaces the header. Redis applies a script as one unit and writes
/// its effects to the append-only file as one MULTI/EXEC, so an answer is one small fsync'd append and the header
/// and the log never disagree after a crash. The braces put both keys in one Redis Cluster slot.
/// </summary>
public sealed class RedisSittingLog(ConfigurationOptions options) : ISittingLog, IAsyncDisposable
{
    // Connected on first use, without blocking the caller's thread (a grain's activation).
    readonly Lazy<Task<ConnectionMultiplexer>> _redis = new(() => ConnectionMultiplexer.ConnectAsync(options));

    // KEYS: log, head. ARGV: expected length, expected header version, the header or '' for none, then the entries.
    // Returns {0, length, version} after writing, or {1, length, version} as found when they are not the ones expected.
    const string AppendScript = """
        local length = redis.call('LLEN', KEYS[1])
        local version = tonumber(redis.call('HGET', KEYS[2], 'v') or '0')
        if length ~= tonumber(ARGV[1]) or version ~= tonumber(ARGV[2]) then return {1, length, version} end
        if #ARGV > 3 then length = redis.call('RPUSH', KEYS[1], unpack(ARGV, 4)) end
        if ARGV[3] ~= '' then
          version = version + 1
          redis.call('HSET', KEYS[2], 'h', ARGV[3], 'v', version)
        end
        return {0, length, version}
        """;

    // The header and the log as one consistent read (a script runs alone). A log without its header is no sitting.
    const string ReadScript = """
        local head = redis.call('HMGET', KEYS[2], 'h', 'v')
        if not head[1] then return false end
        return {head[1], head[2], redis.call('LRANGE', KEYS[1], 0, -1)}
        """;

    static RedisKey[] Keys(string sittingKey) => [$"log:{{{sittingKey}}}:entries", $"log:{{{sittingKey}}}:head"];

    public async Task<StoredSitting?> Read(string sittingKey)
    {
        var result = await (await Db()).ScriptEvaluateAsync(ReadScript, Keys(sittingKey));
        if (result.IsNull) return null;
        var parts = (RedisResult[])result!;
        var entries = Array.ConvertAll((RedisResult[])parts[2]!, e => (byte[])e!);
        return new StoredSitting((byte[])parts[0]!, entries, new SittingVersion(entries.Length, (long)parts[1]));
    }

    public async Task<SittingVersion> Append(string sittingKey, SittingVersion expected, byte[][] entries, byte[]? header)
    {
        var values = new RedisValue[3 + entries.Length];
        values[0] = expected.Length;
        values[1] = expected.HeaderVersion;
        // A serialized header is never empty, so '' can mean "the header is unchanged".
        values[2] = header ?? RedisValue.EmptyString;
        for (var i = 0; i < entries.Length; i++) values[3 + i] = entries[i];
        var result = (RedisResult[])(await (await Db()).ScriptEvaluateAsync(AppendScript, Keys(sittingKey), values))!;
        var found = new SittingVersion((long)result[1], (long)result[2]);
        return (int)result[0] == 0 ? found : throw new SittingConflictException(sittingKey, expected, found);
    }

    public async Task Delete(string sittingKey) => await (await Db()).KeyDeleteAsync(Keys(sittingKey));

    public async Task Expire(string sittingKey, TimeSpan after)
    {
        var db = await Db();
        await Task.WhenAll(Keys(sittingKey).Select(key => db.KeyExpireAsync(key, after)));
    }

    async Task<IDatabase> Db() => (await _redis.Value).GetDatabase();

    public async ValueTask DisposeAsync()
    {
        if (_redis.IsValueCreated) await (await _redis.Value).DisposeAsync();
    }
}
