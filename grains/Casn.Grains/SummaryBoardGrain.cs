using System.Diagnostics;
using Orleans.Utilities;

namespace Casn.Grains;

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

    protected override void Dehydrate(IDehydrationContext context)
    {
        context.TryAddValue("casn.board.parts", new Dictionary<string, BoardSummary>(_parts, StringComparer.Ordinal));
        context.TryAddValue("casn.board.shortlisted", _shortlistedByExam);
    }

    protected override bool Rehydrate(IRehydrationContext context)
    {
        if (!context.TryGetValue("casn.board.parts", out Dictionary<string, BoardSummary>? parts) || parts is null
            || !context.TryGetValue("casn.board.shortlisted", out Dictionary<string, int>? shortlisted) || shortlisted is null) return false;
        foreach (var (part, summary) in parts) _parts[part] = summary;
        _shortlistedByExam = new(shortlisted, StringComparer.Ordinal);
        return true;
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
