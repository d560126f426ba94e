namespace Casn.Grains;

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

/// <summary>
/// A room in one session slot: its roster, its start and end, and every proctor action, which it records
/// as an incident and passes to the candidate's session. Calls go one way only, room to session, so the
/// two never wait on each other.
/// </summary>
[KanregPlacement]
public sealed class ExamRoomGrain(
    [PersistentState("room")] IPersistentState<RoomState> state,
    ExamCatalog exams,
    IOptions<RoomOptions> options,
    TimeProvider clock) : Grain, IExamRoomGrain
{
    RoomState Room => state.State;

    string Key => this.GetPrimaryKeyString();

    DateTimeOffset Now => clock.GetUtcNow();

    ICandidateSessionGrain SessionOf(string participantNo) =>
        GrainFactory.GetGrain<ICandidateSessionGrain>($"{Key}/{participantNo}");

    async Task<Result<RoomView>> IExamRoomGrain.Setup(RoomSetup setup)
    {
        if (!RoomKey.Parse(Key).IsOk) return Faults.Of(ErrorCodes.KeyInvalid, "Room key is not {kanreg}/{site}/{date}/{slot}/{room}.");
        if (setup.Seats < 1 || setup.Seats > options.Value.MaxSeats)
            return Faults.Of(ErrorCodes.RoomInvalid, $"Seats must be 1-{options.Value.MaxSeats}.");
        if (string.IsNullOrWhiteSpace(setup.Name) || setup.Name.Length > 100)
            return Faults.Of(ErrorCodes.RoomInvalid, "A room needs a name (at most 100 characters).");
        if (Room.Setup is not null)
            return Room.Setup == setup ? await View() : Faults.Of(ErrorCodes.RoomAlreadySetUp, "This room is already set up differently.");
        // The key's date is the day the room sits, where it sits: it must be the start's own date in the offset
        // given. A room far in the future would also hold the candidates' photos from the retention purge.
        var keyDate = RoomKey.Parse(Key).Value!.Date;
        if (DateOnly.FromDateTime(setup.StartsAt.DateTime) != keyDate)
            return Faults.Of(ErrorCodes.RoomInvalid, $"startsAt ({setup.StartsAt:yyyy-MM-dd'T'HH:mm:sszzz}) must fall on the room's date {keyDate:yyyy-MM-dd}, in its own offset.");
        if (keyDate > DateOnly.FromDateTime(Now.UtcDateTime).AddYears(1))
            return Faults.Of(ErrorCodes.RoomInvalid, "A room can be dated at most a year ahead.");
        if (await exams.Find(setup.ExamId ?? "") is null) return Faults.Of(ErrorCodes.ExamNotFound, $"Exam '{setup.ExamId}' is not defined.");
        Room.Setup = setup;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IKanregGrain>(RoomKey.Parse(Key).Value!.Region).AddRoom(Key);
        return await View();
    }

    async Task<Result<RoomView>> IExamRoomGrain.AddToRoster(RosterEntry[] entries)
    {
        if (Room.Setup is not { } setup) return RoomNotFound();
        if (Room.Status == RoomStatus.Closed) return Faults.Of(ErrorCodes.RoomClosed, "The room is closed.");
        if (entries is null || entries.Length == 0) return Faults.Of(ErrorCodes.RequestInvalid, "The roster is empty.");
        if (entries.Any(e => e is null || !SessionKey.IsValidParticipantNo(e.ParticipantNo) || !Keys.IsValidToken(e.Seat, 16)))
            return Faults.Of(ErrorCodes.RequestInvalid, "Participant numbers and seats must be letters, digits or '-'.");

        var newEntries = entries.Where(e => !Room.SeatByParticipant.ContainsKey(e.ParticipantNo)).ToList();
        var seatsTaken = Room.SeatByParticipant.Values.ToHashSet(StringComparer.Ordinal);
        if (newEntries.Select(e => e.ParticipantNo).Distinct().Count() != newEntries.Count
            || newEntries.Select(e => e.Seat).Distinct().Count() != newEntries.Count
            || newEntries.Any(e => seatsTaken.Contains(e.Seat)))
            return Faults.Of(ErrorCodes.RequestInvalid, "Each participant and each seat may appear once in a room.");
        if (Room.SeatByParticipant.Count + newEntries.Count > setup.Seats)
            return Faults.Of(ErrorCodes.RoomFull, $"The room has {setup.Seats} seats.");

        var exam = (await exams.Find(setup.ExamId))!;
        // Each candidate's own grain decides whether they may sit here (their Kanreg and site, one seat per
        // exam), so two rooms rostering the same person at once cannot both win. Seats claimed by a roster
        // that is then refused are given back: all of it is taken, or none.
        var seats = await Task.WhenAll(newEntries.Select(e => GrainFactory.GetGrain<ICandidateGrain>(e.ParticipantNo).SeatFor(Key, exam.Id)));
        var refusal = RosterRefusal(newEntries, seats, exam);
        if (refusal is null)
        {
            var registrations = await Task.WhenAll(newEntries.Select((entry, i) => SessionOf(entry.ParticipantNo).Register(
                new SessionSetup(exam.Id, entry.ParticipantNo, seats[i].Value!.Name, seats[i].Value!.Category, seats[i].Value!.Accessible, entry.Seat))));
            refusal = registrations.FirstOrDefault(r => !r.IsOk)?.Fault;
        }
        if (refusal is not null)
        {
            await Task.WhenAll(newEntries.Where((e, i) => seats[i].IsOk).Select(e => GrainFactory.GetGrain<ICandidateGrain>(e.ParticipantNo).ReleaseSeat(Key, exam.Id)));
            return refusal;
        }

        foreach (var entry in newEntries) Room.SeatByParticipant[entry.ParticipantNo] = entry.Seat;
        await state.WriteStateAsync();
        return await View();
    }

    /// <summary>The first reason a roster cannot be taken, naming up to 20 of the participants it concerns; null when it can.</summary>
    static Fault? RosterRefusal(List<RosterEntry> entries, Result<CandidateProfile>[] seats, ExamDefinition exam)
    {
        var refused = entries.Select((e, i) => (e.ParticipantNo, seats[i].Fault)).Where(x => x.Fault is not null).ToList();
        if (refused.Count > 0)
        {
            var code = refused[0].Fault!.Code;
            var named = refused.Where(x => x.Fault!.Code == code).Select(x => x.ParticipantNo).Take(20);
            return Faults.Of(code, code switch
            {
                ErrorCodes.CandidateNotFound => $"Not registered: {string.Join(", ", named)}.",
                ErrorCodes.CandidateOtherKanreg => $"Registered to sit with another Kanreg: {string.Join(", ", named)}.",
                ErrorCodes.CandidateOtherSite => $"Registered to sit at another site: {string.Join(", ", named)}.",
                ErrorCodes.CandidateAlreadySeated => $"Already seated for exam {exam.Id} in another room: {string.Join(", ", named)}.",
                _ => refused[0].Fault!.Message,
            });
        }
        var badCategory = entries.Where((e, i) => exam.Blueprint.HasPassingRules && exam.Blueprint.FindCategory(seats[i].Value!.Category) is null).ToList();
        return badCategory.Count > 0
            ? Faults.Of(ErrorCodes.CategoryUnknown, $"Category not in exam {exam.Id}: {string.Join(", ", badCategory.Select(e => e.ParticipantNo).Take(20))}.")
            : null;
    }

    async Task<Result<bool>> IExamRoomGrain.Unseat(string participantNo, ProctorAction action)
    {
        if (Room.Setup is null) return RoomNotFound();
        if (!IsValidAction(action)) return ReasonRequired();
        if (!Room.SeatByParticipant.ContainsKey(participantNo ?? "")) return true;
        if (Room.CheckedIn.Contains(participantNo!))
        {
            return await SessionOf(participantNo!).GetView() is { Status: SessionStatus.Finished }
                ? false
                : Faults.Of(ErrorCodes.CandidateAlreadySeated, $"Candidate '{participantNo}' is checked in to room {Key}: that sitting must end before a move.");
        }
        var withdrawn = await SessionOf(participantNo!).Withdraw();
        if (!withdrawn.IsOk) return withdrawn.Fault!;
        Room.SeatByParticipant.Remove(participantNo!);
        Room.FaceCheckFailed.Remove(participantNo!);
        Room.Incidents.Add(new RoomIncident(Now, participantNo!, RoomIncidentKinds.MovedOut, action.By, action.Reason));
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<ILiveBoardGrain>(Key).Remove(participantNo!);
        return true;
    }

    async Task<Result<CheckInReceipt>> IExamRoomGrain.CheckIn(CheckInRequest request)
    {
        if (Room.Setup is not { } setup) return RoomNotFound();
        if (request?.Proctor is not { } proctor || !IsValidAction(proctor)) return ReasonRequired();
        var participantNo = request.ParticipantNo ?? "";
        if (!Room.SeatByParticipant.TryGetValue(participantNo, out var seat)) return NotOnRoster(participantNo);
        if (Room.Status == RoomStatus.Closed) return Faults.Of(ErrorCodes.RoomClosed, "The room is closed.");
        if (request.Method is not ("manual" or "face")) return Faults.Of(ErrorCodes.CheckInInvalid, "Check-in method must be 'face' or 'manual'.");
        var firstCheckIn = !Room.CheckedIn.Contains(participantNo);
        // A first check-in closes before the start; issuing a new PIN to someone already checked in
        // (a replaced workstation, a locked PIN) stays possible during the exam.
        if (firstCheckIn && Now > setup.StartsAt - options.Value.CheckInClosesBeforeStart)
            return Faults.Of(ErrorCodes.CheckInClosed, $"Check-in closed {options.Value.CheckInClosesBeforeStart.TotalMinutes:0} minutes before the start.");

        var reason = proctor.Reason;
        var kind = firstCheckIn ? "check_in" : "pin_reissued";
        if (request.Method == "face")
        {
            if (request.Capture is not { Length: > 0 }) return Faults.Of(ErrorCodes.CheckInInvalid, "A face check-in needs the live capture.");
            var matched = await GrainFactory.GetGrain<ICandidateGrain>(participantNo).MatchFace(request.Capture, FaceMatchPurpose.CheckIn);
            if (matched.Fault is { Code: ErrorCodes.CheckInFaceReplay } replay)
            {
                // Someone showed the camera the registration photo: the proctor sees it, and only a manual check-in (an override) follows.
                Room.FaceCheckFailed.Add(participantNo);
                Room.Incidents.Add(new RoomIncident(Now, participantNo, RoomIncidentKinds.FaceReplay, proctor.By, replay.Message));
                await state.WriteStateAsync();
                return replay;
            }
            if (!matched.IsOk) return matched.Fault!;
            var match = matched.Value!;
            // Every check is recorded, passed or not, with who took it.
            Room.Incidents.Add(new RoomIncident(Now, participantNo, "face_check", proctor.By, Describe(match), match.Evidence));
            if (match.Outcome != FaceMatchOutcome.Verified)
            {
                Room.FaceCheckFailed.Add(participantNo);
                await state.WriteStateAsync();
                return match.Outcome == FaceMatchOutcome.Retake
                    ? Faults.Of(ErrorCodes.CheckInFaceRetake, $"No usable face ({match.Problem}): take the photo again.")
                    : Faults.Of(ErrorCodes.CheckInFaceMismatch,
                        $"The face does not match the registration photo (similarity {match.Similarity:0.000}). Retake, or a proctor checks identity by hand.");
            }
            reason = $"face verified: {Describe(match)}";
        }
        else if (Room.FaceCheckFailed.Contains(participantNo))
        {
            kind = "face_override";
        }

        var sessionKey = $"{Key}/{participantNo}";
        var pin = Secrets.NewPin();
        var record = new CheckInRecord(Now, request.Method, proctor.By, reason);
        var checkedIn = await SessionOf(participantNo).CheckIn(record, Secrets.HashPin(sessionKey, pin), Room.Status == RoomStatus.Open);
        if (!checkedIn.IsOk) return checkedIn.Fault!;
        Room.CheckedIn.Add(participantNo);
        Room.Incidents.Add(new RoomIncident(Now, participantNo, kind, proctor.By, reason));
        await state.WriteStateAsync();
        return new CheckInReceipt(sessionKey, participantNo, seat, pin);
    }

    Task<Result<RoomView>> IExamRoomGrain.Open(ProctorAction action) =>
        MoveTo(RoomStatus.Open, from: RoomStatus.Scheduled, "room_opened", action, p => SessionOf(p).RoomOpened());

    Task<Result<RoomView>> IExamRoomGrain.Close(ProctorAction action) =>
        MoveTo(RoomStatus.Closed, from: RoomStatus.Open, "room_closed", action, p => SessionOf(p).CloseByRoom(action));

    /// <summary>Moves the room on, records it, then tells every checked-in candidate's session.</summary>
    async Task<Result<RoomView>> MoveTo(RoomStatus to, RoomStatus from, string kind, ProctorAction action, Func<string, Task> tellSession)
    {
        if (Room.Setup is null) return RoomNotFound();
        if (!IsValidAction(action)) return ReasonRequired();
        if (Room.Status != from)
            return Faults.Of(ErrorCodes.SessionStateConflict, $"The room is {Room.Status}; it must be {from} to become {to}.");
        Room.Status = to;
        Room.Incidents.Add(new RoomIncident(Now, "", kind, action.By, action.Reason));
        await state.WriteStateAsync();
        await Task.WhenAll(Room.CheckedIn.Select(tellSession));
        return await View();
    }

    Task<Result<SessionView>> IExamRoomGrain.Suspend(string participantNo, ProctorAction action) =>
        ProctorAct(participantNo, "suspended", action, s => s.Suspend(action));

    Task<Result<SessionView>> IExamRoomGrain.Resume(string participantNo, ProctorAction action) =>
        ProctorAct(participantNo, "resumed", action, s => s.Resume(action));

    Task<Result<SessionView>> IExamRoomGrain.ExtendTime(string participantNo, TimeSpan extra, ProctorAction action) =>
        ProctorAct(participantNo, $"time_extended:{extra.TotalMinutes:0.#}m", action, s => s.ExtendTime(extra, action));

    Task<Result<SessionView>> IExamRoomGrain.Disqualify(string participantNo, ProctorAction action) =>
        ProctorAct(participantNo, "disqualified", action, s => s.Disqualify(action));

    Task<Result<SessionView>> IExamRoomGrain.ApproveRelogin(string participantNo, ProctorAction action) =>
        ProctorAct(participantNo, RoomIncidentKinds.LoginApproved, action, s => s.ApproveRelogin(action));

    Task<RoomSummary?> IExamRoomGrain.GetSummary() => Task.FromResult(Room.Setup is not { } setup ? null : new RoomSummary(
        Key, setup.Name, setup.ExamId, setup.StartsAt, Room.Status, Room.SeatByParticipant.Count, Room.CheckedIn.Count,
        Room.Incidents.GroupBy(i => i.Kind == "face_check" ? $"face_check:{Outcome(i.Reason)}" : i.Kind)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
        [.. Room.Incidents.TakeLast(10)]));

    /// <summary>A face check incident's reason starts with its outcome ("Verified, similarity 0.93").</summary>
    static string Outcome(string reason) => reason.Split([',', ':', ' '], 2)[0];

    async Task<Result<RoomView>> IExamRoomGrain.GetView() => Room.Setup is null ? RoomNotFound() : await View();

    async Task<Result<BoardRows>> IExamRoomGrain.GetBoardRows()
    {
        if (Room.Setup is not { } setup) return RoomNotFound();
        var exam = (await exams.Find(setup.ExamId))!;
        var rows = await Task.WhenAll(Room.SeatByParticipant.Keys.Select(p => SessionOf(p).GetBoardRow()));
        return new BoardRows(exam.Blueprint.Title, exam.Blueprint.SectionCodes, [.. rows.OfType<BoardRow>()]);
    }

    async Task IExamRoomGrain.ReportIncident(RoomIncident incident)
    {
        if (!Room.SeatByParticipant.ContainsKey(incident.ParticipantNo)) return;
        Room.Incidents.Add(incident);
        await state.WriteStateAsync();
    }

    async Task<Result<SessionView>> ProctorAct(string participantNo, string kind, ProctorAction action,
        Func<ICandidateSessionGrain, Task<Result<SessionView>>> act)
    {
        if (Room.Setup is null) return RoomNotFound();
        if (!IsValidAction(action)) return ReasonRequired();
        if (!Room.SeatByParticipant.ContainsKey(participantNo ?? "")) return NotOnRoster(participantNo);
        var result = await act(SessionOf(participantNo!));
        if (result.IsOk)
        {
            Room.Incidents.Add(new RoomIncident(Now, participantNo!, kind, action.By, action.Reason));
            await state.WriteStateAsync();
        }
        return result;
    }

    async Task<RoomView> View()
    {
        var sessions = await Task.WhenAll(Room.SeatByParticipant.Keys.Order(StringComparer.Ordinal).Select(p => SessionOf(p).GetView()));
        var views = sessions.OfType<SessionView>().ToArray();
        var attendance = new Attendance(
            views.Length,
            views.Count(v => v.Status == SessionStatus.CheckedIn),
            views.Count(v => v.Status == SessionStatus.InProgress),
            views.Count(v => v.Status == SessionStatus.Suspended),
            views.Count(v => v.Status == SessionStatus.Finished),
            views.Count(v => v.Status == SessionStatus.Registered));
        return new RoomView(Key, Room.Setup!, Room.Status, attendance, views, [.. Room.Incidents]);
    }

    static string Describe(FaceMatch match) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{match.Outcome}, similarity {match.Similarity?.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture) ?? "n/a"}, liveness {match.Liveness?.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) ?? "n/a"}, faces {match.FaceCount}{(match.Problem is null ? "" : $", {match.Problem}")}");

    static bool IsValidAction(ProctorAction? action) =>
        action is not null && !string.IsNullOrWhiteSpace(action.By) && !string.IsNullOrWhiteSpace(action.Reason)
        && action.By.Length <= 200 && action.Reason.Length <= 500;

    // "by" is the token's staff id and, for an operator-issued proctor token, the issuing operator's id.
    static Fault ReasonRequired() =>
        Faults.Of(ErrorCodes.ReasonRequired, "Proctor actions need who acts and why (by, reason; at most 200 and 500 characters).");

    static Fault RoomNotFound() => Faults.Of(ErrorCodes.RoomNotFound, "This room has not been set up.");

    static Fault NotOnRoster(string? participantNo) =>
        Faults.Of(ErrorCodes.NotOnRoster, $"Participant '{participantNo}' is not on this room's roster.");
}
