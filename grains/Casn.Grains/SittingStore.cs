using Casn.Domain.Sessions;
using Orleans.Serialization;

namespace Casn.Grains;

/// <summary>Where a sitting's stored log stands: its length and how often its header was written. Every write names the one it expects.</summary>
[GenerateSerializer, Immutable]
public sealed record SittingVersion([property: Id(0)] long Length, [property: Id(1)] long HeaderVersion)
{
    public static readonly SittingVersion None = new(0, 0);
}

/// <summary>A sitting as stored: its header and its log, serialized.</summary>
[GenerateSerializer, Immutable]
public sealed record StoredSitting([property: Id(0)] byte[] Header, [property: Id(1)] byte[][] Entries, [property: Id(2)] SittingVersion Version);

/// <summary>
/// The storage of sittings: an append-only log plus a header, written together atomically. A write names the version
/// it expects and fails when the stored one differs, so two activations of one sitting (a silo thought dead that was
/// not) cannot both write: the stale one fails and reloads. Redis in the Redis profile, a memory twin in the embedded one.
/// </summary>
public interface ISittingLog
{
    /// <summary>The sitting, or null when nothing is stored for it.</summary>
    Task<StoredSitting?> Read(string sittingKey);

    /// <summary>
    /// Appends <paramref name="entries"/> and, when given, replaces the header, in one durable step; returns the new version.
    /// Throws <see cref="SittingConflictException"/> when the stored version is not <paramref name="expected"/>.
    /// </summary>
    Task<SittingVersion> Append(string sittingKey, SittingVersion expected, byte[][] entries, byte[]? header);

    /// <summary>Removes the sitting (a withdrawal before it began).</summary>
    Task Delete(string sittingKey);

    /// <summary>Lets the live copy go after <paramref name="after"/>: the sitting is finished and its signed archive is stored.</summary>
    Task Expire(string sittingKey, TimeSpan after);
}

/// <summary>Another writer changed the sitting since this one read it.</summary>
public sealed class SittingConflictException(string sittingKey, SittingVersion expected, SittingVersion found)
    : Exception($"Sitting {sittingKey} was written by another activation: expected {expected}, found {found}.");

/// <summary>What of a sitting is already stored, so that the next write sends only what is new. Travels with a migrating sitting.</summary>
[GenerateSerializer]
public sealed class SittingWritten
{
    [Id(0)] public SittingVersion Version { get; set; } = SittingVersion.None;
    [Id(1)] public int Answers { get; set; }
    [Id(2)] public int Events { get; set; }
    [Id(3)] public string? Link { get; set; }

    // Id 4 held the header as last written (~450 bytes per live sitting); a hash of it now decides whether it changed.

    /// <summary>
    /// A hash of the header as last written, without the last contact (see <see cref="SittingLog.Header"/>); null when
    /// unknown, and then the next write stores the header.
    /// </summary>
    [Id(5)] public UInt128? HeaderHash { get; set; }
}

/// <summary>
/// Turns a sitting's state into header and entries and back, with Orleans' serializer (the same codec grain state
/// uses, so the records' [Id] numbering governs compatibility), over whichever <see cref="ISittingLog"/> the silo has.
/// </summary>
public sealed class SittingStore(ISittingLog log, Serializer serializer, ILogger<SittingStore> logger)
{
    public ISittingLog Log => log;

    /// <summary>The stored state of a sitting, and what of it is written; null when none is stored.</summary>
    public async Task<(SessionState State, SittingWritten Written)?> Load(string sittingKey)
    {
        var stored = await Guard(sittingKey, () => log.Read(sittingKey));
        if (stored is null) return null;
        var header = serializer.Deserialize<SessionState>(stored.Header)
            ?? throw new InvalidOperationException($"Sitting {sittingKey} has an empty header.");
        var entries = new SittingEntry[stored.Entries.Length];
        for (var i = 0; i < entries.Length; i++)
            entries[i] = serializer.Deserialize<SittingEntry>(stored.Entries[i]) ?? throw new InvalidOperationException($"Sitting {sittingKey} has an empty entry {i + 1}.");
        var state = SittingLog.Replay(header, entries, header.Setup!.ExamId);
        return (state, new SittingWritten
        {
            Version = stored.Version,
            Answers = state.Answers.Count,
            Events = state.Events.Count,
            Link = state.AuditHead,
            HeaderHash = HeaderHashOf(state),
        });
    }

    /// <summary>
    /// Stores what changed since <paramref name="written"/>: new answers and events as entries, the header only when
    /// something other than the last contact changed. Nothing to store, nothing written. Updates <paramref name="written"/>.
    /// </summary>
    public async Task Save(string sittingKey, SessionState state, SittingWritten written)
    {
        var headerHash = HeaderHashOf(state);
        var headerChanged = written.HeaderHash != headerHash;
        var newEntries = state.Answers.Count - written.Answers + state.Events.Count - written.Events;
        if (!headerChanged && newEntries == 0) return;

        var entries = SittingLog.NewEntries(state, written.Answers, written.Events, state.Setup!.ExamId, written.Link);
        var bytes = new byte[entries.Count][];
        for (var i = 0; i < bytes.Length; i++) bytes[i] = serializer.SerializeToArray(entries[i]);
        var header = headerChanged ? serializer.SerializeToArray(SittingLog.Header(state, withContact: true)) : null;
        written.Version = await Guard(sittingKey, () => log.Append(sittingKey, written.Version, bytes, header));
        written.Answers = state.Answers.Count;
        written.Events = state.Events.Count;
        written.Link = state.AuditHead;
        if (headerChanged) written.HeaderHash = headerHash;
    }

    // Seeded per process, so that nobody can prepare a header change whose hash equals the one before (the change would
    // then wait for the next one to be stored). A hash from another silo (a migrated sitting) differs, and the header is
    // written once more: the safe side.
    static readonly long HashSeed = Random.Shared.NextInt64();

    [ThreadStatic] static System.Buffers.ArrayBufferWriter<byte>? _headerBuffer;

    /// <summary>The hash of the sitting's header without the last contact (see <see cref="SittingLog.Header"/>).</summary>
    UInt128 HeaderHashOf(SessionState state)
    {
        var buffer = _headerBuffer ??= new System.Buffers.ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        serializer.Serialize(SittingLog.Header(state, withContact: false), buffer);
        return System.IO.Hashing.XxHash128.HashToUInt128(buffer.WrittenSpan, HashSeed);
    }

    Task<T> Guard<T>(string sittingKey, Func<Task<T>> call) => LogStoreCalls.Guard(call, logger, sittingKey,
        $"The store of sitting {sittingKey} did not answer. Retry the same request: a repeated answer is recognised by its sequence number.");
}

public static partial class LogStoreCalls
{
    /// <summary>
    /// A store that cannot be reached is <see cref="StorageUnavailableException"/> to callers (retry the same request):
    /// the client library's own exceptions cannot cross to other silos or clients, and say nothing a caller can use.
    /// </summary>
    public static async Task<T> Guard<T>(Func<Task<T>> call, ILogger logger, string key, string message)
    {
        try
        {
            return await call();
        }
        catch (Exception exception) when (exception is not (SittingConflictException or StorageUnavailableException or OperationCanceledException))
        {
            LogStoreFailed(logger, exception, key);
            throw new StorageUnavailableException(message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The log store failed for {Key}")]
    static partial void LogStoreFailed(ILogger logger, Exception exception, string key);
}
