namespace Casn.Grains.Abstractions;

/// <summary>A room in one session slot. Key: <c>{kanreg}/{site}/{date}/{slot}/{room}</c>.</summary>
public interface IExamRoomGrain : IGrainWithStringKey
{
    Task<Result<RoomView>> Setup(RoomSetup setup);

    Task<Result<RoomView>> AddToRoster(RosterEntry[] entries);

    /// <summary>
    /// A roster import for this room, line by line (<see cref="AddToRoster"/> takes all or nothing): one result per entry,
    /// in order. A line already seated as given is <c>unchanged</c>; a refused line claims no seat.
    /// </summary>
    Task<Result<ImportLineResult[]>> ImportRoster(RosterEntry[] entries);

    /// <summary>Counts and the latest incidents, from the room alone: cheap enough for an operator's overview of hundreds of rooms.</summary>
    [AlwaysInterleave]
    Task<RoomSummary?> GetSummary();

    Task<Result<CheckInReceipt>> CheckIn(CheckInRequest request);

    /// <summary>
    /// The proctor turns a candidate away at the desk (a stand-in, no identity document), with the reason:
    /// recorded as <c>check_in_refused</c> for the room report. Someone already checked in is suspended or disqualified instead.
    /// </summary>
    Task<Result<bool>> RefuseCheckIn(string participantNo, ProctorAction action);

    /// <summary>
    /// The proctor finds a stand-in (joki) in the seat: a sitting under way is disqualified, someone not yet checked in is
    /// turned away; either way it is recorded as <c>stand_in</c> and reported to the national register, with the latest
    /// face evidence, for a national operator to confirm.
    /// </summary>
    Task<Result<bool>> ReportStandIn(string participantNo, ProctorAction action);

    /// <summary>The proctor starts the session: checked-in candidates may log in and the clocks start.</summary>
    Task<Result<RoomView>> Open(ProctorAction action);

    /// <summary>The proctor ends the session: every sitting still open is submitted.</summary>
    Task<Result<RoomView>> Close(ProctorAction action);

    Task<Result<SessionView>> Suspend(string participantNo, ProctorAction action);

    Task<Result<SessionView>> Resume(string participantNo, ProctorAction action);

    Task<Result<SessionView>> ExtendTime(string participantNo, TimeSpan extra, ProctorAction action);

    Task<Result<SessionView>> Disqualify(string participantNo, ProctorAction action);

    /// <summary>Approves a login from another workstation for a candidate already seated (the "reset login" practice).</summary>
    Task<Result<SessionView>> ApproveRelogin(string participantNo, ProctorAction action);

    /// <summary>
    /// Takes a candidate who has not been checked in off the roster (a national operator's move): the sitting
    /// is withdrawn, the seat freed and the board line removed; recorded as a <c>moved_out</c> incident.
    /// True when the seat was freed (or was not here); false when the sitting is finished and stays on record;
    /// <c>candidate.already_seated</c> when the candidate is checked in and the sitting is not over.
    /// </summary>
    Task<Result<bool>> Unseat(string participantNo, ProctorAction action);

    /// <summary>
    /// The proctor's view, read from the room's seat projection: one grain call whatever the room's size, and
    /// nothing is written. After the room activates, the first read asks each sitting for its line once.
    /// </summary>
    [AlwaysInterleave]
    Task<Result<RoomView>> GetView();

    /// <summary>
    /// What changed after <paramref name="since"/> (a <see cref="RoomView.Version"/> or an earlier answer's), with the
    /// incidents after the first <paramref name="incidentsSeen"/>; waits up to <paramref name="wait"/> (at most 20 s)
    /// for a change. A console's live stream is a loop of these.
    /// </summary>
    [AlwaysInterleave]
    Task<Result<RoomChanges>> WatchChanges(long since, int incidentsSeen, TimeSpan wait);

    /// <summary>A sitting's seat line, sent by the sitting whenever it changes. One way: the sitting never waits on its room.</summary>
    [OneWay, AlwaysInterleave]
    Task UpdateSeat(SeatLine line);

    /// <summary>Every sitting's public board line, read from the sessions (a board rebuilding itself).</summary>
    Task<Result<BoardRows>> GetBoardRows();

    /// <summary>A session tells its room what happened to it (e.g. suspended on a face mismatch). One way, so neither waits on the other.</summary>
    [OneWay]
    Task ReportIncident(RoomIncident incident);
}

/// <summary>
/// Method <c>face</c> carries the live capture and checks it against the registration photo;
/// method <c>manual</c> is the proctor confirming identity by hand (also how a failed face check is overridden).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CheckInRequest(
    [property: Id(0)] string ParticipantNo,
    [property: Id(1)] string Method,
    [property: Id(2)] ProctorAction Proctor,
    [property: Id(3)] byte[]? Capture = null);

/// <summary>The PIN goes to the candidate on the check-in slip; it is never stored in clear.</summary>
[GenerateSerializer, Immutable]
public sealed record CheckInReceipt(
    [property: Id(0)] string SessionKey,
    [property: Id(1)] string ParticipantNo,
    [property: Id(2)] string Seat,
    [property: Id(3)] string Pin)
{
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"SessionKey = {SessionKey}, ParticipantNo = {ParticipantNo}, Seat = {Seat}, Pin = (hidden)");
        return true;
    }
}

/// <summary>
/// The proctor's view of a room, read from the room's seat projection: one line per seat (no events; a
/// sitting's own view has those), the attendance, and the incidents. <see cref="Version"/> is where a
/// console's stream of changes starts.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RoomView(
    [property: Id(0)] string RoomKey,
    [property: Id(1)] RoomSetup Setup,
    [property: Id(2)] RoomStatus Status,
    [property: Id(3)] Attendance Attendance,
    [property: Id(4)] SeatLine[] Seats,
    [property: Id(5)] RoomIncident[] Incidents,
    [property: Id(6)] long Version,
    [property: Id(7)] DateTimeOffset ServerTime);

/// <summary>
/// What changed in a room since a console's last look: the seats that changed or left, the room's status and
/// attendance, and the incidents after the <c>incidentsSeen</c> it gave (<see cref="IncidentCount"/> is the new total).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RoomChanges(
    [property: Id(0)] long Version,
    [property: Id(1)] RoomStatus Status,
    [property: Id(2)] Attendance Attendance,
    [property: Id(3)] SeatLine[] Seats,
    [property: Id(4)] string[] Removed,
    [property: Id(5)] RoomIncident[] Incidents,
    [property: Id(6)] int IncidentCount,
    [property: Id(7)] DateTimeOffset ServerTime);

/// <summary>A room at a glance for operators, from the room's own state (no call to each sitting).</summary>
[GenerateSerializer, Immutable]
public sealed record RoomSummary(
    [property: Id(0)] string RoomKey,
    [property: Id(1)] string Name,
    [property: Id(2)] string ExamId,
    [property: Id(3)] DateTimeOffset StartsAt,
    [property: Id(4)] RoomStatus Status,
    [property: Id(5)] int Rostered,
    [property: Id(6)] int CheckedIn,
    [property: Id(7)] Dictionary<string, int> IncidentsByKind,
    [property: Id(8)] RoomIncident[] RecentIncidents);
