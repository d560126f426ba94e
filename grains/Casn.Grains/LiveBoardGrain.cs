namespace Casn.Grains;

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
    readonly RoomBoard _board = new(options.Value.PublicDelay);

    string Key => this.GetPrimaryKeyString();

    /// <summary>The room this board shows; only the board directory's keys reach here (a made-up one is answered 404 before).</summary>
    RoomKey Room => field ??= RoomKey.Parse(Key).Value ?? throw new InvalidOperationException($"'{Key}' is not a room's key.");

    protected override async Task Load()
    {
        var room = await GrainFactory.GetGrain<IExamRoomGrain>(Key).GetBoardRows();
        if (room.IsOk) _board.Load(room.Value!);
    }

    protected override void Dehydrate(IDehydrationContext context) => context.TryAddValue("casn.board.room", _board.Save());

    protected override bool Rehydrate(IRehydrationContext context)
    {
        if (!context.TryGetValue("casn.board.room", out RoomBoard.Saved? saved) || saved is null) return false;
        _board.Restore(saved);
        return true;
    }

    Task ILiveBoardGrain.Update(BoardRow row, string examId, string examTitle, string[] sections)
    {
        if (_board.Update(row, examId, examTitle, sections, Now)) Changed();
        else if (_board.HoldsBack) Wake();
        return Task.CompletedTask;
    }

    Task ILiveBoardGrain.Remove(string participantNo)
    {
        if (_board.Remove(participantNo)) Changed();
        return Task.CompletedTask;
    }

    protected override bool HoldsBack => _board.HoldsBack;

    protected override void ReleaseDue(DateTimeOffset now)
    {
        if (_board.ReleaseDue(now)) Changed();
    }

    protected override BoardSnapshot Build(long version, DateTimeOffset at) => _board.Snapshot(Key, version, at);

    protected override async Task AfterPublish(BoardSnapshot snapshot)
    {
        await GrainFactory.GetGrain<ISummaryBoardGrain>(ISummaryBoardGrain.SiteKey(Room.Region, Room.Site)).Report(Key, snapshot.Summary!);
        await GrainFactory.GetGrain<ISummaryBoardGrain>(ISummaryBoardGrain.KanregKey(Room.Region)).Report(Key, snapshot.Summary!);
    }
}
