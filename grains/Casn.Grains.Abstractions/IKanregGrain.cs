namespace Casn.Grains.Abstractions;

/// <summary>
/// A regional office's (Kanreg's) list of rooms, so that operators and boards can find them. Key: the
/// region code. Rooms register themselves when they are set up.
/// </summary>
public interface IKanregGrain : IGrainWithStringKey
{
    /// <summary>The directory of Kanregs that have rooms: the one grain a public read asks before it touches a region's grains.</summary>
    public const string Directory = "national";

    Task AddRoom(string roomKey);

    [AlwaysInterleave]
    Task<string[]> GetRooms();

    [AlwaysInterleave]
    Task<bool> HasRoom(string roomKey);

    /// <summary>Whether any room of this Kanreg is at the site.</summary>
    [AlwaysInterleave]
    Task<bool> HasSite(string site);

    /// <summary>
    /// Gives a proctor id out for an exam day in this Kanreg: the same id to the same name again is fine
    /// (another room, a renewed token); to another name it is <c>proctor.id_taken</c>, so nobody's name
    /// can be put on someone else's record.
    /// </summary>
    Task<Result<bool>> ClaimProctorId(DateOnly date, string proctorId, string name);
}
