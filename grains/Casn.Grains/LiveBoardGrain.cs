using System.Diagnostics;
using Orleans.Utilities;

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

    /// <summary>What a room's board moves with: its rows, the lines still held back, and the exam it shows.</summary>
    [GenerateSerializer, Immutable]
    public sealed record HandOver(
        [property: Id(0)] BoardRow[] Rows,
        [property: Id(1)] DateTimeOffset[] HeldDue,
        [property: Id(2)] BoardRow[] Held,
        [property: Id(3)] string ExamId,
        [property: Id(4)] string ExamTitle,
        [property: Id(5)] string[] Sections);

    protected override void Dehydrate(IDehydrationContext context) => context.TryAddValue("casn.board.room",
        new HandOver([.. _rows.Values], [.. _held.Select(h => h.Due)], [.. _held.Select(h => h.Row)], _examId, _examTitle, _sections));

    protected override bool Rehydrate(IRehydrationContext context)
    {
        if (!context.TryGetValue("casn.board.room", out HandOver? handOver) || handOver is null) return false;
        foreach (var row in handOver.Rows) _rows[row.ParticipantNo] = row;
        for (var i = 0; i < handOver.Held.Length; i++) _held.Enqueue((handOver.HeldDue[i], handOver.Held[i]));
        (_examId, _examTitle, _sections) = (handOver.ExamId, handOver.ExamTitle, handOver.Sections);
        return true;
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
