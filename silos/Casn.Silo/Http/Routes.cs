using Casn.Domain;

namespace Casn.Silo.Http;

/// <summary>A room's address in a URL: <c>/{region}/{site}/{date}/{slot}/{room}</c>.</summary>
public readonly record struct RoomRoute(string Region, string Site, string Date, string Slot, string Room)
{
    public const string Template = "{region}/{site}/{date}/{slot}/{room}";

    public Result<RoomKey> Key => RoomKey.Create(Region, Site, Date, Slot, Room);

    /// <summary>The route of a request already matched (for authorization and rate limiting, before binding).</summary>
    public static RoomRoute Of(RouteValueDictionary values) =>
        new(Value(values, "region"), Value(values, "site"), Value(values, "date"), Value(values, "slot"), Value(values, "room"));

    internal static string Value(RouteValueDictionary values, string name) => values[name] as string ?? "";
}

/// <summary>A candidate sitting's address: the room's, then the participant number.</summary>
public readonly record struct SessionRoute(string Region, string Site, string Date, string Slot, string Room, string ParticipantNo)
{
    public const string Template = RoomRoute.Template + "/{participantNo}";

    /// <summary>The route of a request already matched (for rate limiting, before binding).</summary>
    public static SessionRoute Of(RouteValueDictionary values)
    {
        var room = RoomRoute.Of(values);
        return new(room.Region, room.Site, room.Date, room.Slot, room.Room, RoomRoute.Value(values, "participantNo"));
    }

    public Result<SessionKey> Key
    {
        get
        {
            var room = RoomKey.Create(Region, Site, Date, Slot, Room);
            if (!room.IsOk) return room.Fault!;
            return SessionKey.IsValidParticipantNo(ParticipantNo) ? room.Value!.Session(ParticipantNo) : SessionKey.InvalidParticipantNo;
        }
    }
}
