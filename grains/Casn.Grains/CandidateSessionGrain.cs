using System.Diagnostics;
using System.Text;
using Casn.Domain.Audit;
using Orleans.Runtime;

namespace Casn.Grains;

/// <summary>
/// One candidate's sitting. The rules live in <see cref="CandidateSession"/>; this grain loads the exam,
/// persists every change before it answers, and keeps a timer so that a session is submitted when its
/// time is up even if the workstation has gone quiet. A reminder brings the grain back after a silo
/// crash, so the timer survives too. Its state is stored as a log (<see cref="SittingStore"/>): an answer
/// appends one entry, and the header is written only when it changes.
/// </summary>
[KanregPlacement]
public sealed partial class CandidateSessionGrain(
    SittingStore store,
    ExamCatalog exams,
    BlobStores blobs,
    ArchiveSigner archiveSigner,
    IOptions<SessionOptions> options,
    TimeProvider clock,
    ILogger<CandidateSessionGrain> logger) : Grain, ICandidateSessionGrain, IRemindable, IGrainMigrationParticipant
{
    const string ClockReminder = "clock";
    static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A seat's answered count reaches the proctor at most this often: the first change after a quiet spell at
    /// once, the rest coalesced. Anything else the proctor must act on goes at once.
    /// </summary>
    const long SeatLineEveryMs = 500;

    /// <summary>A change of the last contact's time alone is sent at most this often (the heartbeat comes every 10 s).</summary>
    const long ContactLineEveryMs = 15_000;

    CandidateSession? _session;
    SittingWritten _written = new();
    IGrainTimer? _timer;

    /// <summary>
    /// A sitting's row reaches the public board at most this often (the first change after a quiet spell at once),
    /// and at once when its public status changes. The board itself publishes at most 4 times a second, so a row held
    /// back here is no later than the board would show it; at saturation this saves a message and a scoring of the
    /// whole paper per answer.
    /// </summary>
    const long BoardRowEveryMs = 250;

    // The line last sent to the room's projection; the status in the row last sent to the board.
    SeatLine? _sentLine;
    long _lineRevision;
    string? _sentRowStatus;
    Throttle? _lineThrottle, _rowThrottle;

    Throttle LineThrottle => _lineThrottle ??= new SeatLineSender(this);

    Throttle RowThrottle => _rowThrottle ??= new BoardRowSender(this);

    sealed class SeatLineSender(CandidateSessionGrain sitting) : GrainThrottle(sitting, SeatLineEveryMs)
    {
        protected override void Send() => sitting.SendLine();
    }

    sealed class BoardRowSender(CandidateSessionGrain sitting) : GrainThrottle(sitting, BoardRowEveryMs)
    {
        protected override void Send() => sitting.SendRow();
    }

    string Key => this.GetPrimaryKeyString();

    /// <summary>The room this sitting belongs to (parsed once: a sitting exists only under a valid key, which its room made).</summary>
    string RoomKey => _roomKey ??= SessionKey.Parse(Key).Value?.Room.ToString() ?? throw new InvalidOperationException($"'{Key}' is not a session key.");

    string? _roomKey;

    DateTimeOffset Now => clock.GetUtcNow();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var loaded = _handedOver ?? await store.Load(Key);
        _handedOver = null;
        if (loaded is var (stored, written))
        {
            var exam = await exams.Find(stored.Setup!.ExamId)
                ?? throw new InvalidOperationException($"Session {Key} refers to exam {stored.Setup.ExamId}, which is not defined.");
            _written = written;
            _session = new CandidateSession(stored, exam, options.Value.ToRules());
            await ObserveAndPersist();
            // A result its position has not taken yet (the silo died in between) goes now, not at the next reminder.
            if (ResultToReport()) _reportTimer = Once(_reportTimer, ReportResult, TimeSpan.Zero);
        }
    }

    /// <summary>
    /// A silo that leaves on purpose (SIGTERM, a rolling update, <c>deploy/local/scale remove</c>) hands each of its
    /// sittings to another silo of the Kanreg with its state, instead of leaving the next call to read it back: calls
    /// that arrive meanwhile wait and are forwarded, so a workstation sees a slower answer, never an error.
    /// </summary>
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _rowThrottle?.SendPending();
        _lineThrottle?.SendPending();
        if (_session is not null) this.MigrateIfSiloLeaves(reason);
        return Task.CompletedTask;
    }

    Task ICandidateSessionGrain.MoveTo(SiloAddress silo)
    {
        // Migration reads the request context now: the placement director takes the hint when the silo may host this sitting.
        RequestContext.Set(Orleans.Runtime.Placement.IPlacementDirector.PlacementHintKey, silo);
        this.MigrateOnIdle();
        return Task.CompletedTask;
    }

    // The sitting as handed over by the activation that migrated here, read once by OnActivateAsync.
    (SessionState State, SittingWritten Written)? _handedOver;

    const string HandedOverState = "casn.sitting", HandedOverWritten = "casn.sitting.written";

    /// <summary>
    /// Everything stored is also in memory (every change is stored before it is acknowledged), so the state and what
    /// of it is written travel together; the new activation's next write names the same stored version.
    /// </summary>
    void IGrainMigrationParticipant.OnDehydrate(IDehydrationContext context)
    {
        if (_session is null) return;
        context.TryAddValue(HandedOverState, _session.State);
        context.TryAddValue(HandedOverWritten, _written);
        CasnMetrics.CountHandOver("sitting");
    }

    void IGrainMigrationParticipant.OnRehydrate(IRehydrationContext context)
    {
        if (context.TryGetValue(HandedOverState, out SessionState? state) && state is not null
            && context.TryGetValue(HandedOverWritten, out SittingWritten? written) && written is not null)
            _handedOver = (state, written);
    }

    async Task<Result<SessionView>> ICandidateSessionGrain.Register(SessionSetup setup)
    {
        if (_session is not null)
        {
            return _session.State.Setup == setup
                ? ViewWithLine()
                : Faults.Of(ErrorCodes.SessionStateConflict, "This sitting is already registered with other details.");
        }
        var exam = await exams.Find(setup.ExamId);
        if (exam is null) return Faults.Of(ErrorCodes.ExamNotFound, $"Exam '{setup.ExamId}' is not defined.");
        _written = new SittingWritten();
        _session = new CandidateSession(CandidateSession.NewState(setup, exam), exam, options.Value.ToRules());
        await Persist();
        return ViewWithLine();
    }

    async Task<Result<bool>> ICandidateSessionGrain.Withdraw()
    {
        if (_session is null) return true;
        if (_session.State.Status != SessionStatus.Registered)
            return Faults.Of(ErrorCodes.CandidateAlreadySeated, "This sitting has begun (checked in): it cannot be withdrawn.");
        await store.Log.Delete(Key);
        _session = null;
        _written = new SittingWritten();
        _timer?.Dispose();
        _timer = null;
        _lineThrottle?.Cancel();
        _rowThrottle?.Cancel();
        DeactivateOnIdle();
        return true;
    }

    async Task<Result<SessionView>> ICandidateSessionGrain.CheckIn(CheckInRecord record, string pinHash, bool roomOpen)
    {
        if (_session is null) return NotFound();
        var checkedIn = _session.CheckIn(record, pinHash, roomOpen);
        if (!checkedIn.IsOk) return checkedIn.Fault!;
        await Persist();
        return ViewWithLine();
    }

    async Task ICandidateSessionGrain.RoomOpened()
    {
        if (_session is null || _session.State.RoomOpen) return;
        _session.OpenRoom();
        await Persist();
    }

    async Task<Result<LoginGrant>> ICandidateSessionGrain.Login(LoginRequest request, string clientAddress)
    {
        if (_session is null) return NotFound();
        if (string.IsNullOrEmpty(request.Pin) || !Keys.IsValidToken(request.WorkstationId, 64))
            return Faults.Of(ErrorCodes.RequestInvalid, "PIN and a workstation id (letters, digits, '-') are required.");
        if (!WorkstationCredential.IsValidKey(request.WorkstationKey))
            return Faults.Of(ErrorCodes.AuthWorkstationKeyInvalid,
                $"A workstation key of {WorkstationCredential.MinKeyLength}-{WorkstationCredential.MaxKeyLength} letters, digits, '-' or '_' is required.");
        var token = Secrets.NewToken();
        var wasStarted = _session.State.Status != SessionStatus.CheckedIn;
        var tokenHash = Secrets.HashToken(WorkstationCredential.Of(token, request.WorkstationKey));
        var failuresBefore = _session.State.PinFailuresTotal;
        var reloginPending = _session.State.ReloginRequest is not null;
        var origin = new LoginOrigin(Secrets.HashWorkstationKey(request.WorkstationKey), clientAddress ?? "");
        var login = _session.Login(Now, Secrets.HashPin(Key, request.Pin), request.WorkstationId, tokenHash, Random.Shared.NextDouble(), origin);
        // A wrong PIN changes the attempt counts, which must survive a restart too.
        await Persist();
        var state = _session.State;
        if (state.PinFailuresTotal != failuresBefore && _session.IsPinAlarm(state.PinFailuresTotal))
            await ReportIncident(RoomIncidentKinds.PinFailures, $"{state.PinFailuresTotal} wrong PINs in all, from {state.PinFailures.Count} workstations and addresses");
        if (!reloginPending && state.ReloginRequest is { } pending)
            await ReportIncident(RoomIncidentKinds.ReloginRequested, $"workstation {pending.WorkstationId} asks to take the seat over from {state.WorkstationId}");
        if (!login.IsOk) return login.Fault!;
        if (!wasStarted) await this.RegisterOrUpdateReminder(ClockReminder, ReminderPeriod, ReminderPeriod);
        return new LoginGrant(Key, token, _session.ClockView(Now));
    }

    async Task<Result<WorkstationPaper>> ICandidateSessionGrain.GetPaper(string token)
    {
        var session = await Authorize(token);
        if (!session.IsOk) return session.Fault!;
        return session.Value!.PaperFor(Now);
    }

    async Task<Result<AnswerAck>> ICandidateSessionGrain.SubmitAnswer(string token, AnswerSubmission answer)
    {
        if (CheckToken(token) is { } refused) return refused;
        if (answer is null || string.IsNullOrEmpty(answer.ItemId)) return Faults.Of(ErrorCodes.RequestInvalid, "An answer needs an item id.");
        var session = _session!;
        var started = Stopwatch.GetTimestamp();
        var countBefore = session.State.Answers.Count;
        var eventsBefore = session.State.Events.Count;
        var statusBefore = session.State.Status;
        var ack = session.Answer(Now, answer.Sequence, answer.ItemId, answer.Choice);
        // Acknowledged only once stored: persist whenever the answer or an event was recorded, or the time ran out
        // (the contact alone is not worth a write).
        if (session.State.Answers.Count != countBefore || session.State.Events.Count != eventsBefore || session.State.Status != statusBefore)
            await Persist();
        await ReportNewEvents(eventsBefore);
        if (!ack.IsOk) CasnMetrics.AnswersRefused.Add(1, new KeyValuePair<string, object?>("code", ack.Fault!.Code));
        else if (!ack.Value!.Replayed)
        {
            CasnMetrics.AnswersAcknowledged.Add(1);
            CasnMetrics.AnswerAckDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        return ack;
    }

    async Task<Result<ClockView>> ICandidateSessionGrain.Heartbeat(string token)
    {
        var session = await Authorize(token);
        if (!session.IsOk) return session.Fault!;
        return session.Value!.ClockView(Now);
    }

    async Task<Result<ClockView>> ICandidateSessionGrain.SubmitFaceFrame(string token, byte[] frame)
    {
        var authorized = await Authorize(token);
        if (!authorized.IsOk) return authorized.Fault!;
        var session = authorized.Value!;
        // A frame the sitting did not ask for is refused (with its own code) before any face work is spent on it.
        if (session.FrameRefusal(Now) is { } refusal) return refusal;

        var participantNo = session.State.Setup!.ParticipantNo;
        var matched = await GrainFactory.GetGrain<ICandidateGrain>(participantNo).MatchFace(frame ?? [], FaceMatchPurpose.InExam);
        if (!matched.IsOk) return matched.Fault!;
        var match = matched.Value!;
        var (result, detail) = match.Outcome switch
        {
            FaceMatchOutcome.Verified => (FaceFrameResult.SamePerson, $"same person, similarity {match.Similarity:0.000}"),
            FaceMatchOutcome.NotVerified => (FaceFrameResult.DifferentPerson, $"different face, similarity {match.Similarity:0.000}"),
            _ => (FaceFrameResult.NoUsableFace, match.Problem ?? "no usable face"),
        };
        var suspended = session.FaceFrame(Now, result, detail, Random.Shared.NextDouble());
        if (!suspended.IsOk) return suspended.Fault!;
        await Persist();
        if (suspended.Value)
        {
            CasnMetrics.Suspensions.Add(1, new KeyValuePair<string, object?>("by", "face_check"));
            await ReportIncident(result == FaceFrameResult.DifferentPerson ? SessionEventKinds.FaceMismatch : SessionEventKinds.FaceMissing, detail, match.Evidence);
        }
        return session.ClockView(Now);
    }

    async Task<Result<FinalResult>> ICandidateSessionGrain.Submit(string token)
    {
        if (CheckToken(token) is { } refused) return refused;
        var result = _session!.Submit(Now);
        await Persist();
        return result;
    }

    async Task<Result<FinalResult>> ICandidateSessionGrain.GetResult(string token)
    {
        var session = await Authorize(token);
        if (!session.IsOk) return session.Fault!;
        return session.Value!.State.Result is { } result
            ? result
            : Faults.Of(ErrorCodes.SessionStateConflict, "The session has not finished yet.");
    }

    async Task<Result<SessionView>> ICandidateSessionGrain.Suspend(ProctorAction action)
    {
        var suspended = await Change(s => s.Suspend(Now, action.By, action.Reason));
        if (suspended.IsOk) CasnMetrics.Suspensions.Add(1);
        return suspended;
    }

    Task<Result<SessionView>> ICandidateSessionGrain.Resume(ProctorAction action) =>
        Change(s => s.Resume(Now, action.By, action.Reason));

    Task<Result<SessionView>> ICandidateSessionGrain.ExtendTime(TimeSpan extra, ProctorAction action) =>
        Change(s => s.Extend(Now, extra, action.By, action.Reason));

    Task<Result<SessionView>> ICandidateSessionGrain.ApproveRelogin(ProctorAction action) =>
        Change(s => s.ApproveRelogin(Now, action.By, action.Reason));

    Task<Result<SessionView>> ICandidateSessionGrain.Disqualify(ProctorAction action) =>
        Change(s => s.Disqualify(Now, action.By, action.Reason).Fault);

    Task<Result<SessionView>> ICandidateSessionGrain.CloseByRoom(ProctorAction action) =>
        Change(s => s.CloseByRoom(Now, action.By));

    // Reads never write: the clock is advanced by the sitting's own timer and failed archives are retried by its reminder.
    Task<SessionView?> ICandidateSessionGrain.GetView() => Task.FromResult(_session?.View(Now));

    Task<SeatLine?> ICandidateSessionGrain.GetSeatLine() => Task.FromResult(_session is null ? null : NewLine());

    Task<BoardRow?> ICandidateSessionGrain.GetBoardRow() => Task.FromResult(_session is null ? null : BoardRow.Of(_session));

    async Task IRemindable.ReceiveReminder(string reminderName, TickStatus status)
    {
        // Activation already observed the clock and set the timer; once finished, archived and taken by its position's
        // ranking, the reminder goes.
        if (_session?.State is { Status: SessionStatus.Finished, ArchivedAt: null }) await Archive();
        if (ResultToReport()) await ReportResult();
        if (_session?.State is null or { Status: SessionStatus.Finished, ArchivedAt: not null } && !ResultToReport())
        {
            var reminder = await this.GetReminder(reminderName);
            if (reminder is not null) await this.UnregisterReminder(reminder);
        }
    }

    async Task<Result<SessionView>> Change(Func<CandidateSession, Result<bool>> action) =>
        await Change(s => action(s).Fault);

    async Task<Result<SessionView>> Change(Func<CandidateSession, Fault?> action)
    {
        if (_session is null) return NotFound();
        var fault = action(_session);
        if (fault is not null) return fault;
        await Persist();
        return ViewWithLine();
    }

    /// <summary>
    /// The view returned to the room after a proctor's action carries the seat line just sent, so the room's
    /// projection shows the action before the proctor's next look (the one-way line may arrive later).
    /// </summary>
    SessionView ViewWithLine()
    {
        PublishLine(now: true);
        return _session!.View(Now) with { Line = _sentLine };
    }

    SeatLine NewLine() => _session!.SeatLine(Now) with { Revision = NextRevision() };

    // Wall-clock ticks, not the exam clock: a reactivated sitting's lines must still be newer than its last ones.
    long NextRevision() => _lineRevision = Math.Max(_lineRevision + 1, DateTime.UtcNow.Ticks);

    /// <summary>
    /// Sends the seat line to the room when it changed: at once when the proctor must see it or the seat has been
    /// quiet for <see cref="SeatLineEveryMs"/>; otherwise once, when that interval is over. At saturation a sitting
    /// sends two lines a second whatever its answer rate, and a console still sees each answer within a second.
    /// </summary>
    void PublishLine(bool now = false)
    {
        if (_session is null) return;
        var line = _session.SeatLine(Now);
        if (!line.DiffersFrom(_sentLine)) return;
        var contactOnly = _sentLine is not null && !(line with { LastContact = _sentLine.LastContact }).DiffersFrom(_sentLine);
        if (contactOnly && LineThrottle.SinceSentMs < ContactLineEveryMs && !now) return;
        LineThrottle.Changed(now || line.DiffersMuchFrom(_sentLine));
    }

    void SendLine()
    {
        if (_session is null) return;
        var line = _session.SeatLine(Now);
        if (!line.DiffersFrom(_sentLine)) return;
        _sentLine = line with { Revision = NextRevision() };
        GrainFactory.GetGrain<IExamRoomGrain>(RoomKey).UpdateSeat(_sentLine).Ignore();
    }

    /// <summary>The sitting's public row after a stored change: see <see cref="BoardRowEveryMs"/>.</summary>
    void PublishRow() => RowThrottle.Changed(now: BoardStatuses.Of(_session!.State) != _sentRowStatus);

    void SendRow()
    {
        if (_session is null) return;
        // The row is made when it is sent, so a held-back row carries every change since the last one.
        var row = BoardRow.Of(_session);
        _sentRowStatus = row.Status;
        var blueprint = _session.Exam.Blueprint;
        GrainFactory.GetGrain<ILiveBoardGrain>(RoomKey).Update(row, _session.Exam.Id, blueprint.Title, blueprint.SectionCodes).Ignore();
    }

    /// <summary>Checks the workstation's token; any authorized call counts as contact from the workstation.</summary>
    async Task<Result<CandidateSession>> Authorize(string token)
    {
        if (CheckToken(token) is { } refused) return refused;
        var eventsBefore = _session!.State.Events.Count;
        var changed = _session.Observe(Now) | _session.Contact(Now);
        if (changed) await Persist();
        else PublishLine();
        await ReportNewEvents(eventsBefore);
        return _session;
    }

    /// <summary>Events the proctor must see at once go to the room as incidents (one way: the room never waits on a sitting).</summary>
    async Task ReportNewEvents(int eventsBefore)
    {
        var events = _session!.State.Events;
        for (var i = eventsBefore; i < events.Count; i++)
        {
            var kind = events[i].Kind switch
            {
                SessionEventKinds.ContactAwaitingProctor => RoomIncidentKinds.ContactLost,
                SessionEventKinds.AnswerProbe => RoomIncidentKinds.AnswerProbe,
                _ => null,
            };
            if (kind is not null) await ReportIncident(kind, events[i].Detail);
        }
    }

    async Task ObserveAndPersist()
    {
        var before = _session!.State.Status;
        if (!_session.Observe(Now))
        {
            ScheduleWakeUp();
            return;
        }
        await Persist();
        // Only the face rule suspends on its own (a camera frame never sent in time): the room must know.
        if (before == SessionStatus.InProgress && _session.State.Status == SessionStatus.Suspended)
            await ReportIncident(SessionEventKinds.FaceMissing, _session.State.Events[^1].Detail);
    }

    Task ReportIncident(string kind, string detail, string? evidence = null) =>
        GrainFactory.GetGrain<IExamRoomGrain>(RoomKey)
            .ReportIncident(new RoomIncident(Now, _session!.State.Setup!.ParticipantNo, kind, "system", detail, evidence));

    async Task Persist()
    {
        try
        {
            await store.Save(Key, _session!.State, _written);
        }
        catch (Exception exception)
        {
            // Memory now holds a change that storage refused: drop this activation so the next call
            // reloads what was really stored, and let the caller see the failure (nothing was acknowledged).
            CasnMetrics.StorageFailures.Add(1);
            LogWriteFailed(logger, exception, Key);
            DeactivateOnIdle();
            throw new StorageUnavailableException($"Storing session {Key} failed; nothing was acknowledged. Retry the same request.")
            {
                StaleActivation = exception is SittingConflictException,
            };
        }
        ScheduleWakeUp();
        // The room's public board and its proctor's projection follow every stored change.
        PublishRow();
        PublishLine();
        if (_session.State is { Status: SessionStatus.Finished, ArchivedAt: null }) await Archive();
    }

    /// <summary>The blob name of a sitting's archive: <c>sessions/{session key}</c>.</summary>
    public static string ArchiveName(string sessionKey) => $"sessions/{sessionKey}";

    /// <summary>
    /// Stores the signed archive of a finished sitting and issues its certificate. The result is already
    /// stored, so a failure here never fails the candidate's submit: the reminder tries again each minute.
    /// </summary>
    async Task Archive()
    {
        var session = _session!;
        try
        {
            var archive = archiveSigner.Archive(Key, session.State.Setup!.Name, session.State.Result!, session.AuditTrail());
            await blobs.Archives.Put(ArchiveName(Key), Encoding.UTF8.GetBytes(archive.ToJson()));
            await GrainFactory.GetGrain<ICertificateGrain>(archive.CertificateCode).Issue(CertificateGrain.Of(archive, session.State.Setup.PositionId));
            session.State.ArchivedAt = Now;
            session.State.CertificateCode = archive.CertificateCode;
            await store.Save(Key, session.State, _written);
            CasnMetrics.ArchivesWritten.Add(1);
            // The signed archive holds the whole log now: the live copy is kept a while for reads, then goes.
            await store.Log.Expire(Key, options.Value.ArchivedRetention);
            // The position's ranking hears of it next, off the candidate's request: a timer now, the reminder after.
            if (ResultToReport()) _reportTimer = Once(_reportTimer, ReportResult, TimeSpan.Zero);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            session.State.ArchivedAt = null;
            // Another activation wrote this sitting: this one's memory is stale, so the next call reloads.
            if (exception is SittingConflictException) DeactivateOnIdle();
            CasnMetrics.ArchiveFailures.Add(1);
            LogArchiveFailed(logger, exception, Key);
            // Never on someone's read.
            await this.RegisterOrUpdateReminder(ClockReminder, ReminderPeriod, ReminderPeriod);
            _archiveRetryIn = NextRetry(_archiveRetryIn);
            _archiveRetry = Once(_archiveRetry, RetryArchive, _archiveRetryIn.Value);
        }
    }

    /// <summary>
    /// How long until a failed archive or report is tried again while this activation lives: 5 s, doubling to a minute;
    /// the reminder tries each minute after that.
    /// </summary>
    static TimeSpan NextRetry(TimeSpan? previous) =>
        previous is null ? TimeSpan.FromSeconds(5) : TimeSpan.FromTicks(Math.Min(previous.Value.Ticks * 2, ReminderPeriod.Ticks));

    /// <summary>A one-shot timer in place of <paramref name="previous"/>: the work runs once, after <paramref name="due"/>.</summary>
    IGrainTimer Once(IGrainTimer? previous, Func<Task> work, TimeSpan due)
    {
        previous?.Dispose();
        return this.RegisterGrainTimer(_ => work(), new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan));
    }

    /// <summary>An archived result that its position's ranking has not taken yet (a sitting with a position only).</summary>
    bool ResultToReport() =>
        _session?.State is { Status: SessionStatus.Finished, ArchivedAt: not null, ResultReportedAt: null, Setup.PositionId.Length: > 0 };

    /// <summary>
    /// Sends the result to the position's ranking and records that it was taken. The report is idempotent, so a crash
    /// between the two costs only a repeat; until it is recorded, the reminder sends it again each minute.
    /// </summary>
    async Task ReportResult()
    {
        if (!ResultToReport()) return;
        var state = _session!.State;
        try
        {
            await GrainFactory.GetGrain<IPositionRankingGrain>(PositionKey.Of(state.Setup!.ExamId, state.Setup.PositionId)).Report(
                new Casn.Domain.Results.SittingResult(state.Setup.ParticipantNo, state.Setup.Name, state.Setup.Category, state.Result!.Scores,
                    state.Result.Pass, state.Result.Reason, state.CertificateCode ?? ""));
            state.ResultReportedAt = Now;
            await store.Save(Key, state, _written);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            state.ResultReportedAt = null;
            if (exception is SittingConflictException) DeactivateOnIdle();
            LogReportFailed(logger, exception, Key);
            await this.RegisterOrUpdateReminder(ClockReminder, ReminderPeriod, ReminderPeriod);
            _reportRetryIn = NextRetry(_reportRetryIn);
            _reportTimer = Once(_reportTimer, ReportResult, _reportRetryIn.Value);
        }
    }

    IGrainTimer? _reportTimer;
    TimeSpan? _reportRetryIn;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reporting session {SessionKey}'s result to its position failed; its reminder will try again")]
    static partial void LogReportFailed(ILogger logger, Exception exception, string sessionKey);

    IGrainTimer? _archiveRetry;
    TimeSpan? _archiveRetryIn;

    async Task RetryArchive()
    {
        if (_session?.State is { Status: SessionStatus.Finished, ArchivedAt: null }) await Archive();
    }

    void ScheduleWakeUp()
    {
        if (_session?.NextCheck() is not { } next)
        {
            _timer?.Dispose();
            _timer = null;
            return;
        }
        // A little slack so that the wake-up lands after the moment, not a tick before it.
        var due = next - Now + TimeSpan.FromMilliseconds(20);
        if (due < TimeSpan.Zero) due = TimeSpan.Zero;
        if (_timer is null)
            _timer = this.RegisterGrainTimer(WakeUp, new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan) { KeepAlive = true });
        else
            _timer.Change(due, Timeout.InfiniteTimeSpan);
    }

    async Task WakeUp(CancellationToken cancellationToken) => await ObserveAndPersist();

    /// <summary>The sitting must exist and the token must be the current workstation's.</summary>
    Fault? CheckToken(string token) =>
        _session is null ? NotFound()
        : _session.IsTokenValid(Secrets.HashToken(token ?? "")) ? null
        : InvalidToken();

    static Fault NotFound() => Faults.Of(ErrorCodes.SessionNotFound, "No such sitting: the candidate is not on this room's roster.");

    static Fault InvalidToken() => Faults.Of(ErrorCodes.AuthTokenInvalid, "The workstation token is not valid for this sitting; log in again.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Archiving session {SessionKey} failed; its reminder will try again")]
    static partial void LogArchiveFailed(ILogger logger, Exception exception, string sessionKey);

    [LoggerMessage(Level = LogLevel.Error, Message = "Storing session {SessionKey} failed; the change was not acknowledged")]
    static partial void LogWriteFailed(ILogger logger, Exception exception, string sessionKey);
}
