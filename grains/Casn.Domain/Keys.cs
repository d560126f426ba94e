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
}

/// <summary>A room in one session slot of one day: <c>{kanreg}/{site}/{date}/{slot}/{room}</c>.</summary>
public sealed record RoomKey(string Region, string Site, DateOnly Date, int Slot, string Room)
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

    public static Result<SessionKey> Parse(string key)
    {
        var cut = key.LastIndexOf('/');
        if (cut < 0) return Faults.Of(ErrorCodes.KeyInvalid, "A session key ends with the participant number.");
        var room = RoomKey.Parse(key[..cut]);
        if (!room.IsOk) return room.Fault!;
        var participantNo = key[(cut + 1)..];
        return IsValidParticipantNo(participantNo)
            ? new SessionKey(room.Value!, participantNo)
            : Faults.Of(ErrorCodes.KeyInvalid, "Participant number must be 1-32 letters, digits or '-'.");
    }
}
