using System.Diagnostics;
using Orleans.Utilities;

namespace Casn.Grains;

/// <summary>
/// What every board does the same way: one snapshot at a time, published at most once per interval when
/// something changed, to one observer per silo, with versions that only increase.
/// </summary>
public abstract class PublishingBoard(IOptions<BoardOptions> options, TimeProvider clock, ILogger logger) : Grain, IPublishedBoard, IGrainMigrationParticipant
{
    ObserverManager<IBoardObserver> _observers = null!;
    BoardSnapshot _published = null!;
    bool _dirty;
    long _dirtySince;
    long _publishedAt;
    IGrainTimer? _timer;

    protected BoardSnapshot Published => _published;

    protected DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>Loads what the board shows now; the first snapshot is built from it.</summary>
    protected abstract Task Load();

    /// <summary>The board as it stands, under this version and time.</summary>
    protected abstract BoardSnapshot Build(long version, DateTimeOffset at);

    /// <summary>After each publication: pass the news up (a room's board to its Kanreg's, a Kanreg's to the nation's).</summary>
    protected virtual Task AfterPublish(BoardSnapshot snapshot) => Task.CompletedTask;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _observers = new ObserverManager<IBoardObserver>(options.Value.SubscriptionLifetime, logger);
        if (_handedOver is { } published)
        {
            // Moved here by a leaving silo: what it showed and held comes with it, and versions carry on from its last.
            // Changes that came after its last publication (within the interval) are published from here.
            _published = published;
            Changed();
            return;
        }
        await Load();
        _published = Snapshot(0);
    }

    /// <summary>
    /// A silo leaving on purpose hands the board over with what it holds (including lines held back by the public
    /// delay, which a fresh load would not know to hold). Viewers' silos subscribe again at their next renewal.
    /// </summary>
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        this.MigrateIfSiloLeaves(reason);
        return Task.CompletedTask;
    }

    BoardSnapshot? _handedOver;

    const string HandedOverSnapshot = "casn.board.published";

    void IGrainMigrationParticipant.OnDehydrate(IDehydrationContext context)
    {
        if (_published is null) return;
        context.TryAddValue(HandedOverSnapshot, _published);
        Dehydrate(context);
        CasnMetrics.CountHandOver("board");
    }

    void IGrainMigrationParticipant.OnRehydrate(IRehydrationContext context)
    {
        if (!context.TryGetValue(HandedOverSnapshot, out BoardSnapshot? published) || published is null || !Rehydrate(context)) return;
        _handedOver = published;
    }

    /// <summary>Adds what this board holds beyond its last snapshot to a migration.</summary>
    protected abstract void Dehydrate(IDehydrationContext context);

    /// <summary>Takes back what <see cref="Dehydrate"/> added; false when it is not all there (the board then loads afresh).</summary>
    protected abstract bool Rehydrate(IRehydrationContext context);

    protected void Changed()
    {
        if (!_dirty) _dirtySince = Stopwatch.GetTimestamp();
        _dirty = true;
        Wake();
    }

    /// <summary>
    /// The publishing tick runs only while there is something to publish (or held back to release): a quiet
    /// board, or one activated by a reader and never written to, costs no timer. A board quiet for a whole
    /// interval publishes the first change at once (the leading edge); changes that keep coming are coalesced
    /// to one publication per interval, so a board still publishes at most once per interval.
    /// </summary>
    protected void Wake()
    {
        if (_timer is not null) return;
        var interval = options.Value.PublishInterval;
        var sincePublished = _publishedAt == 0 ? interval : Stopwatch.GetElapsedTime(_publishedAt);
        var due = sincePublished >= interval ? TimeSpan.Zero : interval - sincePublished;
        _timer = this.RegisterGrainTimer(PublishIfChanged, new GrainTimerCreationOptions(due, interval));
    }

    /// <summary>Lines held back that a later tick must release (see <see cref="ReleaseDue"/>).</summary>
    protected virtual bool HoldsBack => false;

    public Task<BoardSnapshot> GetSnapshot() => Task.FromResult(_published);

    public Task Subscribe(IBoardObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task Unsubscribe(IBoardObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    /// <summary>Before each publishing tick: a board that holds changes back lets the due ones through (and calls <see cref="Changed"/>).</summary>
    protected virtual void ReleaseDue(DateTimeOffset now) { }

    async Task PublishIfChanged()
    {
        ReleaseDue(clock.GetUtcNow());
        if (!_dirty)
        {
            if (!HoldsBack)
            {
                _timer?.Dispose();
                _timer = null;
            }
            return;
        }
        _dirty = false;
        _publishedAt = Stopwatch.GetTimestamp();
        CasnMetrics.BoardPublishLag.Record(Stopwatch.GetElapsedTime(_dirtySince).TotalMilliseconds);
        _published = Snapshot(_published.Version);
        var snapshot = _published;
        _observers.Notify(o => o.Published(snapshot));
        await AfterPublish(snapshot);
    }

    /// <summary>
    /// Versions are the publishing time in milliseconds, kept strictly increasing: a board that moved to
    /// another silo after a crash still never publishes a version lower than one a viewer has seen.
    /// </summary>
    BoardSnapshot Snapshot(long previousVersion)
    {
        var now = clock.GetUtcNow();
        return Build(Math.Max(previousVersion + 1, now.ToUnixTimeMilliseconds()), now);
    }
}
