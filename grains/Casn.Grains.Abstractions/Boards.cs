namespace Casn.Grains.Abstractions;

/// <summary>
/// A candidate's line on a public board. Only what the public may see: participant number, name,
/// section scores, total and a neutral status. No national ID, no photo, no answers.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record BoardRow(
    [property: Id(0)] string ParticipantNo,
    [property: Id(1)] string Name,
    [property: Id(2)] int[] SectionScores,
    [property: Id(3)] int Total,
    [property: Id(4)] string Status,
    [property: Id(5)] int Answered,
    [property: Id(6)] long Revision);

/// <summary>Public statuses. A suspended sitting shows as <c>paused</c>: the board does not accuse anyone.</summary>
public static class BoardStatuses
{
    public const string NotStarted = "not_started";
    public const string InProgress = "in_progress";
    public const string Paused = "paused";
    public const string Finished = "finished";
    public const string Passed = "passed";
    public const string Failed = "failed";
}

/// <summary>
/// One published state of a board: versions only increase, and <see cref="PublishedAt"/> is the server's
/// clock, so a viewer can show how fresh the board is.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record BoardSnapshot(
    [property: Id(0)] string Board,
    [property: Id(1)] long Version,
    [property: Id(2)] DateTimeOffset PublishedAt,
    [property: Id(3)] string ExamTitle,
    [property: Id(4)] string[] Sections,
    [property: Id(5)] BoardRow[] Rows);

/// <summary>Receives a board's snapshots; one per silo, which serves that silo's viewers.</summary>
public interface IBoardObserver : IGrainObserver
{
    void Published(BoardSnapshot snapshot);
}

/// <summary>
/// A room's live board. Key: the room key. Sessions send their score as it changes (one way); the board
/// coalesces and publishes at most once per publish interval.
/// </summary>
public interface ILiveBoardGrain : IGrainWithStringKey
{
    [OneWay]
    Task Update(BoardRow row, string examTitle, string[] sections);

    [AlwaysInterleave]
    Task<BoardSnapshot> GetSnapshot();

    /// <summary>Subscribes for a while; subscribers renew, so one that vanished with its silo lapses on its own.</summary>
    Task Subscribe(IBoardObserver observer);

    Task Unsubscribe(IBoardObserver observer);
}

/// <summary>Every sitting's current board line, as the room's sessions hold it.</summary>
[GenerateSerializer, Immutable]
public sealed record BoardRows(
    [property: Id(0)] string ExamTitle,
    [property: Id(1)] string[] Sections,
    [property: Id(2)] BoardRow[] Rows);
