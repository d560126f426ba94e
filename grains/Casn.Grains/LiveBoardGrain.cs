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

    /// <summary>
    /// How far a room's public board lags behind the sittings (zero: live). Watching a running score move
    /// while one item is cycled through its options reveals the key; a lag of a few minutes makes that
    /// useless during the exam while families and the press still see scores move. See docs/security.md.
    /// </summary>
    public TimeSpan PublicDelay { get; set; } = TimeSpan.Zero;
}

/// <summary>
/// What every board does the same way: one snapshot at a time, published at most once per interval when
/// something changed, to one observer per silo, with versions that only increase.
/// </summary>
public abstract class PublishingBoard(IOptions<BoardOptions> options, TimeProvider clock, ILogger logger) : Grain, IPublishedBoard
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
        await Load();
        _published = Snapshot(0);
    }

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

/// <summary>
/// A room's public board. It holds no state of its own: on activation it reads every sitting's current
/// line, and then sessions send their line whenever it changes. Lines carry the session's revision, so an
/// update that arrives late never replaces a newer one. Each publication also reports the room's counts
/// to its Kanreg's board.
/// </summary>
[KanregPlacement]
public sealed class LiveBoardGrain(IOptions<BoardOptions> options, TimeProvider clock, ILogger<LiveBoardGrain> logger)
    : PublishingBoard(options, clock, logger), ILiveBoardGrain
{
    readonly Dictionary<string, BoardRow> _rows = new(StringComparer.Ordinal);
    /// <summary>Lines waiting out <see cref="BoardOptions.PublicDelay"/>, oldest first.</summary>
    readonly Queue<(DateTimeOffset Due, BoardRow Row)> _held = new();
    readonly TimeSpan _delay = options.Value.PublicDelay;
    string _examId = "";
    string _examTitle = "";
    string[] _sections = [];

    string Key => this.GetPrimaryKeyString();

    protected override async Task Load()
    {
        var room = await GrainFactory.GetGrain<IExamRoomGrain>(Key).GetBoardRows();
        if (!room.IsOk) return;
        (_examId, _examTitle, _sections) = (room.Value!.ExamId, room.Value.ExamTitle, room.Value.Sections);
        foreach (var row in room.Value.Rows) _rows[row.ParticipantNo] = row;
    }

    Task ILiveBoardGrain.Update(BoardRow row, string examId, string examTitle, string[] sections)
    {
        (_examId, _examTitle, _sections) = (examId, examTitle, sections);
        if (_delay > TimeSpan.Zero)
        {
            _held.Enqueue((Now + _delay, row));
            Wake();
        }
        else Apply(row);
        return Task.CompletedTask;
    }

    Task ILiveBoardGrain.Remove(string participantNo)
    {
        var held = _held.Where(h => h.Row.ParticipantNo != participantNo).ToList();
        _held.Clear();
        foreach (var h in held) _held.Enqueue(h);
        if (_rows.Remove(participantNo)) Changed();
        return Task.CompletedTask;
    }

    void Apply(BoardRow row)
    {
        if (_rows.TryGetValue(row.ParticipantNo, out var current) && current.Revision >= row.Revision) return;
        _rows[row.ParticipantNo] = row;
        Changed();
    }

    protected override bool HoldsBack => _held.Count > 0;

    protected override void ReleaseDue(DateTimeOffset now)
    {
        while (_held.TryPeek(out var held) && held.Due <= now) Apply(_held.Dequeue().Row);
    }

    protected override BoardSnapshot Build(long version, DateTimeOffset at)
    {
        var rows = _rows.Values.OrderByDescending(r => r.Total).ThenBy(r => r.ParticipantNo, StringComparer.Ordinal).ToArray();
        return new BoardSnapshot(Key, version, at, _examTitle, _sections, rows, BoardSummary.Of(rows, _examId, _examTitle));
    }

    protected override async Task AfterPublish(BoardSnapshot snapshot)
    {
        var room = RoomKey.Parse(Key).Value!;
        await GrainFactory.GetGrain<ISummaryBoardGrain>(ISummaryBoardGrain.SiteKey(room.Region, room.Site)).Report(Key, snapshot.Summary!);
        await GrainFactory.GetGrain<ISummaryBoardGrain>(ISummaryBoardGrain.KanregKey(room.Region)).Report(Key, snapshot.Summary!);
    }
}

/// <summary>
/// A site's or a Kanreg's board (its parts are rooms) or the nation's (its parts are Kanregs): counts
/// and the distribution of totals, never a candidate. Site and Kanreg boards rebuild from their rooms'
/// boards when they start; the nation's fills again as the Kanregs publish, which they do on every change.
/// </summary>
public sealed class SummaryBoardGrain(IOptions<BoardOptions> options, TimeProvider clock, ILogger<SummaryBoardGrain> logger)
    : PublishingBoard(options, clock, logger), ISummaryBoardGrain
{
    readonly SortedDictionary<string, BoardSummary> _parts = new(StringComparer.Ordinal);
    Dictionary<string, int> _shortlistedByExam = new(StringComparer.Ordinal);

    string Key => this.GetPrimaryKeyString();

    /// <summary>Parsed once: the board's scope. Only the board directory's keys reach here (a made-up one is answered 404 before).</summary>
    SummaryBoardKey Board => _board ??= SummaryBoardKey.Parse(Key) ?? throw new InvalidOperationException($"'{Key}' is not a summary board's key.");

    SummaryBoardKey? _board;

    protected override async Task Load()
    {
        if (Board.IsNational)
        {
            // Shortlists come from the position directory, which keeps them: a restarted national board shows them at once.
            _shortlistedByExam = await GrainFactory.GetGrain<IPositionDirectoryGrain>(IPositionDirectoryGrain.National).ShortlistedByExam();
            return;
        }
        foreach (var room in await GrainFactory.GetGrain<IKanregGrain>(Board.Region!).GetRooms())
            if (RoomKey.Parse(room) is { IsOk: true } key && Board.Covers(key.Value!)
                && (await GrainFactory.GetGrain<ILiveBoardGrain>(room).GetSnapshot()).Summary is { } summary)
                _parts[room] = summary;
    }

    public Task Report(string part, BoardSummary summary)
    {
        _parts[part] = summary;
        Changed();
        return Task.CompletedTask;
    }

    public Task ReportShortlisted(Dictionary<string, int> byExam)
    {
        if (!Board.IsNational) return Task.CompletedTask;
        _shortlistedByExam = byExam;
        Changed();
        return Task.CompletedTask;
    }

    protected override BoardSnapshot Build(long version, DateTimeOffset at)
    {
        var summary = BoardSummary.Sum(_parts.Values);
        if (Board.IsNational)
        {
            // The shortlists join the exams' counts; an exam with a shortlist but no sittings on a board yet still shows.
            summary = summary with
            {
                Exams = ExamCounts.Merge([.. summary.Exams ?? [], .. _shortlistedByExam.Select(e => new ExamCounts(e.Key, "", 0, 0, e.Value))]),
            };
        }
        return new(Key, version, at, Board.Title, [], [], summary, [.. _parts.Select(p => new BoardPart(p.Key, p.Value))]);
    }

    protected override Task AfterPublish(BoardSnapshot snapshot) => Board.IsKanreg
        ? GrainFactory.GetGrain<ISummaryBoardGrain>(ISummaryBoardGrain.National).Report(Board.Region!, snapshot.Summary!)
        : Task.CompletedTask;
}
