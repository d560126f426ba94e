using Casn.Domain.Imports;

namespace Casn.Domain.Rooms;

/// <summary>A room's stored state: its set-up, status, roster, who is checked in, and every incident.</summary>
[GenerateSerializer]
public sealed class RoomState
{
    [Id(0)] public RoomSetup? Setup { get; set; }
    [Id(1)] public RoomStatus Status { get; set; }
    [Id(2)] public Dictionary<string, string> SeatByParticipant { get; set; } = new(StringComparer.Ordinal);
    [Id(3)] public HashSet<string> CheckedIn { get; set; } = new(StringComparer.Ordinal);
    [Id(4)] public List<RoomIncident> Incidents { get; set; } = [];

    /// <summary>Candidates whose face check failed here: a manual check-in after that is an override.</summary>
    [Id(5)] public HashSet<string> FaceCheckFailed { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>The room's limits (<c>Casn:Rooms</c>).</summary>
public sealed record RoomRules(int MaxSeats, TimeSpan CheckInClosesBeforeStart);

/// <summary>What a check-in is, once the room allows it: the first (closes before the start) or a new PIN.</summary>
public sealed record CheckInPlan(string Seat, bool First, string Kind);

/// <summary>
/// The rules of a room, over its stored state: set-up, roster, the check-in window, the room's status and its
/// incidents. No I/O: the room grain asks the candidates and sittings, calls these rules, and saves.
/// </summary>
public sealed class ExamRoom(RoomState state, RoomKey key, RoomRules rules)
{
    public RoomState State => state;

    public RoomKey Key => key;

    public bool IsSetUp => state.Setup is not null;

    public bool IsOnRoster(string? participantNo) => state.SeatByParticipant.ContainsKey(participantNo ?? "");

    public bool IsCheckedIn(string participantNo) => state.CheckedIn.Contains(participantNo);

    /// <summary>
    /// Checks a set-up (all but the exam's existence, which the grain looks up). Null when it may be taken; a set-up
    /// the same as the one taken is fine (a re-sent request), another one is <c>room.already_set_up</c>.
    /// </summary>
    public Fault? CheckSetup(RoomSetup setup, DateTimeOffset now)
    {
        if (setup is null) return Faults.Of(ErrorCodes.RoomInvalid, "A room set-up is required.");
        if (setup.Seats < 1 || setup.Seats > rules.MaxSeats)
            return Faults.Of(ErrorCodes.RoomInvalid, $"Seats must be 1-{rules.MaxSeats}.");
        if (string.IsNullOrWhiteSpace(setup.Name) || setup.Name.Length > 100)
            return Faults.Of(ErrorCodes.RoomInvalid, "A room needs a name (at most 100 characters).");
        if (state.Setup is not null)
            return state.Setup == setup ? null : Faults.Of(ErrorCodes.RoomAlreadySetUp, "This room is already set up differently.");
        // The key's date is the day the room sits, where it sits: it must be the start's own date in the offset
        // given. A room far in the future would also hold the candidates' photos from the retention purge.
        if (DateOnly.FromDateTime(setup.StartsAt.DateTime) != key.Date)
            return Faults.Of(ErrorCodes.RoomInvalid, $"startsAt ({setup.StartsAt:yyyy-MM-dd'T'HH:mm:sszzz}) must fall on the room's date {key.Date:yyyy-MM-dd}, in its own offset.");
        if (key.Date > DateOnly.FromDateTime(now.UtcDateTime).AddYears(1))
            return Faults.Of(ErrorCodes.RoomInvalid, "A room can be dated at most a year ahead.");
        return null;
    }

    public void SetUp(RoomSetup setup) => state.Setup ??= setup;

    /// <summary>
    /// The entries a roster adds (participants already seated here are skipped: a re-sent import), or why it cannot be
    /// taken: the room is closed, the entries are malformed, a participant or seat appears twice, or the room is full.
    /// </summary>
    public Result<RosterEntry[]> NewRosterEntries(RosterEntry[]? entries)
    {
        if (state.Status == RoomStatus.Closed) return Faults.Of(ErrorCodes.RoomClosed, "The room is closed.");
        if (entries is null || entries.Length == 0) return Faults.Of(ErrorCodes.RequestInvalid, "The roster is empty.");
        if (entries.Any(e => e is null || !SessionKey.IsValidParticipantNo(e.ParticipantNo) || !Keys.IsValidToken(e.Seat, 16)))
            return Faults.Of(ErrorCodes.RequestInvalid, "Participant numbers and seats must be letters, digits or '-'.");
        var added = entries.Where(e => !state.SeatByParticipant.ContainsKey(e.ParticipantNo)).ToArray();
        var seatsTaken = state.SeatByParticipant.Values.ToHashSet(StringComparer.Ordinal);
        if (added.Select(e => e.ParticipantNo).Distinct().Count() != added.Length
            || added.Select(e => e.Seat).Distinct().Count() != added.Length
            || added.Any(e => seatsTaken.Contains(e.Seat)))
            return Faults.Of(ErrorCodes.RequestInvalid, "Each participant and each seat may appear once in a room.");
        if (state.SeatByParticipant.Count + added.Length > state.Setup!.Seats)
            return Faults.Of(ErrorCodes.RoomFull, $"The room has {state.Setup.Seats} seats.");
        return added;
    }

    /// <summary>
    /// A roster import, line by line: per entry, null when it is a new seat to claim, or what it is already (unchanged: the
    /// participant sits here at that seat) or why it is refused. Unlike <see cref="NewRosterEntries"/>, one bad line refuses
    /// only itself; seats are given in the order of the lines until the room is full.
    /// </summary>
    public ImportLineResult?[] SortImport(IReadOnlyList<RosterEntry> entries)
    {
        var sorted = new ImportLineResult?[entries.Count];
        if (state.Status == RoomStatus.Closed)
        {
            Array.Fill(sorted, ImportLineResult.Refused(ErrorCodes.RoomClosed, "The room is closed."));
            return sorted;
        }
        var holder = state.SeatByParticipant.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
        var free = state.Setup!.Seats - state.SeatByParticipant.Count;
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (entry is null || !SessionKey.IsValidParticipantNo(entry.ParticipantNo) || !Keys.IsValidToken(entry.Seat, 16))
                sorted[i] = ImportLineResult.Refused(ErrorCodes.RequestInvalid, "Participant numbers and seats must be letters, digits or '-' (seats 1-16).");
            else if (state.SeatByParticipant.TryGetValue(entry.ParticipantNo, out var seat))
                sorted[i] = seat == entry.Seat ? ImportLineResult.Unchanged
                    : ImportLineResult.Refused(ErrorCodes.RosterSeatConflict, $"{entry.ParticipantNo} already sits here at seat {seat}.");
            else if (holder.TryGetValue(entry.Seat, out var other))
                sorted[i] = ImportLineResult.Refused(ErrorCodes.RosterSeatConflict, $"Seat {entry.Seat} is {other}'s.");
            else if (free == 0)
                sorted[i] = ImportLineResult.Refused(ErrorCodes.RoomFull, $"The room has {state.Setup.Seats} seats.");
            else
            {
                // Held for this line while the rest are sorted: a later line cannot take the same seat.
                holder[entry.Seat] = entry.ParticipantNo;
                free--;
            }
        }
        return sorted;
    }

    public void Seat(IEnumerable<RosterEntry> entries)
    {
        foreach (var entry in entries) state.SeatByParticipant[entry.ParticipantNo] = entry.Seat;
    }

    /// <summary>Frees a seat (a national move before check-in).</summary>
    public void Unseat(string participantNo)
    {
        state.SeatByParticipant.Remove(participantNo);
        state.FaceCheckFailed.Remove(participantNo);
    }

    /// <summary>
    /// Whether the proctor may check this candidate in now: on the roster, the room not closed, a known method, and,
    /// for a first check-in, before the window closes (a new PIN for someone already in stays possible during the exam).
    /// </summary>
    public Result<CheckInPlan> PlanCheckIn(string participantNo, string? method, DateTimeOffset now)
    {
        if (!state.SeatByParticipant.TryGetValue(participantNo, out var seat)) return NotOnRoster(participantNo);
        if (state.Status == RoomStatus.Closed) return Faults.Of(ErrorCodes.RoomClosed, "The room is closed.");
        if (method is not ("manual" or "face")) return Faults.Of(ErrorCodes.CheckInInvalid, "Check-in method must be 'face' or 'manual'.");
        var first = !state.CheckedIn.Contains(participantNo);
        if (first && now > state.Setup!.StartsAt - rules.CheckInClosesBeforeStart)
            return Faults.Of(ErrorCodes.CheckInClosed, $"Check-in closed {rules.CheckInClosesBeforeStart.TotalMinutes:0} minutes before the start.");
        var kind = method == "manual" && state.FaceCheckFailed.Contains(participantNo) ? RoomIncidentKinds.FaceOverride
            : first ? RoomIncidentKinds.CheckIn
            : RoomIncidentKinds.PinReissued;
        return new CheckInPlan(seat, first, kind);
    }

    /// <summary>A face check that did not pass: a manual check-in after it is recorded as an override.</summary>
    public void FaceCheckFailed(string participantNo) => state.FaceCheckFailed.Add(participantNo);

    public void CheckedIn(string participantNo) => state.CheckedIn.Add(participantNo);

    /// <summary>Opens or closes the room: only from the status before it.</summary>
    public Fault? Move(RoomStatus from, RoomStatus to)
    {
        if (state.Status != from)
            return Faults.Of(ErrorCodes.SessionStateConflict, $"The room is {state.Status}; it must be {from} to become {to}.");
        state.Status = to;
        return null;
    }

    /// <summary>Turning someone away at the desk: only before they are checked in.</summary>
    public Fault? CanRefuse(string participantNo) =>
        !IsOnRoster(participantNo) ? NotOnRoster(participantNo)
        : state.CheckedIn.Contains(participantNo) ? Faults.Of(ErrorCodes.SessionStateConflict, $"Candidate '{participantNo}' is already checked in: suspend or disqualify instead.")
        : null;

    public void Record(RoomIncident incident) => state.Incidents.Add(incident);

    /// <summary>The latest incident about the candidate that kept evidence (a face capture).</summary>
    public string? LatestEvidence(string participantNo) =>
        state.Incidents.LastOrDefault(i => i.ParticipantNo == participantNo && i.Evidence is not null)?.Evidence;

    /// <summary>Incidents counted by kind, face checks by kind and outcome (<c>face_check:verified</c>).</summary>
    public Dictionary<string, int> IncidentsByKind() =>
        state.Incidents.GroupBy(i => i.Kind == RoomIncidentKinds.FaceCheck ? $"{i.Kind}:{i.Outcome}" : i.Kind)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    /// <summary>Proctor actions name who acts and why, within bounds.</summary>
    public static bool IsValidAction(ProctorAction? action) =>
        action is not null && !string.IsNullOrWhiteSpace(action.By) && !string.IsNullOrWhiteSpace(action.Reason)
        && action.By.Length <= 200 && action.Reason.Length <= 500;

    // "by" is the token's staff id and, for an operator-issued proctor token, the issuing operator's id.
    public static Fault ReasonRequired() =>
        Faults.Of(ErrorCodes.ReasonRequired, "Proctor actions need who acts and why (by, reason; at most 200 and 500 characters).");

    public static Fault NotOnRoster(string? participantNo) =>
        Faults.Of(ErrorCodes.NotOnRoster, $"Participant '{participantNo}' is not on this room's roster.");
}
