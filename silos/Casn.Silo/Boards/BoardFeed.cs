using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Casn.Domain.Boards;
using Casn.Domain.Exams;
using Casn.Grains;
using Casn.Grains.Abstractions;
using Microsoft.Extensions.Options;

namespace Casn.Silo.Boards;

/// <summary>A snapshot ready to send: serialised once per silo, whatever the number of viewers.</summary>
public sealed record BoardEvent(long Version, byte[] Bytes)
{
    public static BoardEvent Of(BoardSnapshot snapshot)
    {
        var json = JsonSerializer.Serialize(snapshot, CasnJson.Options);
        return new(snapshot.Version, Encoding.UTF8.GetBytes($"id: {snapshot.Version.ToString(CultureInfo.InvariantCulture)}\nevent: board\ndata: {json}\n\n"));
    }
}

/// <summary>
/// This silo's one subscription per watched board, fanned out to its own viewers (GPS Tracker's shape):
/// the board sends one snapshot to each silo, and each silo writes it to its browsers.
/// </summary>
public sealed partial class BoardFeed : IBoardObserver, IDisposable
{
    readonly IGrainFactory _grains;
    readonly BoardOptions _options;
    readonly ILogger<BoardFeed> _logger;
    readonly ConcurrentDictionary<string, Board> _boards = new(StringComparer.Ordinal);
    readonly Timer _renew;
    readonly Lazy<IBoardObserver> _reference;
    int _viewers;

    readonly TimeProvider _clock;

    public BoardFeed(IGrainFactory grains, IOptions<BoardOptions> options, TimeProvider clock, ILogger<BoardFeed> logger)
    {
        _grains = grains;
        _clock = clock;
        _options = options.Value;
        _logger = logger;
        _reference = new(() => grains.CreateObjectReference<IBoardObserver>(this));
        _renew = new Timer(_ => _ = Renew(), null, _options.RenewEvery, _options.RenewEvery);
        CasnMetrics.Meter.CreateObservableGauge("casn.boards.viewers", () => Viewers, description: "Board viewers connected to this silo");
    }

    public int Viewers => Volatile.Read(ref _viewers);

    /// <summary>How long a viewer's stream may stay silent before it gets a keep-alive.</summary>
    public TimeSpan KeepAliveEvery => _options.KeepAliveEvery;

    /// <summary>A new viewer of a board, or null when this silo already serves its maximum.</summary>
    public async Task<Viewer?> Watch(string boardKey)
    {
        if (Interlocked.Increment(ref _viewers) > _options.MaxViewersPerSilo)
        {
            Interlocked.Decrement(ref _viewers);
            return null;
        }
        var board = _boards.GetOrAdd(boardKey, key => new Board(key));
        var viewer = new Viewer(this, board, Channel.CreateBounded<BoardEvent>(new BoundedChannelOptions(_options.ViewerBuffer) { SingleReader = true }));
        board.Viewers[viewer] = true;
        try
        {
            if (board.Latest is null)
            {
                var grain = BoardGrains.Of(_grains, boardKey);
                await grain.Subscribe(_reference.Value);
                board.Offer(await grain.GetSnapshot());
            }
        }
        catch
        {
            viewer.Dispose();
            throw;
        }
        return viewer;
    }

    void IBoardObserver.Published(BoardSnapshot snapshot)
    {
        CasnMetrics.BoardDeliveryLag.Record(Math.Max(0, (_clock.GetUtcNow() - snapshot.PublishedAt).TotalMilliseconds));
        if (!_boards.TryGetValue(snapshot.Board, out var board) || board.Offer(snapshot) is not { } published) return;
        foreach (var viewer in board.Viewers.Keys)
            if (!viewer.Writer.TryWrite(published)) viewer.Drop();
    }

    void Leave(Viewer viewer)
    {
        if (viewer.Board.Viewers.TryRemove(viewer, out _)) Interlocked.Decrement(ref _viewers);
    }

    async Task Renew()
    {
        foreach (var board in _boards.Values)
        {
            try
            {
                var grain = BoardGrains.Of(_grains, board.Key);
                if (board.Viewers.IsEmpty)
                {
                    _boards.TryRemove(board.Key, out _);
                    await grain.Unsubscribe(_reference.Value);
                }
                else
                {
                    await grain.Subscribe(_reference.Value);
                    // A board re-activated elsewhere may have published while this silo was not subscribed.
                    if (board.Offer(await grain.GetSnapshot()) is { } published)
                        foreach (var viewer in board.Viewers.Keys)
                            if (!viewer.Writer.TryWrite(published)) viewer.Drop();
                }
            }
            catch (Exception exception)
            {
                LogRenewFailed(_logger, exception, board.Key);
            }
        }
    }

    public void Dispose() => _renew.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the subscription to board {Board} failed; retrying at the next renewal")]
    static partial void LogRenewFailed(ILogger logger, Exception exception, string board);

    public sealed class Board(string key)
    {
        readonly object _gate = new();

        public string Key { get; } = key;

        public ConcurrentDictionary<Viewer, bool> Viewers { get; } = new();

        public BoardEvent? Latest { get; private set; }

        /// <summary>Keeps the snapshot if it is newer than what this silo has (versions never go back), serialised once.</summary>
        public BoardEvent? Offer(BoardSnapshot snapshot)
        {
            lock (_gate)
            {
                if (Latest is not null && snapshot.Version <= Latest.Version) return null;
                Latest = BoardEvent.Of(snapshot);
                return Latest;
            }
        }
    }

    public sealed class Viewer(BoardFeed feed, Board board, Channel<BoardEvent> channel) : IDisposable
    {
        public Board Board { get; } = board;

        public ChannelReader<BoardEvent> Reader => channel.Reader;

        internal ChannelWriter<BoardEvent> Writer => channel.Writer;

        /// <summary>Too slow to keep up: its stream ends, and the browser reconnects with the last version it saw.</summary>
        internal void Drop()
        {
            channel.Writer.TryComplete();
            feed.Leave(this);
        }

        public void Dispose()
        {
            channel.Writer.TryComplete();
            feed.Leave(this);
        }
    }
}

/// <summary>Which grain publishes a board, from its key: a room key, <c>site:…</c>, <c>kanreg:…</c> or <c>national</c>.</summary>
public static class BoardGrains
{
    public static IPublishedBoard Of(IGrainFactory grains, string boardKey) =>
        Casn.Domain.SummaryBoardKey.Parse(boardKey) is not null
            ? grains.GetGrain<ISummaryBoardGrain>(boardKey)
            : grains.GetGrain<ILiveBoardGrain>(boardKey);
}
