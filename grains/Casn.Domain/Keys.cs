using System.Globalization;
using System.Text.RegularExpressions;

namespace Casn.Domain;

/// <summary>
/// Grain keys. The region comes first in room and session keys so that a placement filter can put a
/// region's grains on that region's silos by reading the key alone.
/// </summary>
public static partial class Keys
{
    [GeneratedRegex("^[A-Za-z0-9-]+$")]
    private static partial Regex TokenPattern();

    public static bool IsValidToken(string? value, int maxLength) =>
        !string.IsNullOrEmpty(value) && value.Length <= maxLength && TokenPattern().IsMatch(value);

    /// <summary>What a request hears when its region (Kanreg) is not a token of at most 32 characters.</summary>
    public static readonly Fault InvalidRegion = new(ErrorCodes.KeyInvalid, "Region must be 1-32 letters, digits or '-'.");

    /// <summary>
    /// The region a Kanreg-placed grain's key names: a room's and a sitting's key start with it, and a Kanreg's own grain is
    /// keyed by the region alone. Null when the key names none.
    /// </summary>
    public static string? RegionOf(string grainKey)
    {
        var cut = grainKey.IndexOf('/', StringComparison.Ordinal);
        var region = cut < 0 ? grainKey : grainKey[..cut];
        return region.Length == 0 ? null : region;
    }
}

/// <summary>A room in one session slot of one day: <c>{kanreg}/{site}/{date}/{slot}/{room}</c>. Grains pass it typed to each other.</summary>
[GenerateSerializer, Immutable]
public sealed record RoomKey(
    [property: Id(0)] string Region,
    [property: Id(1)] string Site,
    [property: Id(2)] DateOnly Date,
    [property: Id(3)] int Slot,
    [property: Id(4)] string Room)
{
    public const int MaxSlot = 4;

    public override string ToString() =>
        $"{Region}/{Site}/{Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}/{Slot}/{Room}";

    public static Result<RoomKey> Create(string? region, string? site, string? date, string? slot, string? room)
    {
        if (!Keys.IsValidToken(region, 32) || !Keys.IsValidToken(site, 32) || !Keys.IsValidToken(room, 32))
            return Faults.Of(ErrorCodes.KeyInvalid, "Region, site and room must be 1-32 letters, digits or '-'.");
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return Faults.Of(ErrorCodes.KeyInvalid, "Date must be yyyy-MM-dd.");
        if (!int.TryParse(slot, NumberStyles.None, CultureInfo.InvariantCulture, out var slotNo) || slotNo < 1 || slotNo > MaxSlot)
            return Faults.Of(ErrorCodes.KeyInvalid, $"Session slot must be 1-{MaxSlot}.");
        return new RoomKey(region!, site!, day, slotNo, room!);
    }

    public static Result<RoomKey> Parse(string key)
    {
        var parts = key.Split('/');
        return parts.Length == 5
            ? Create(parts[0], parts[1], parts[2], parts[3], parts[4])
            : Faults.Of(ErrorCodes.KeyInvalid, "A room key has five parts.");
    }

    public SessionKey Session(string participantNo) => new(this, participantNo);
}

/// <summary>One candidate's sitting in one room: <c>{room key}/{participantNo}</c>.</summary>
public sealed record SessionKey(RoomKey Room, string ParticipantNo)
{
    public string Region => Room.Region;

    public override string ToString() => $"{Room}/{ParticipantNo}";

    public static bool IsValidParticipantNo(string? participantNo) => Keys.IsValidToken(participantNo, 32);

    public static readonly Fault InvalidParticipantNo = new(ErrorCodes.KeyInvalid, "Participant number must be 1-32 letters, digits or '-'.");

    public static Result<SessionKey> Parse(string key)
    {
        var cut = key.LastIndexOf('/');
        if (cut < 0) return Faults.Of(ErrorCodes.KeyInvalid, "A session key ends with the participant number.");
        var room = RoomKey.Parse(key[..cut]);
        if (!room.IsOk) return room.Fault!;
        var participantNo = key[(cut + 1)..];
        return IsValidParticipantNo(participantNo) ? new SessionKey(room.Value!, participantNo) : InvalidParticipantNo;
    }
}

/// <summary>
/// A summary board: the nation's (<c>national</c>), a Kanreg's (<c>kanreg:{region}</c>) or a test site's
/// (<c>site:{region}/{site}</c>). A room's board is keyed by its <see cref="RoomKey"/>.
/// </summary>
public sealed record SummaryBoardKey(string? Region, string? Site)
{
    public const string NationalKey = "national";

    public static readonly SummaryBoardKey National = new(null, null);

    public static SummaryBoardKey Kanreg(string region) => new(region, null);

    public static SummaryBoardKey OfSite(string region, string site) => new(region, site);

    public bool IsNational => Region is null;

    /// <summary>A Kanreg's board reports to the nation's; a site's and the nation's report to nobody.</summary>
    public bool IsKanreg => Region is not null && Site is null;

    /// <summary>Whether a room's board is one of this board's parts.</summary>
    public bool Covers(RoomKey room) => Region is not null && room.Region == Region && (Site is null || room.Site == Site);

    /// <summary>What the board is called on its page.</summary>
    public string Title => Region is null ? "Nasional" : Site is null ? Region : $"{Region}/{Site}";

    public override string ToString() => Region is null ? NationalKey : Site is null ? $"kanreg:{Region}" : $"site:{Region}/{Site}";

    /// <summary>A summary board's key, or null when the key is not one (a room's key, say).</summary>
    public static SummaryBoardKey? Parse(string key)
    {
        if (key == NationalKey) return National;
        if (key.StartsWith("kanreg:", StringComparison.Ordinal) && Keys.IsValidToken(key["kanreg:".Length..], 32)) return Kanreg(key["kanreg:".Length..]);
        if (!key.StartsWith("site:", StringComparison.Ordinal)) return null;
        var parts = key["site:".Length..].Split('/');
        return parts.Length == 2 && Keys.IsValidToken(parts[0], 32) && Keys.IsValidToken(parts[1], 32) ? OfSite(parts[0], parts[1]) : null;
    }
}
