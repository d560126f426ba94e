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
/// as an incident and passes to the candidate's session. Awaited calls go one way only, room to session, so
/// the two never wait on each other; sittings send their seat lines and incidents back one way. The proctor's
/// view reads the seat projection in memory (<see cref="SeatProjection"/>): it calls no sitting and writes nothing.
/// </summary>
[KanregPlacement]
public sealed class ExamRoomGrain(
    [PersistentState("room")] IPersistentState<RoomState> state,
    ExamCatalog exams,
    IOptions<RoomOptions> options,
    TimeProvider clock) : Grain, IExamRoomGrain
{
    const int MaxWatchSeconds = 20;

    readonly SeatProjection _seats = new();
    Task? _seatsLoaded;
    TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

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
        Result<SessionView>[]? registrations = null;
        if (refusal is null)
        {
            registrations = await Task.WhenAll(newEntries.Select((entry, i) => SessionOf(entry.ParticipantNo).Register(
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
        foreach (var registration in registrations!) Apply(registration.Value!.Line);
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
        _seats.Remove(participantNo!);
        AddIncident(new RoomIncident(Now, participantNo!, RoomIncidentKinds.MovedOut, action.By, action.Reason));
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
        var kind = firstCheckIn ? RoomIncidentKinds.CheckIn : RoomIncidentKinds.PinReissued;
        if (request.Method == "face")
        {
            if (request.Capture is not { Length: > 0 }) return Faults.Of(ErrorCodes.CheckInInvalid, "A face check-in needs the live capture.");
            var matched = await GrainFactory.GetGrain<ICandidateGrain>(participantNo).MatchFace(request.Capture, FaceMatchPurpose.CheckIn);
            if (matched.Fault is { Code: ErrorCodes.CheckInFaceReplay } replay)
            {
                // Someone showed the camera the registration photo: the proctor sees it, and only a manual check-in (an override) follows.
                Room.FaceCheckFailed.Add(participantNo);
                AddIncident(new RoomIncident(Now, participantNo, RoomIncidentKinds.FaceReplay, proctor.By, replay.Message));
                await state.WriteStateAsync();
                return replay;
            }
            if (!matched.IsOk) return matched.Fault!;
            var match = matched.Value!;
            // Every check is recorded, passed or not, with who took it.
            AddIncident(new RoomIncident(Now, participantNo, RoomIncidentKinds.FaceCheck, proctor.By, Describe(match), match.Evidence, OutcomeOf(match), match.Similarity));
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
            kind = RoomIncidentKinds.FaceOverride;
        }

        var sessionKey = $"{Key}/{participantNo}";
        var pin = Secrets.NewPin();
        var record = new CheckInRecord(Now, request.Method, proctor.By, reason);
        var checkedIn = await SessionOf(participantNo).CheckIn(record, Secrets.HashPin(sessionKey, pin), Room.Status == RoomStatus.Open);
        if (!checkedIn.IsOk) return checkedIn.Fault!;
        Room.CheckedIn.Add(participantNo);
        Apply(checkedIn.Value!.Line);
        AddIncident(new RoomIncident(Now, participantNo, kind, proctor.By, reason));
        await state.WriteStateAsync();
        return new CheckInReceipt(sessionKey, participantNo, seat, pin);
    }

    async Task<Result<bool>> IExamRoomGrain.RefuseCheckIn(string participantNo, ProctorAction action)
    {
        if (Room.Setup is null) return RoomNotFound();
        if (!IsValidAction(action)) return ReasonRequired();
        if (!Room.SeatByParticipant.ContainsKey(participantNo ?? "")) return NotOnRoster(participantNo);
        if (Room.CheckedIn.Contains(participantNo!))
            return Faults.Of(ErrorCodes.SessionStateConflict, $"Candidate '{participantNo}' is already checked in: suspend or disqualify instead.");
        AddIncident(new RoomIncident(Now, participantNo!, RoomIncidentKinds.CheckInRefused, action.By, action.Reason));
        await state.WriteStateAsync();
        return true;
    }

    async Task<Result<bool>> IExamRoomGrain.ReportStandIn(string participantNo, ProctorAction action)
    {
        if (Room.Setup is null) return RoomNotFound();
        if (!IsValidAction(action)) return ReasonRequired();
        if (!Room.SeatByParticipant.ContainsKey(participantNo ?? "")) return NotOnRoster(participantNo);
        var sitting = SessionOf(participantNo!);
        if (Room.CheckedIn.Contains(participantNo!))
        {
            // A sitting already over stays as it is (its result stands until the national operator decides the case).
            var disqualified = await sitting.Disqualify(action);
            if (!disqualified.IsOk && disqualified.Fault!.Code != ErrorCodes.SessionFinished) return disqualified.Fault!;
            if (disqualified.IsOk) Apply(disqualified.Value!.Line);
        }
        var evidence = Room.Incidents.LastOrDefault(i => i.ParticipantNo == participantNo && i.Evidence is not null)?.Evidence;
        AddIncident(new RoomIncident(Now, participantNo!, RoomIncidentKinds.StandIn, action.By, action.Reason, evidence,
            Room.CheckedIn.Contains(participantNo!) ? RoomIncidentKinds.Disqualified : RoomIncidentKinds.CheckInRefused));
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IStandInRegistryGrain>(IStandInRegistryGrain.National).Report(new StandInCase(
            sitting.GetPrimaryKeyString(), participantNo!, Key, Now, action.By, action.Reason, evidence, StandInCaseStatuses.Reported));
        return true;
    }

    Task<Result<RoomView>> IExamRoomGrain.Open(ProctorAction action) =>
        MoveTo(RoomStatus.Open, from: RoomStatus.Scheduled, RoomIncidentKinds.RoomOpened, action, async p =>
        {
            await SessionOf(p).RoomOpened();
            return null;
        });

    Task<Result<RoomView>> IExamRoomGrain.Close(ProctorAction action) =>
        MoveTo(RoomStatus.Closed, from: RoomStatus.Open, RoomIncidentKinds.RoomClosed, action, async p => (await SessionOf(p).CloseByRoom(action)).Value?.Line);

    /// <summary>Moves the room on, records it, then tells every checked-in candidate's session (taking back their new lines).</summary>
    async Task<Result<RoomView>> MoveTo(RoomStatus to, RoomStatus from, string kind, ProctorAction action, Func<string, Task<SeatLine?>> tellSession)
    {
        if (Room.Setup is null) return RoomNotFound();
        if (!IsValidAction(action)) return ReasonRequired();
        if (Room.Status != from)
            return Faults.Of(ErrorCodes.SessionStateConflict, $"The room is {Room.Status}; it must be {from} to become {to}.");
        Room.Status = to;
        AddIncident(new RoomIncident(Now, "", kind, action.By, action.Reason));
        await state.WriteStateAsync();
        foreach (var line in await Task.WhenAll(Room.CheckedIn.Select(tellSession))) Apply(line);
        return await View();
    }

    Task<Result<SessionView>> IExamRoomGrain.Suspend(string participantNo, ProctorAction action) =>
        ProctorAct(participantNo, RoomIncidentKinds.Suspended, action, s => s.Suspend(action));

    Task<Result<SessionView>> IExamRoomGrain.Resume(string participantNo, ProctorAction action) =>
        ProctorAct(participantNo, RoomIncidentKinds.Resumed, action, s => s.Resume(action));

    Task<Result<SessionView>> IExamRoomGrain.ExtendTime(string participantNo, TimeSpan extra, ProctorAction action) =>
        ProctorAct(participantNo, RoomIncidentKinds.TimeExtended, action, s => s.ExtendTime(extra, action),
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{extra.TotalMinutes:0.#}m"));

    Task<Result<SessionView>> IExamRoomGrain.Disqualify(string participantNo, ProctorAction action) =>
        ProctorAct(participantNo, RoomIncidentKinds.Disqualified, action, s => s.Disqualify(action));

    Task<Result<SessionView>> IExamRoomGrain.ApproveRelogin(string participantNo, ProctorAction action) =>
        ProctorAct(participantNo, RoomIncidentKinds.LoginApproved, action, s => s.ApproveRelogin(action));

    Task<RoomSummary?> IExamRoomGrain.GetSummary() => Task.FromResult(Room.Setup is not { } setup ? null : new RoomSummary(
        Key, setup.Name, setup.ExamId, setup.StartsAt, Room.Status, Room.SeatByParticipant.Count, Room.CheckedIn.Count,
        Room.Incidents.GroupBy(i => i.Kind == RoomIncidentKinds.FaceCheck ? $"{i.Kind}:{i.Outcome}" : i.Kind)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
        [.. Room.Incidents.TakeLast(10)]));

    async Task<Result<RoomView>> IExamRoomGrain.GetView() => Room.Setup is null ? RoomNotFound() : await View();

    async Task<Result<RoomChanges>> IExamRoomGrain.WatchChanges(long since, int incidentsSeen, TimeSpan wait)
    {
        if (Room.Setup is null) return RoomNotFound();
        await SeatsLoaded();
        if (_seats.Version <= since && wait > TimeSpan.Zero)
        {
            var changed = _changed.Task;
            await Task.WhenAny(changed, Task.Delay(wait < TimeSpan.FromSeconds(MaxWatchSeconds) ? wait : TimeSpan.FromSeconds(MaxWatchSeconds)));
        }
        var changes = _seats.ChangesSince(since, Now);
        var seen = Math.Clamp(incidentsSeen, 0, Room.Incidents.Count);
        return new RoomChanges(changes.Version, Room.Status, _seats.Attendance(), changes.Seats, changes.Removed,
            [.. Room.Incidents.Skip(seen)], Room.Incidents.Count, Now);
    }

    Task IExamRoomGrain.UpdateSeat(SeatLine line)
    {
        if (Room.SeatByParticipant.ContainsKey(line.ParticipantNo)) Apply(line);
        return Task.CompletedTask;
    }

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
        AddIncident(incident);
        await state.WriteStateAsync();
    }

    async Task<Result<SessionView>> ProctorAct(string participantNo, string kind, ProctorAction action,
        Func<ICandidateSessionGrain, Task<Result<SessionView>>> act, string? outcome = null)
    {
        if (Room.Setup is null) return RoomNotFound();
        if (!IsValidAction(action)) return ReasonRequired();
        if (!Room.SeatByParticipant.ContainsKey(participantNo ?? "")) return NotOnRoster(participantNo);
        var result = await act(SessionOf(participantNo!));
        if (result.IsOk)
        {
            Apply(result.Value!.Line);
            AddIncident(new RoomIncident(Now, participantNo!, kind, action.By, action.Reason, Outcome: outcome));
            await state.WriteStateAsync();
        }
        return result;
    }

    /// <summary>An incident goes to the record (saved by the caller) and to its seat's line in the projection.</summary>
    void AddIncident(RoomIncident incident)
    {
        Room.Incidents.Add(incident);
        _seats.Record(incident);
        Changed();
    }

    void Apply(SeatLine? line)
    {
        if (line is not null && _seats.Apply(line)) Changed();
    }

    /// <summary>Wakes the consoles waiting in <see cref="IExamRoomGrain.WatchChanges"/>.</summary>
    void Changed()
    {
        var waiting = _changed;
        _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        waiting.TrySetResult();
    }

    /// <summary>
    /// The projection lives in memory: after an activation the first reader asks each sitting for its line once
    /// (lines sent meanwhile are kept if newer), and replays the incidents for each seat's latest.
    /// </summary>
    Task SeatsLoaded() => _seatsLoaded ??= LoadSeats();

    async Task LoadSeats()
    {
        var lines = await Task.WhenAll(Room.SeatByParticipant.Keys.Select(p => SessionOf(p).GetSeatLine()));
        foreach (var line in lines) Apply(line);
        foreach (var incident in Room.Incidents) _seats.Record(incident);
    }

    async Task<RoomView> View()
    {
        await SeatsLoaded();
        return new RoomView(Key, Room.Setup!, Room.Status, _seats.Attendance(), _seats.Seats(Now), [.. Room.Incidents], _seats.Version, Now);
    }

    static string OutcomeOf(FaceMatch match) => match.Outcome switch
    {
        FaceMatchOutcome.Verified => RoomIncidentOutcomes.Verified,
        FaceMatchOutcome.NotVerified => RoomIncidentOutcomes.NotVerified,
        _ => RoomIncidentOutcomes.Retake,
    };

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
