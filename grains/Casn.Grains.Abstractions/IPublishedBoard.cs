namespace Casn.Grains.Abstractions;

/// <summary>What every board offers its viewers' silos: the latest snapshot, and subscriptions.</summary>
public interface IPublishedBoard : IGrainWithStringKey
{
    [AlwaysInterleave]
    Task<BoardSnapshot> GetSnapshot();

    /// <summary>Subscribes for a while; subscribers renew, so one that vanished with its silo lapses on its own.</summary>
    Task Subscribe(IBoardObserver observer);

    Task Unsubscribe(IBoardObserver observer);
}

/// <summary>Receives a board's snapshots; one per silo, which serves that silo's viewers.</summary>
public interface IBoardObserver : IGrainObserver
{
    void Published(BoardSnapshot snapshot);
}
