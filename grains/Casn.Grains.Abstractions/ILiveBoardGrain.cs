namespace Casn.Grains.Abstractions;

/// <summary>
/// A room's live board. Key: the room key. Sessions send their score as it changes (one way); the board
/// coalesces and publishes at most once per publish interval.
/// </summary>
public interface ILiveBoardGrain : IPublishedBoard
{
    [OneWay]
    Task Update(BoardRow row, string examId, string examTitle, string[] sections);

    /// <summary>A sitting withdrawn from the room (the candidate moved): its line goes.</summary>
    [OneWay]
    Task Remove(string participantNo);
}
