namespace Casn.Domain.Boards;

/// <summary>
/// What a room's public board shows: every sitting's latest line, held back for the public delay when one is set.
/// Lines carry the sitting's revision, so a line that arrives late never replaces a newer one. The grain around it
/// decides when to publish; this says what changed and what a publication shows.
/// </summary>
public sealed class RoomBoard(TimeSpan publicDelay)
{
    readonly Dictionary<string, BoardRow> _rows = new(StringComparer.Ordinal);
    /// <summary>Lines waiting out the public delay, oldest first.</summary>
    readonly Queue<(DateTimeOffset Due, BoardRow Row)> _held = new();
    string _examId = "";
    string _examTitle = "";
    string[] _sections = [];

    /// <summary>Lines still held back: a later tick must release them.</summary>
    public bool HoldsBack => _held.Count > 0;

    /// <summary>Takes every sitting's current line, as the room reads them from its sessions (no delay: they are not news).</summary>
    public void Load(BoardRows room)
    {
        (_examId, _examTitle, _sections) = (room.ExamId, room.ExamTitle, room.Sections);
        foreach (var row in room.Rows) _rows[row.ParticipantNo] = row;
    }

    /// <summary>A sitting's new line; true when the board changed now, false when it is held back or older than the one shown.</summary>
    public bool Update(BoardRow row, string examId, string examTitle, string[] sections, DateTimeOffset now)
    {
        (_examId, _examTitle, _sections) = (examId, examTitle, sections);
        if (publicDelay <= TimeSpan.Zero) return Apply(row);
        _held.Enqueue((now + publicDelay, row));
        return false;
    }

    /// <summary>A sitting withdrawn from the room (the candidate moved): its line goes, held or shown; true when one was shown.</summary>
    public bool Remove(string participantNo)
    {
        var held = _held.Where(h => h.Row.ParticipantNo != participantNo).ToList();
        _held.Clear();
        foreach (var h in held) _held.Enqueue(h);
        return _rows.Remove(participantNo);
    }

    /// <summary>Shows the held lines that are due; true when the board changed.</summary>
    public bool ReleaseDue(DateTimeOffset now)
    {
        var changed = false;
        while (_held.TryPeek(out var held) && held.Due <= now) changed |= Apply(_held.Dequeue().Row);
        return changed;
    }

    bool Apply(BoardRow row)
    {
        if (_rows.TryGetValue(row.ParticipantNo, out var current) && current.Revision >= row.Revision) return false;
        _rows[row.ParticipantNo] = row;
        return true;
    }

    /// <summary>The board as published: highest total first (ties by participant number), with the room's counts.</summary>
    public BoardSnapshot Snapshot(string board, long version, DateTimeOffset at)
    {
        var rows = _rows.Values.OrderByDescending(r => r.Total).ThenBy(r => r.ParticipantNo, StringComparer.Ordinal).ToArray();
        return new BoardSnapshot(board, version, at, _examTitle, _sections, rows, BoardSummary.Of(rows, _examId, _examTitle));
    }

    /// <summary>What a room's board moves with: its rows, the lines still held back, and the exam it shows.</summary>
    [GenerateSerializer, Immutable]
    public sealed record Saved(
        [property: Id(0)] BoardRow[] Rows,
        [property: Id(1)] DateTimeOffset[] HeldDue,
        [property: Id(2)] BoardRow[] Held,
        [property: Id(3)] string ExamId,
        [property: Id(4)] string ExamTitle,
        [property: Id(5)] string[] Sections);

    public Saved Save() => new([.. _rows.Values], [.. _held.Select(h => h.Due)], [.. _held.Select(h => h.Row)], _examId, _examTitle, _sections);

    public void Restore(Saved saved)
    {
        foreach (var row in saved.Rows) _rows[row.ParticipantNo] = row;
        for (var i = 0; i < saved.Held.Length; i++) _held.Enqueue((saved.HeldDue[i], saved.Held[i]));
        (_examId, _examTitle, _sections) = (saved.ExamId, saved.ExamTitle, saved.Sections);
    }
}
