using System.Diagnostics;
using Orleans.Utilities;

namespace Casn.Grains;

/// <summary>
/// Board settings (<c>Casn:Boards</c>), one class for the section: how the board grains publish, and how each silo serves
/// viewers (the silo host checks the viewer settings it alone understands, such as the framing origins).
/// </summary>
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

    /// <summary>Viewers this silo serves at once; beyond that, 503 with Retry-After.</summary>
    public int MaxViewersPerSilo { get; set; } = 20_000;

    /// <summary>Snapshots a viewer may fall behind before it is dropped (its browser reconnects and resumes).</summary>
    public int ViewerBuffer { get; set; } = 8;

    /// <summary>
    /// A viewer's stream that has had nothing to send for this long gets an <c>alive</c> event with the server time,
    /// so that proxies keep it open and the page can tell a quiet board from a lost connection.
    /// </summary>
    public TimeSpan KeepAliveEvery { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often this silo renews its subscriptions; a board that moved after a crash is found again.</summary>
    public TimeSpan RenewEvery { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Origins (e.g. <c>https://tv.example.id</c>) whose pages may frame the public boards, for the press; no
    /// other page may be framed at all.
    /// </summary>
    public string[] FrameAncestors { get; set; } = [];
}
