namespace Casn.Grains;

/// <summary>
/// A site's or a Kanreg's board (its parts are rooms) or the nation's (its parts are Kanregs): counts
/// and the distribution of totals, never a candidate. Site and Kanreg boards rebuild from their rooms'
/// boards when they start; the nation's fills again as the Kanregs publish, which they do on every change.
/// </summary>
public sealed class SummaryBoardGrain(IOptions<BoardOptions> options, TimeProvider clock, ILogger<SummaryBoardGrain> logger)
    : PublishingBoard(options, clock, logger), ISummaryBoardGrain
{
    /// <summary>Parsed once: the board's scope. Only the board directory's keys reach here (a made-up one is answered 404 before).</summary>
    SummaryBoard Board => field ??= new(SummaryBoardKey.Parse(this.GetPrimaryKeyString())
        ?? throw new InvalidOperationException($"'{this.GetPrimaryKeyString()}' is not a summary board's key."));

    protected override async Task Load()
    {
        var key = Board.Key;
        if (key.IsNational)
        {
            // Shortlists come from the position directory, which keeps them: a restarted national board shows them at once.
            Board.ReportShortlisted(await GrainFactory.GetGrain<IPositionDirectoryGrain>(IPositionDirectoryGrain.National).ShortlistedByExam());
            return;
        }
        foreach (var room in await GrainFactory.GetGrain<IKanregGrain>(key.Region!).GetRooms())
            if (RoomKey.Parse(room) is { IsOk: true } roomKey && key.Covers(roomKey.Value!)
                && (await GrainFactory.GetGrain<ILiveBoardGrain>(room).GetSnapshot()).Summary is { } summary)
                Board.Report(room, summary);
    }

    protected override void Dehydrate(IDehydrationContext context) => context.TryAddValue("casn.board.summary", Board.Save());

    protected override bool Rehydrate(IRehydrationContext context)
    {
        if (!context.TryGetValue("casn.board.summary", out SummaryBoard.Saved? saved) || saved is null) return false;
        Board.Restore(saved);
        return true;
    }

    public Task Report(string part, BoardSummary summary)
    {
        Board.Report(part, summary);
        Changed();
        return Task.CompletedTask;
    }

    public Task ReportShortlisted(Dictionary<string, int> byExam)
    {
        if (Board.ReportShortlisted(byExam)) Changed();
        return Task.CompletedTask;
    }

    protected override BoardSnapshot Build(long version, DateTimeOffset at) => Board.Snapshot(version, at);

    protected override Task AfterPublish(BoardSnapshot snapshot) => Board.Key.IsKanreg
        ? GrainFactory.GetGrain<ISummaryBoardGrain>(ISummaryBoardGrain.National).Report(Board.Key.Region!, snapshot.Summary!)
        : Task.CompletedTask;
}
