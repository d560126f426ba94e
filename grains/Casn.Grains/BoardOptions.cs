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
