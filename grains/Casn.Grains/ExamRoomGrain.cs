namespace Casn.Grains;

/// <summary>
/// A room in one session slot: its roster, its start and end, and every proctor action, which it records
/// as an incident and passes to the candidate's session. Awaited calls go one way only, room to session, so
/// the two never wait on each other; sittings send their seat lines and incidents back one way. The proctor's
/// view reads the seat projection in memory (<see cref="SeatProjection"/>): it calls no sitting and writes nothing.
/// The rules are <see cref="ExamRoom"/>'s: this grain asks candidates and sittings, calls them, and saves.
/// </summary>
[KanregPlacement]
public sealed class ExamRoomGrain(
    [PersistentState("room")] IPersistentState<RoomState> state,
    ExamCatalog exams,
    PositionCatalog positions,
    IOptions<RoomOptions> options,
    TimeProvider clock) : Grain, IExamRoomGrain, IGrainMigrationParticipant
{
    const int MaxWatchSeconds = 20;

    readonly SeatProjection _seats = new();
    Task? _seatsLoaded;
    TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    RoomState Room => state.State;

    ExamRoom? _room;

    /// <summary>The room's rules over its state; null when the key is not a room key (nothing can be set up there).</summary>
    ExamRoom? Rules => _room ??= RoomKey.Parse(Key) is { IsOk: true } key
        ? new ExamRoom(state.State, key.Value!, new RoomRules(options.Value.MaxSeats, options.Value.CheckInClosesBeforeStart))
        : null;

    string Key => this.GetPrimaryKeyString();

    DateTimeOffset Now => clock.GetUtcNow();

    ICandidateSessionGrain SessionOf(string participantNo) =>
        GrainFactory.GetGrain<ICandidateSessionGrain>($"{Key}/{participantNo}");

    /// <summary>
    /// A silo leaving on purpose hands the room over, its seat projection with it (its stored state moves by itself), so
    /// the proctor's console carries on from the same version instead of the room asking every sitting again.
    /// </summary>
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (Room.Setup is not null) this.MigrateIfSiloLeaves(reason);
        return Task.CompletedTask;
    }

    const string HandedOverSeats = "casn.room.seats";

    void IGrainMigrationParticipant.OnDehydrate(IDehydrationContext context)
    {
        if (_seatsLoaded is not { IsCompletedSuccessfully: true }) return;
        context.TryAddValue(HandedOverSeats, _seats.Save());
        CasnMetrics.CountHandOver("room");
    }

    void IGrainMigrationParticipant.OnRehydrate(IRehydrationContext context)
    {
        if (!context.TryGetValue(HandedOverSeats, out SeatProjectionState? seats) || seats is null) return;
        _seats.Restore(seats);
        _seatsLoaded = Task.CompletedTask;
    }

    async Task<Result<RoomView>> IExamRoomGrain.Setup(RoomSetup setup)
    {
        if (Rules is not { } room) return Faults.Of(ErrorCodes.KeyInvalid, "Room key is not {kanreg}/{site}/{date}/{slot}/{room}.");
        if (room.CheckSetup(setup, Now) is { } refused) return refused;
        if (room.IsSetUp) return await View();
        if (await exams.Find(setup.ExamId ?? "") is null) return Faults.Of(ErrorCodes.ExamNotFound, $"Exam '{setup.ExamId}' is not defined.");
        room.SetUp(setup);
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IKanregGrain>(room.Key.Region).AddRoom(Key);
        return await View();
    }

    async Task<Result<RoomView>> IExamRoomGrain.AddToRoster(RosterEntry[] entries)
    {
        if (Rules is not { IsSetUp: true } room) return RoomNotFound();
        var adding = room.NewRosterEntries(entries);
        if (!adding.IsOk) return adding.Fault!;
        var newEntries = adding.Value!;

        var exam = (await exams.Find(Room.Setup!.ExamId))!;
        // All of it is taken, or none: seats claimed by a roster that is then refused are given back.
        var (seats, faults) = await ClaimSeats(newEntries, exam);
        var refusal = RosterRefusal(newEntries, seats, faults, exam);
        List<SeatLine?>? lines = null;
        if (refusal is null)
        {
            lines = await RegisterSittings(newEntries, seats, faults, exam);
            refusal = faults.FirstOrDefault(f => f is not null);
        }
        if (refusal is not null)
        {
            await ReleaseSeats(newEntries.Where((e, i) => seats[i].IsOk), exam);
            return refusal;
        }
        room.Seat(newEntries);
        await state.WriteStateAsync();
        lines!.ForEach(Apply);
        return await View();
    }

    async Task<Result<ImportLineResult[]>> IExamRoomGrain.ImportRoster(RosterEntry[] entries)
    {
        if (Rules is not { IsSetUp: true } room) return RoomNotFound();
        if (entries is null || entries.Length == 0) return Faults.Of(ErrorCodes.RequestInvalid, "The roster is empty.");
        var exam = (await exams.Find(Room.Setup!.ExamId))!;
        var results = new ImportLineResult?[entries.Length];
        var open = Enumerable.Range(0, entries.Length).ToList();
        while (open.Count > 0)
        {
            var sorted = room.SortImport([.. open.Select(i => entries[i])]);
            for (var k = 0; k < open.Count; k++) results[open[k]] = sorted[k];
            var claims = open.Where((_, k) => sorted[k] is null).ToArray();
            if (claims.Length == 0) break;

            var claimed = claims.Select(i => entries[i]).ToArray();
            var (seats, faults) = await ClaimSeats(claimed, exam);
            var lines = await RegisterSittings(claimed, seats, faults, exam);
            await ReleaseSeats(claimed.Where((e, c) => seats[c].IsOk && faults[c] is not null), exam);
            if (faults.Any(f => f is null))
            {
                room.Seat(claimed.Where((e, c) => faults[c] is null));
                await state.WriteStateAsync();
                lines.ForEach(Apply);
            }
            for (var c = 0; c < claims.Length; c++) results[claims[c]] = faults[c] is { } fault ? fault : ImportLineResult.Created;
            if (faults.All(f => f is null)) break;
            // A refused claim leaves its seat and its place free: the lines that were refused for them are sorted again.
            open = [.. open.Where((_, k) => sorted[k]?.Fault?.Code is ErrorCodes.RosterSeatConflict or ErrorCodes.RoomFull)];
        }
        return results!;
    }

    /// <summary>
    /// Each candidate's own grain decides whether they may sit here (their Kanreg and site, one seat per exam), so two rooms
    /// rostering the same person at once cannot both win; then the category and position must be the exam's. Per entry: the
    /// seat claim, and why the entry cannot be taken (null when it can).
    /// </summary>
    async Task<(Result<CandidateProfile>[] Seats, Fault?[] Faults)> ClaimSeats(RosterEntry[] entries, ExamDefinition exam)
    {
        var seats = await Task.WhenAll(entries.Select(e => GrainFactory.GetGrain<ICandidateGrain>(e.ParticipantNo).SeatFor(Rules!.Key, exam.Id)));
        var faults = new Fault?[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            if (seats[i].Fault is { } refused) faults[i] = refused;
            else if (exam.Blueprint.HasPassingRules && exam.Blueprint.FindCategory(seats[i].Value!.Category) is null)
                faults[i] = Faults.Of(ErrorCodes.CategoryUnknown, $"Category '{seats[i].Value!.Category}' is not in exam {exam.Id}.");
            else if (!await positions.IsDefined(seats[i].Value!.PositionId, exam.Id))
                faults[i] = Faults.Of(ErrorCodes.PositionUnknown, $"Position '{seats[i].Value!.PositionId}' is not defined for exam {exam.Id}.");
        }
        return (seats, faults);
    }

    /// <summary>
    /// Registers the sitting of every entry that may be taken; a registration that fails sets that entry's fault. Gives the
    /// registered sittings' lines, to apply once they are seated.
    /// </summary>
    async Task<List<SeatLine?>> RegisterSittings(RosterEntry[] entries, Result<CandidateProfile>[] seats, Fault?[] faults, ExamDefinition exam)
    {
        var taken = Enumerable.Range(0, entries.Length).Where(i => faults[i] is null).ToArray();
        var registrations = await Task.WhenAll(taken.Select(i => SessionOf(entries[i].ParticipantNo).Register(
            new SessionSetup(exam.Id, entries[i].ParticipantNo, seats[i].Value!.Name, seats[i].Value!.Category, seats[i].Value!.Accessible,
                entries[i].Seat, seats[i].Value!.PositionId))));
        var lines = new List<SeatLine?>(taken.Length);
        for (var t = 0; t < taken.Length; t++)
        {
            if (registrations[t].Fault is { } fault) faults[taken[t]] = fault;
            else lines.Add(registrations[t].Value!.Line);
        }
        return lines;
    }

    Task ReleaseSeats(IEnumerable<RosterEntry> entries, ExamDefinition exam) =>
        Task.WhenAll(entries.Select(e => GrainFactory.GetGrain<ICandidateGrain>(e.ParticipantNo).ReleaseSeat(Rules!.Key, exam.Id)));

    /// <summary>The first reason a roster cannot be taken, naming up to 20 of the participants with that reason; null when it can.</summary>
    static Fault? RosterRefusal(RosterEntry[] entries, Result<CandidateProfile>[] seats, Fault?[] faults, ExamDefinition exam)
    {
        var refused = entries.Select((e, i) => (e.ParticipantNo, Fault: faults[i])).Where(x => x.Fault is not null).ToList();
        if (refused.Count == 0) return null;
        var code = refused[0].Fault!.Code;
        var named = string.Join(", ", refused.Where(x => x.Fault!.Code == code).Select(x => x.ParticipantNo).Take(20));
        return Faults.Of(code, code switch
        {
            ErrorCodes.CandidateNotFound => $"Not registered: {named}.",
            ErrorCodes.CandidateOtherKanreg => $"Registered to sit with another Kanreg: {named}.",
            ErrorCodes.CandidateOtherSite => $"Registered to sit at another site: {named}.",
            ErrorCodes.CandidateAlreadySeated => $"Already seated for exam {exam.Id} in another room: {named}.",
            ErrorCodes.CategoryUnknown => $"Category not in exam {exam.Id}: {named}.",
            ErrorCodes.PositionUnknown => $"Position not defined for exam {exam.Id}: {named}.",
            _ => refused[0].Fault!.Message,
        });
    }

    async Task<Result<bool>> IExamRoomGrain.Unseat(string participantNo, ProctorAction action)
    {
        if (Rules is not { IsSetUp: true } room) return RoomNotFound();
        if (!ExamRoom.IsValidAction(action)) return ExamRoom.ReasonRequired();
        if (!room.IsOnRoster(participantNo)) return true;
        if (room.IsCheckedIn(participantNo))
        {
            return await SessionOf(participantNo!).GetView() is { Status: SessionStatus.Finished }
                ? false
                : Faults.Of(ErrorCodes.CandidateAlreadySeated, $"Candidate '{participantNo}' is checked in to room {Key}: that sitting must end before a move.");
        }
        var withdrawn = await SessionOf(participantNo!).Withdraw();
        if (!withdrawn.IsOk) return withdrawn.Fault!;
        room.Unseat(participantNo);
        _seats.Remove(participantNo);
        AddIncident(new RoomIncident(Now, participantNo!, RoomIncidentKinds.MovedOut, action.By, action.Reason));
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<ILiveBoardGrain>(Key).Remove(participantNo!);
        return true;
    }

    async Task<Result<CheckInReceipt>> IExamRoomGrain.CheckIn(CheckInRequest request)
    {
        if (Rules is not { IsSetUp: true } room) return RoomNotFound();
        if (request?.Proctor is not { } proctor || !ExamRoom.IsValidAction(proctor)) return ExamRoom.ReasonRequired();
        var participantNo = request.ParticipantNo ?? "";
        var planned = room.PlanCheckIn(participantNo, request.Method, Now);
        if (!planned.IsOk) return planned.Fault!;
        var plan = planned.Value!;

        var reason = proctor.Reason;
        if (request.Method == "face")
        {
            if (request.Capture is not { Length: > 0 }) return Faults.Of(ErrorCodes.CheckInInvalid, "A face check-in needs the live capture.");
            var matched = await GrainFactory.GetGrain<ICandidateGrain>(participantNo).MatchFace(request.Capture, FaceMatchPurpose.CheckIn);
            if (matched.Fault is { Code: ErrorCodes.CheckInFaceReplay } replay)
            {
                // Someone showed the camera the registration photo: the proctor sees it, and only a manual check-in (an override) follows.
                room.FaceCheckFailed(participantNo);
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
                room.FaceCheckFailed(participantNo);
                await state.WriteStateAsync();
                return match.Outcome == FaceMatchOutcome.Retake
                    ? Faults.Of(ErrorCodes.CheckInFaceRetake, $"No usable face ({match.Problem}): take the photo again.")
                    : Faults.Of(ErrorCodes.CheckInFaceMismatch,
                        $"The face does not match the registration photo (similarity {match.Similarity:0.000}). Retake, or a proctor checks identity by hand.");
            }
            reason = $"face verified: {Describe(match)}";
        }

        var sessionKey = $"{Key}/{participantNo}";
        var pin = Secrets.NewPin();
        var record = new CheckInRecord(Now, request.Method, proctor.By, reason);
        var checkedIn = await SessionOf(participantNo).CheckIn(record, Secrets.HashPin(sessionKey, pin), Room.Status == RoomStatus.Open);
        if (!checkedIn.IsOk) return checkedIn.Fault!;
        room.CheckedIn(participantNo);
        Apply(checkedIn.Value!.Line);
        AddIncident(new RoomIncident(Now, participantNo, plan.Kind, proctor.By, reason));
        await state.WriteStateAsync();
        return new CheckInReceipt(sessionKey, participantNo, plan.Seat, pin);
    }

    async Task<Result<bool>> IExamRoomGrain.RefuseCheckIn(string participantNo, ProctorAction action)
    {
        if (Rules is not { IsSetUp: true } room) return RoomNotFound();
        if (!ExamRoom.IsValidAction(action)) return ExamRoom.ReasonRequired();
        if (room.CanRefuse(participantNo) is { } refused) return refused;
        AddIncident(new RoomIncident(Now, participantNo, RoomIncidentKinds.CheckInRefused, action.By, action.Reason));
        await state.WriteStateAsync();
        return true;
    }

    async Task<Result<bool>> IExamRoomGrain.ReportStandIn(string participantNo, ProctorAction action)
    {
        if (Rules is not { IsSetUp: true } room) return RoomNotFound();
        if (!ExamRoom.IsValidAction(action)) return ExamRoom.ReasonRequired();
        if (!room.IsOnRoster(participantNo)) return ExamRoom.NotOnRoster(participantNo);
        var sitting = SessionOf(participantNo);
        var checkedIn = room.IsCheckedIn(participantNo);
        if (checkedIn)
        {
            // A sitting already over stays as it is (its result stands until the national operator decides the case).
            var disqualified = await sitting.Disqualify(action);
            if (!disqualified.IsOk && disqualified.Fault!.Code != ErrorCodes.SessionFinished) return disqualified.Fault!;
            if (disqualified.IsOk) Apply(disqualified.Value!.Line);
        }
        var evidence = room.LatestEvidence(participantNo);
        AddIncident(new RoomIncident(Now, participantNo, RoomIncidentKinds.StandIn, action.By, action.Reason, evidence,
            checkedIn ? RoomIncidentKinds.Disqualified : RoomIncidentKinds.CheckInRefused));
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IStandInRegistryGrain>(IStandInRegistryGrain.National).Report(new StandInCase(
            sitting.GetPrimaryKeyString(), participantNo, Key, Now, action.By, action.Reason, evidence, StandInCaseStatuses.Reported));
        return true;
    }

    Task<Result<RoomView>> IExamRoomGrain.Open(ProctorAction action) =>
        MoveTo(RoomStatus.Open, from: RoomStatus.Scheduled, RoomIncidentKinds.RoomOpened, action, async p =>
        {
            await SessionOf(p).RoomOpened();
            return null;
        });

    /// <summary>
    /// Closes the room and every sitting on its roster: those going end as they stand, and those never checked in are
    /// absent (their sittings finish too, so their positions hear of it). Closing a closed room tells them all again: the
    /// room is stored closed before it tells anyone, so a crash in between is mended by the proctor closing again, and a
    /// sitting already closed does not change.
    /// </summary>
    async Task<Result<RoomView>> IExamRoomGrain.Close(ProctorAction action)
    {
        async Task<SeatLine?> CloseSitting(string participantNo) => (await SessionOf(participantNo).CloseByRoom(action)).Value?.Line;
        if (Rules is { IsSetUp: true } && Room.Status == RoomStatus.Closed && ExamRoom.IsValidAction(action))
        {
            await Tell(Room.SeatByParticipant.Keys, CloseSitting);
            return await View();
        }
        return await MoveTo(RoomStatus.Closed, from: RoomStatus.Open, RoomIncidentKinds.RoomClosed, action, CloseSitting, everyone: true);
    }

    /// <summary>Moves the room on, records it, then tells the checked-in candidates' sessions, or everyone on the roster (taking back their new lines).</summary>
    async Task<Result<RoomView>> MoveTo(RoomStatus to, RoomStatus from, string kind, ProctorAction action, Func<string, Task<SeatLine?>> tellSession,
        bool everyone = false)
    {
        if (Rules is not { IsSetUp: true } room) return RoomNotFound();
        if (!ExamRoom.IsValidAction(action)) return ExamRoom.ReasonRequired();
        if (room.Move(from, to) is { } refused) return refused;
        AddIncident(new RoomIncident(Now, "", kind, action.By, action.Reason));
        await state.WriteStateAsync();
        await Tell(everyone ? Room.SeatByParticipant.Keys : Room.CheckedIn, tellSession);
        return await View();
    }

    async Task Tell(IEnumerable<string> participants, Func<string, Task<SeatLine?>> tellSession)
    {
        foreach (var line in await Task.WhenAll(participants.ToArray().Select(tellSession))) Apply(line);
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
        Rules!.IncidentsByKind(), [.. Room.Incidents.TakeLast(10)]));

    async Task<Result<RoomView>> IExamRoomGrain.GetView() => Room.Setup is null ? RoomNotFound() : await View();

    async Task<Result<RoomChanges>> IExamRoomGrain.WatchChanges(long since, int incidentsSeen, TimeSpan wait)
    {
        if (Room.Setup is null) return RoomNotFound();
        await SeatsLoaded();
        if (_seats.Version <= since && wait > TimeSpan.Zero)
        {
            // The timer goes as soon as a change comes: a console asks up to four times a second.
            using var timeout = new CancellationTokenSource();
            await Task.WhenAny(_changed.Task, Task.Delay(wait < TimeSpan.FromSeconds(MaxWatchSeconds) ? wait : TimeSpan.FromSeconds(MaxWatchSeconds), timeout.Token));
            await timeout.CancelAsync();
        }
        var changes = _seats.ChangesSince(since, Now);
        var seen = Math.Clamp(incidentsSeen, 0, Room.Incidents.Count);
        return new RoomChanges(changes.Version, Room.Status, _seats.Attendance(), changes.Seats, changes.Removed,
            [.. Room.Incidents.Skip(seen)], Room.Incidents.Count, Now);
    }

    Task IExamRoomGrain.UpdateSeat(SeatLine line)
    {
        if (Rules?.IsOnRoster(line.ParticipantNo) == true) Apply(line);
        return Task.CompletedTask;
    }

    async Task<Result<BoardRows>> IExamRoomGrain.GetBoardRows()
    {
        if (Room.Setup is not { } setup) return RoomNotFound();
        var exam = (await exams.Find(setup.ExamId))!;
        var rows = await Task.WhenAll(Room.SeatByParticipant.Keys.Select(p => SessionOf(p).GetBoardRow()));
        return new BoardRows(exam.Blueprint.Title, exam.Blueprint.SectionCodes, [.. rows.OfType<BoardRow>()], exam.Id);
    }

    async Task IExamRoomGrain.ReportIncident(RoomIncident incident)
    {
        if (Rules?.IsOnRoster(incident.ParticipantNo) != true) return;
        AddIncident(incident);
        await state.WriteStateAsync();
    }

    async Task<Result<SessionView>> ProctorAct(string participantNo, string kind, ProctorAction action,
        Func<ICandidateSessionGrain, Task<Result<SessionView>>> act, string? outcome = null)
    {
        if (Rules is not { IsSetUp: true } room) return RoomNotFound();
        if (!ExamRoom.IsValidAction(action)) return ExamRoom.ReasonRequired();
        if (!room.IsOnRoster(participantNo)) return ExamRoom.NotOnRoster(participantNo);
        var result = await act(SessionOf(participantNo));
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
        Rules!.Record(incident);
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
    /// (lines sent meanwhile are kept if newer), and replays the incidents for each seat's latest. A load that
    /// failed (a sitting unreachable) is tried again by the next reader, not kept.
    /// </summary>
    Task SeatsLoaded() => _seatsLoaded is { IsFaulted: false, IsCanceled: false } loading ? loading : _seatsLoaded = LoadSeats();

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

    static Fault RoomNotFound() => Faults.Of(ErrorCodes.RoomNotFound, "This room has not been set up.");
}
