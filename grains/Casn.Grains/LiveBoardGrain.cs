using System.Diagnostics;
using Orleans.Utilities;

namespace Casn.Grains;

/// <summary>Board settings (<c>Casn:Boards</c>).</summary>
public sealed class BoardOptions
{
    public const string Section = "Casn:Boards";

    /// <summary>A board publishes at most once per interval, however many scores changed.</summary>
    public TimeSpan PublishInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A subscriber that has not renewed within this is dropped (its silo may be gone).</summary>
    public TimeSpan SubscriptionLifetime { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// A room's public board. It holds no state of its own: on activation it reads every sitting's current
/// line, and then sessions send their line whenever it changes. Lines carry the session's revision, so an
/// update that arrives late never replaces a newer one. Publishing is coalesced: one snapshot per interval,
/// to one observer per silo, never one message per answer or per viewer.
/// </summary>
[KanregPlacement]
public sealed class LiveBoardGrain(IOptions<BoardOptions> options, TimeProvider clock, ILogger<LiveBoardGrain> logger) : Grain, ILiveBoardGrain
{
    readonly Dictionary<string, BoardRow> _rows = new(StringComparer.Ordinal);
    ObserverManager<IBoardObserver> _observers = null!;
    string _examTitle = "";
    string[] _sections = [];
    BoardSnapshot _published = null!;
    bool _dirty;
    long _dirtySince;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _observers = new ObserverManager<IBoardObserver>(options.Value.SubscriptionLifetime, logger);
        var room = await GrainFactory.GetGrain<IExamRoomGrain>(this.GetPrimaryKeyString()).GetBoardRows();
        if (room.IsOk)
        {
            (_examTitle, _sections) = (room.Value!.ExamTitle, room.Value.Sections);
            foreach (var row in room.Value.Rows) _rows[row.ParticipantNo] = row;
        }
        _published = Snapshot(0);
        this.RegisterGrainTimer(PublishIfChanged, new GrainTimerCreationOptions(options.Value.PublishInterval, options.Value.PublishInterval));
    }

    Task ILiveBoardGrain.Update(BoardRow row, string examTitle, string[] sections)
    {
        if (_rows.TryGetValue(row.ParticipantNo, out var current) && current.Revision >= row.Revision) return Task.CompletedTask;
        _rows[row.ParticipantNo] = row;
        (_examTitle, _sections) = (examTitle, sections);
        if (!_dirty) _dirtySince = Stopwatch.GetTimestamp();
        _dirty = true;
        return Task.CompletedTask;
    }

    Task<BoardSnapshot> ILiveBoardGrain.GetSnapshot() => Task.FromResult(_published);

    Task ILiveBoardGrain.Subscribe(IBoardObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    Task ILiveBoardGrain.Unsubscribe(IBoardObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    Task PublishIfChanged()
    {
        if (!_dirty) return Task.CompletedTask;
        _dirty = false;
        CasnMetrics.BoardPublishLag.Record(Stopwatch.GetElapsedTime(_dirtySince).TotalMilliseconds);
        _published = Snapshot(_published.Version);
        var snapshot = _published;
        _observers.Notify(o => o.Published(snapshot));
        return Task.CompletedTask;
    }

    /// <summary>
    /// Versions are the publishing time in milliseconds, kept strictly increasing: a board that moved to
    /// another silo after a crash still never publishes a version lower than one a viewer has seen.
    /// </summary>
    BoardSnapshot Snapshot(long previousVersion)
    {
        var now = clock.GetUtcNow();
        var version = Math.Max(previousVersion + 1, now.ToUnixTimeMilliseconds());
        var rows = _rows.Values.OrderByDescending(r => r.Total).ThenBy(r => r.ParticipantNo, StringComparer.Ordinal).ToArray();
        return new BoardSnapshot(this.GetPrimaryKeyString(), version, now, _examTitle, _sections, rows);
    }
}
