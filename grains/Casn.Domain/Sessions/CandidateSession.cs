using Casn.Domain.Audit;
using Casn.Domain.Exams;
using Casn.Domain.Papers;
using Casn.Domain.Scoring;

namespace Casn.Domain.Sessions;

/// <summary>
/// The rules of one candidate's sitting, over its persisted <see cref="SessionState"/>. Every method
/// takes the current time and either changes the state and returns a value, or returns a fault and
/// leaves the state exactly as it was. The grain persists after a change and only then replies.
/// </summary>
public sealed class CandidateSession
{
    readonly SessionState _state;
    readonly SessionRules _rules;
    // The applied answer (its index in the log; -1 for none) and the options tried (a bit per option: an item has at
    // most 10), by place in the paper (item number - 1). Two dictionaries keyed by item id held ~9.5 KB per sitting for
    // hours (#14); these arrays hold ~0.7 KB.
    readonly int[] _currentByPlace;
    readonly ushort[] _triedByPlace;
    // The highest sequence so far: a new answer (almost every one) is above it and needs no search for a replay.
    long _lastSequence;
    // Places whose applied answer chooses an option, kept as answers are indexed: the seat line and the board row
    // read it on every answer, and counting meant a scan of the paper.
    int _answeredCount;

    public CandidateSession(SessionState state, ExamDefinition exam, SessionRules rules)
    {
        _state = state;
        _rules = rules;
        Exam = exam;
        Paper = PaperAssembler.Assemble(exam, PaperAssembler.SeedFor(exam.Id, exam.BankVersion, state.Setup!.ParticipantNo));
        _currentByPlace = new int[Paper.Items.Count];
        Array.Fill(_currentByPlace, -1);
        _triedByPlace = new ushort[Paper.Items.Count];
        for (var i = 0; i < state.Answers.Count; i++)
            // Every stored answer names an item of this paper (checked before it was stored).
            Index(i, Paper.Find(state.Answers.ItemIdAt(i)) is { } item ? item.Number - 1 : -1);
    }

    public ExamDefinition Exam { get; }

    public Paper Paper { get; }

    public SessionState State => _state;

    SessionSetup Setup => _state.Setup!;

    ExamClock Clock => _state.Clock!;

    /// <summary>Starts a fresh state for a candidate put on a room's roster.</summary>
    public static SessionState NewState(SessionSetup setup, ExamDefinition exam) => new()
    {
        Setup = setup,
        BankVersion = exam.BankVersion,
        Status = SessionStatus.Registered,
        Clock = ExamClock.NotStarted(exam.Blueprint.DurationFor(setup.Accessible)),
    };

    public int AnsweredCount => _answeredCount;

    /// <summary>Where in the log the applied answers that choose an option are (a cleared item has none), in paper order.</summary>
    IEnumerable<int> CurrentAnswers => _currentByPlace.Where(ChoosesAnOption);

    /// <summary>Whether the log's answer at <paramref name="index"/> (-1: none) chooses an option rather than clearing its item.</summary>
    bool ChoosesAnOption(int index) => index >= 0 && _state.Answers.ChoiceAt(index) is not null;

    /// <summary>
    /// The highest sequence number: a workstation counts up from 1, one per answer it sends. Bounded so that
    /// one absurd number cannot leave a page unable to send anything newer (JavaScript counts exactly only to 2^53).
    /// </summary>
    public const long MaxSequence = int.MaxValue;

    public long LastSequence => _lastSequence;

    // ---- check-in and login ----

    public Result<bool> CheckIn(CheckInRecord record, string pinHash, bool roomOpen)
    {
        if (_state.Status == SessionStatus.Finished) return FinishedFault();
        var reissue = _state.Status != SessionStatus.Registered;
        _state.CheckIn ??= record;
        _state.PinHash = pinHash;
        // A new PIN from the proctor is a fresh start: wrong PINs are forgotten, and after the first
        // login it lets another workstation take the seat (the proctor has seen the candidate).
        _state.PinFailures.Clear();
        _state.ReloginApproved = reissue && _state.SeatedWorkstation is not null;
        _state.ReloginRequest = null;
        _state.RoomOpen |= roomOpen;
        if (_state.Status == SessionStatus.Registered) _state.Status = SessionStatus.CheckedIn;
        Record(record.At, reissue ? SessionEventKinds.PinReissued : SessionEventKinds.CheckedIn, record.By, $"{record.Method}: {record.Reason}");
        return true;
    }

    public void OpenRoom() => _state.RoomOpen = true;

    /// <summary>
    /// A workstation logs in with the PIN from check-in. The first login starts the clock and seats that
    /// workstation. Later the same workstation may log in again (a reload); another one takes the seat
    /// over only once the proctor approves it or issues a new PIN, and then the earlier token is revoked.
    /// Wrong PINs count against the workstation and the address they came from, never against the
    /// sitting, so nobody can lock a candidate out from elsewhere.
    /// </summary>
    public Result<bool> Login(DateTimeOffset now, string pinHash, string workstationId, string tokenHash, double randomFraction = 0.5,
        LoginOrigin? origin = null)
    {
        origin ??= new LoginOrigin(workstationId, "");
        Observe(now);
        switch (_state.Status)
        {
            case SessionStatus.Registered:
                return Faults.Of(ErrorCodes.SessionNotStarted, "The candidate has not checked in.");
            case SessionStatus.Finished:
                return FinishedFault();
        }
        var sources = PinSources(origin);
        if (sources.Any(source => _state.PinFailures.GetValueOrDefault(source) >= _rules.MaxPinAttempts))
            return Faults.Of(ErrorCodes.AuthPinLocked, "Too many wrong PINs from this workstation: ask the proctor for a new one.");
        if (!string.Equals(pinHash, _state.PinHash, StringComparison.Ordinal))
        {
            CountPinFailure(sources);
            return Faults.Of(ErrorCodes.AuthPinInvalid, "The PIN is wrong.");
        }
        if (!_state.RoomOpen) return Faults.Of(ErrorCodes.RoomNotOpen, "The proctor has not started this session yet.");

        var takeOver = _state.SeatedWorkstation is not null && !string.Equals(_state.SeatedWorkstation, origin.Workstation, StringComparison.Ordinal);
        if (takeOver && !_state.ReloginApproved)
        {
            _state.ReloginRequest ??= new ReloginRequest(now, workstationId);
            return Faults.Of(ErrorCodes.AuthReloginNeedsProctor,
                "This sitting is already open on another workstation. Ask the proctor to approve the new login.");
        }

        foreach (var source in sources) _state.PinFailures.Remove(source);
        _state.TokenHash = tokenHash;
        _state.WorkstationId = workstationId;
        _state.SeatedWorkstation = origin.Workstation;
        if (takeOver)
        {
            _state.ReloginApproved = false;
            _state.ReloginRequest = null;
        }
        if (_state.Status == SessionStatus.CheckedIn)
        {
            _state.Status = SessionStatus.InProgress;
            _state.Clock = Clock.Run(now);
            _state.LastContact = now;
            Record(now, SessionEventKinds.Started, workstationId, "");
            ScheduleFaceCheck(now, randomFraction);
        }
        else
        {
            Record(now, SessionEventKinds.LoggedIn, workstationId, takeOver ? "took the seat over, approved by the proctor" : "");
            Contact(now);
        }
        return true;
    }

    static string[] PinSources(LoginOrigin origin) => origin.Address.Length == 0
        ? [$"ws:{origin.Workstation}"]
        : [$"ws:{origin.Workstation}", $"ip:{origin.Address}"];

    void CountPinFailure(string[] sources)
    {
        _state.PinFailuresTotal++;
        foreach (var source in sources)
        {
            // Memory per sitting stays bounded: past the limit a new source still fails, uncounted
            // (the per-address login rate limit still holds it back).
            if (_state.PinFailures.TryGetValue(source, out var count)) _state.PinFailures[source] = count + 1;
            else if (_state.PinFailures.Count < SessionRules.MaxPinFailureSources) _state.PinFailures[source] = 1;
        }
    }

    /// <summary>
    /// Whether this many wrong PINs in all should tell the proctor: at the lock-out limit and at each
    /// doubling after it, so a flood raises a few incidents, not thousands.
    /// </summary>
    public bool IsPinAlarm(int total) =>
        total >= _rules.MaxPinAttempts && total % _rules.MaxPinAttempts == 0 && int.IsPow2(total / _rules.MaxPinAttempts);

    /// <summary>The room's proctor lets the next login from another workstation take the seat over.</summary>
    public Result<bool> ApproveRelogin(DateTimeOffset now, string by, string reason)
    {
        if (_state.Status is not (SessionStatus.InProgress or SessionStatus.Suspended))
            return StateConflict("approve a new login for", SessionStatus.InProgress);
        var requested = _state.ReloginRequest is { } request ? $" (requested by {request.WorkstationId} at {request.At:O})" : "";
        _state.ReloginApproved = true;
        _state.ReloginRequest = null;
        Record(now, SessionEventKinds.ReloginApproved, by, reason + requested);
        return true;
    }
    public bool IsTokenValid(string tokenHash) =>
        _state.TokenHash is not null && string.Equals(tokenHash, _state.TokenHash, StringComparison.Ordinal);

    // ---- time ----

    /// <summary>
    /// Brings the session up to date with the clock: a workstation silent for longer than the heartbeat
    /// timeout has its clock stopped at its last contact (see <see cref="Contact"/> for when the silence
    /// is given back), and a session out of time is submitted. Returns true when the state changed.
    /// </summary>
    public bool Observe(DateTimeOffset now)
    {
        if (_state.Status != SessionStatus.InProgress || !Clock.IsRunning) return false;
        var lastContact = _state.LastContact ?? now;
        if (now - lastContact > _rules.HeartbeatTimeout && !Clock.IsOver(lastContact))
        {
            _state.Clock = Clock.Stop(lastContact);
            _state.ContactLost = true;
            _state.SilenceSince = lastContact;
            Record(now, SessionEventKinds.ContactLost, "system", $"no contact since {lastContact:O}");
            return true;
        }
        if (Clock.IsOver(now))
        {
            Finish(Clock.Deadline ?? now, FinishReason.TimedOut, "system");
            return true;
        }
        if (_state.NextFaceCheckAt is { } due && now > due + _rules.FaceCheckGrace)
        {
            CountMissingFace(now, $"no camera frame within {_rules.FaceCheckGrace.TotalSeconds:0} s of the request");
            return true;
        }
        return false;
    }

    /// <summary>
    /// Any request from the workstation is contact. After a silence shorter than
    /// <see cref="SessionRules.AutoResumeWithin"/> the stopped clock runs again and the silence is given
    /// back, up to <see cref="SessionRules.MaxCreditedPause"/> in all. After a longer one the sitting waits
    /// for the proctor: a candidate cannot stop their own clock by pulling the cable. Returns true when
    /// the state changed.
    /// </summary>
    public bool Contact(DateTimeOffset now)
    {
        _state.LastContact = now;
        if (_state.Status != SessionStatus.InProgress || !_state.ContactLost || _state.AwaitingProctor) return false;
        var silence = now - (_state.SilenceSince ?? now);
        if (silence <= _rules.AutoResumeWithin && _state.CreditedPause + silence <= _rules.MaxCreditedPause)
        {
            _state.ContactLost = false;
            _state.SilenceSince = null;
            _state.CreditedPause += silence;
            _state.Clock = Clock.Run(now);
            Record(now, SessionEventKinds.ContactRestored, "system", $"silence of {silence:c} given back; remaining {Clock.Remaining(now):c}");
            return true;
        }
        _state.AwaitingProctor = true;
        Record(now, SessionEventKinds.ContactAwaitingProctor, "system",
            silence > _rules.AutoResumeWithin
                ? $"silent for {silence:c} (over {_rules.AutoResumeWithin:c}): waits for the proctor"
                : $"silent for {silence:c}; {_state.CreditedPause:c} already given back (limit {_rules.MaxCreditedPause:c}): waits for the proctor");
        return true;
    }

    /// <summary>The next moment <see cref="Observe"/> may change something, for the grain's timer.</summary>
    public DateTimeOffset? NextCheck()
    {
        if (_state.Status != SessionStatus.InProgress || Clock.Deadline is not { } deadline) return null;
        var silenceLimit = (_state.LastContact ?? deadline) + _rules.HeartbeatTimeout;
        var next = deadline < silenceLimit ? deadline : silenceLimit;
        if (_state.NextFaceCheckAt is { } due && due + _rules.FaceCheckGrace < next) next = due + _rules.FaceCheckGrace;
        return next;
    }

    // ---- in-exam face checks ----

    void ScheduleFaceCheck(DateTimeOffset now, double randomFraction) =>
        _state.NextFaceCheckAt = _rules.FaceCheckEvery > TimeSpan.Zero
            ? now + _rules.FaceCheckEvery * (0.5 + Math.Clamp(randomFraction, 0, 1))
            : null;

    public bool IsFaceCheckDue(DateTimeOffset now) =>
        _state.Status == SessionStatus.InProgress && _state.NextFaceCheckAt is { } due && now >= due;

    /// <summary>
    /// Why a camera frame is not taken now: the sitting cannot work, or no check is due. Frames come
    /// only when asked for, so a client cannot flood the sitting's record (or the face workers).
    /// </summary>
    public Fault? FrameRefusal(DateTimeOffset now) =>
        RefusalOfWork() ?? (IsFaceCheckDue(now) ? null : Faults.Of(ErrorCodes.FaceNotDue, "No face check is due now; send a frame when the clock says one is due."));

    /// <summary>
    /// Takes the result of a camera frame. A different person suspends the session at once; so do
    /// <see cref="SessionRules.FaceMissesAllowed"/> frames in a row without a usable face (a missing frame
    /// asks for another straight away). The machine suspends; only a proctor resumes or disqualifies.
    /// Returns true when the frame suspended the session.
    /// </summary>
    public Result<bool> FaceFrame(DateTimeOffset now, FaceFrameResult result, string detail, double randomFraction)
    {
        Observe(now);
        Contact(now);
        if (FrameRefusal(now) is { } refusal) return refusal;
        switch (result)
        {
            case FaceFrameResult.SamePerson:
                _state.FaceMisses = 0;
                ScheduleFaceCheck(now, randomFraction);
                Record(now, SessionEventKinds.FaceChecked, "system", detail);
                return false;
            case FaceFrameResult.DifferentPerson:
                SuspendBySystem(now, SessionEventKinds.FaceMismatch, detail);
                return true;
            default:
                return CountMissingFace(now, detail);
        }
    }

    /// <summary>A frame without a usable face, or one never sent: asks again at once, and suspends at the limit.</summary>
    bool CountMissingFace(DateTimeOffset now, string detail)
    {
        _state.FaceMisses++;
        if (_state.FaceMisses < _rules.FaceMissesAllowed)
        {
            _state.NextFaceCheckAt = now;
            Record(now, SessionEventKinds.FaceMissing, "system", $"{detail} ({_state.FaceMisses} of {_rules.FaceMissesAllowed})");
            return false;
        }
        SuspendBySystem(now, SessionEventKinds.FaceMissing, $"no usable face in {_state.FaceMisses} frames in a row: {detail}");
        return true;
    }

    void SuspendBySystem(DateTimeOffset now, string kind, string detail)
    {
        Record(now, kind, "system", detail);
        _state.Status = SessionStatus.Suspended;
        _state.Clock = Clock.Stop(now);
        _state.FaceMisses = 0;
        Record(now, SessionEventKinds.Suspended, "system", detail);
    }

    // ---- answers ----

    public Result<AnswerAck> Answer(DateTimeOffset now, long sequence, string itemId, int? choice)
    {
        if (sequence is <= 0 or > MaxSequence)
            return Faults.Of(ErrorCodes.AnswerSequenceInvalid, $"Sequence numbers run from 1 to {MaxSequence} (2^31 - 1).");
        if (sequence <= _lastSequence && EarlierAnswer(sequence) is { } earlier)
        {
            return earlier.ItemId == itemId && earlier.Choice == choice
                ? AckFor(earlier, replayed: true)
                : Faults.Of(ErrorCodes.AnswerSequenceConflict, $"Sequence {sequence} was already used for another answer.");
        }

        Observe(now);
        if (_state.Status == SessionStatus.Finished && _state.FinishReason == FinishReason.TimedOut)
            return Faults.Of(ErrorCodes.AnswerTooLate, "Time is over; the answers were submitted.");
        Contact(now);
        if (RefusalOfWork() is { } refusal) return refusal;

        if (Paper.Find(itemId) is not { } item) return Faults.Of(ErrorCodes.ItemUnknown, $"Item '{itemId}' is not in this candidate's paper.");
        if (choice is { } shown && (shown < 0 || shown >= item.OptionOrder.Length))
            return Faults.Of(ErrorCodes.OptionOutOfRange, $"Choice must be 0-{item.OptionOrder.Length - 1}, or null to clear.");
        if (_state.Answers.Count >= _rules.MaxAnswers)
            return Faults.Of(ErrorCodes.AnswerLimitReached, "This session has reached its limit of answer changes.");

        // The paper's own string, not the request's: a sitting keeps 150 or more answers for hours, and each request's
        // copy of the id would stay on the heap as long.
        itemId = item.Item.Id;
        // An answer that arrives after a newer one for the same item is kept in the log but changes nothing.
        var applied = _currentByPlace[item.Number - 1] is var current && (current < 0 || _state.Answers.SequenceAt(current) < sequence);
        var ordinal = Chain(now, AuditChain.AnswerKind, AuditChain.WorkstationActor, AuditChain.AnswerDetail(sequence, itemId, choice, applied));
        var record = new AnswerRecord(sequence, itemId, choice, now, applied, ordinal);
        _state.Answers.Add(record);
        var optionsTried = Index(_state.Answers.Count - 1, item.Number - 1);
        // Moving one item through several options and watching the public board's running score reveals
        // the key: the third different option on one item is recorded for the proctor (once per item).
        if (optionsTried == ProbeOptions)
            Record(now, SessionEventKinds.AnswerProbe, "system", $"item {itemId} moved through {ProbeOptions} different options");
        return AckFor(record, replayed: false);
    }

    /// <summary>Different options tried on one item that make an answer probe.</summary>
    public const int ProbeOptions = 3;

    public IReadOnlyDictionary<string, int> CurrentChoices() =>
        CurrentAnswers.ToDictionary(_state.Answers.ItemIdAt, i => _state.Answers.ChoiceAt(i)!.Value, StringComparer.Ordinal);

    public ScoreSheet RunningScore()
    {
        Span<int> choiceByPlace = stackalloc int[_currentByPlace.Length];
        for (var place = 0; place < choiceByPlace.Length; place++)
            choiceByPlace[place] = _currentByPlace[place] is >= 0 and var index && _state.Answers.ChoiceAt(index) is { } choice ? choice : Scorer.Blank;
        return Scorer.Score(Exam.Blueprint, Paper, choiceByPlace);
    }

    // ---- ending ----

    public Result<FinalResult> Submit(DateTimeOffset now)
    {
        Observe(now);
        if (_state.Status == SessionStatus.Finished) return _state.Result!;
        Contact(now);
        if (RefusalOfWork() is { } refusal) return refusal;
        return Finish(now, FinishReason.Submitted, Setup.ParticipantNo);
    }

    /// <summary>
    /// The room closes: a sitting still going ends as it stands, and a candidate who never checked in is absent. Both are
    /// finished, archived and reported to their position like any other, so a no-show is on the record, signed. Closing a
    /// finished sitting again changes nothing (the room may tell it twice).
    /// </summary>
    public Result<bool> CloseByRoom(DateTimeOffset now, string by)
    {
        Observe(now);
        if (_state.Status == SessionStatus.Finished) return false;
        Finish(now, _state.Status == SessionStatus.Registered ? FinishReason.Absent : FinishReason.RoomClosed, by);
        return true;
    }

    FinalResult Finish(DateTimeOffset at, FinishReason reason, string by)
    {
        _state.Clock = Clock.Stop(at);
        _state.Status = SessionStatus.Finished;
        _state.FinishReason = reason;
        // The finishing entry closes the chain; the result names the head it leads to.
        Record(at, SessionEventKinds.Finished, by, reason.ToString());
        var scores = RunningScore();
        var pass = reason switch
        {
            FinishReason.Disqualified => new PassOutcome(false, ["disqualified"]),
            FinishReason.Absent => new PassOutcome(false, ["absent"]),
            _ => PassingRules.Evaluate(Exam.Blueprint, Setup.Category, scores),
        };
        _state.Result = new FinalResult(Setup.ParticipantNo, Exam.Id, scores, pass, reason, at, Setup.Category, _state.AuditHead!);
        return _state.Result;
    }

    // ---- proctor actions ----

    public Result<bool> Suspend(DateTimeOffset now, string by, string reason)
    {
        Observe(now);
        if (_state.Status != SessionStatus.InProgress) return StateConflict("suspend", SessionStatus.InProgress);
        _state.Status = SessionStatus.Suspended;
        _state.Clock = Clock.Stop(now);
        Record(now, SessionEventKinds.Suspended, by, reason);
        return true;
    }

    /// <summary>
    /// Resumes a suspended sitting, or one whose workstation lost contact; the clock was stopped
    /// meanwhile, so that time is given back. A contact-lost resume records how long the silence was.
    /// </summary>
    public Result<bool> Resume(DateTimeOffset now, string by, string reason)
    {
        var contactLost = _state is { Status: SessionStatus.InProgress, ContactLost: true };
        if (_state.Status != SessionStatus.Suspended && !contactLost) return StateConflict("resume", SessionStatus.Suspended);
        var silence = contactLost && _state.SilenceSince is { } since ? now - since : (TimeSpan?)null;
        _state.Status = SessionStatus.InProgress;
        _state.ContactLost = false;
        _state.AwaitingProctor = false;
        _state.SilenceSince = null;
        _state.LastContact = now;
        _state.Clock = Clock.Run(now);
        // A fresh frame right after resuming confirms who sits down again.
        if (_rules.FaceCheckEvery > TimeSpan.Zero) _state.NextFaceCheckAt = now;
        Record(now, SessionEventKinds.Resumed, by, silence is { } length ? $"{reason} (contact lost for {length:c}, given back)" : reason);
        return true;
    }

    public static readonly TimeSpan MaxExtension = TimeSpan.FromHours(3);

    public Result<bool> Extend(DateTimeOffset now, TimeSpan extra, string by, string reason)
    {
        Observe(now);
        if (extra <= TimeSpan.Zero || extra > MaxExtension)
            return Faults.Of(ErrorCodes.TimeExtensionInvalid, $"An extension must be between 1 minute and {MaxExtension.TotalMinutes} minutes.");
        if (_state.Status is SessionStatus.Finished) return FinishedFault();
        _state.Clock = Clock.Extend(extra);
        Record(now, SessionEventKinds.TimeExtended, by, $"+{extra:c}: {reason}");
        return true;
    }

    /// <summary>Only a proctor disqualifies; the machine alone never does.</summary>
    public Result<FinalResult> Disqualify(DateTimeOffset now, string by, string reason)
    {
        Observe(now);
        if (_state.Status is SessionStatus.Finished) return FinishedFault();
        Record(now, SessionEventKinds.Disqualified, by, reason);
        return Finish(now, FinishReason.Disqualified, by);
    }

    // ---- views ----

    public ClockView ClockView(DateTimeOffset now) => new(
        _state.Status,
        (long)Clock.Remaining(now).TotalMilliseconds,
        (long)Clock.Allowed.TotalMilliseconds,
        Clock.IsRunning,
        _state.ContactLost,
        now,
        IsFaceCheckDue(now),
        _state.AwaitingProctor,
        // The workstation beats three times per silence limit, so one lost beat never stops the clock.
        (long)(_rules.HeartbeatTimeout.TotalMilliseconds / 3));

    /// <summary>
    /// The candidate's items. Suspended means no questions at all, not just no answers: the items stay
    /// hidden until a proctor decides. Once finished, the token reads only the result and the receipt.
    /// </summary>
    public Result<WorkstationPaper> PaperFor(DateTimeOffset now) =>
        _state.Status == SessionStatus.Finished ? Faults.Of(ErrorCodes.SessionFinished, "The sitting is over: only its result and receipt can be read.")
        : _state.Status == SessionStatus.Suspended ? SuspendedFault()
        : _state.AwaitingProctor ? ContactLostFault()
        : WorkstationPaper(now);

    public WorkstationPaper WorkstationPaper(DateTimeOffset now) => new(
        Setup.ParticipantNo,
        Setup.Name,
        Exam.Blueprint.Title,
        ClockView(now),
        [.. Paper.Items.Select(i => new WorkstationItem(
            i.Number, i.Item.Id, i.Item.Section, i.Item.Stem, [.. i.OptionOrder.Select(o => i.Item.Options[o])]))],
        [.. CurrentAnswers.Select(i => new WorkstationAnswer(_state.Answers.ItemIdAt(i), _state.Answers.ChoiceAt(i)!.Value, _state.Answers.SequenceAt(i)))],
        LastSequence);

    public SessionView View(DateTimeOffset now) => new(
        Setup.ParticipantNo,
        Setup.Name,
        Setup.Seat,
        _state.Status,
        _state.FinishReason,
        AnsweredCount,
        Paper.Items.Count,
        ClockView(now),
        _state.LastContact,
        _state.WorkstationId,
        [.. _state.Events.TakeLast(_rules.EventsInView)],
        _state.Result,
        _state.Events.Count,
        _state.ReloginRequest,
        _state.PinFailuresTotal);

    /// <summary>The seat's line for the proctor's room projection (no events, no result: see <see cref="SeatLine"/>).</summary>
    public SeatLine SeatLine(DateTimeOffset now)
    {
        var clock = ClockView(now);
        return new(Setup.ParticipantNo, Setup.Name, Setup.Seat, _state.Status, _state.FinishReason, AnsweredCount, Paper.Items.Count,
            clock.RemainingMs, clock.AllowedMs, clock.Running, now, _state.ContactLost, _state.AwaitingProctor, _state.LastContact,
            _state.WorkstationId, FaceState(), _state.ReloginRequest, _state.PinFailuresTotal, _state.Events.Count);
    }

    /// <summary>The verdict of the latest face check: an in-exam frame, else the check-in.</summary>
    string FaceState()
    {
        for (var i = _state.Events.Count - 1; i >= 0; i--)
        {
            switch (_state.Events[i].Kind)
            {
                case SessionEventKinds.FaceChecked: return SeatFaceStates.Verified;
                case SessionEventKinds.FaceMismatch: return SeatFaceStates.Mismatch;
                case SessionEventKinds.FaceMissing: return SeatFaceStates.Missing;
            }
        }
        return _state.CheckIn?.Method == "face" ? SeatFaceStates.Verified : SeatFaceStates.Unchecked;
    }

    // ---- internals ----

    /// <summary>
    /// Indexes the log's answer at <paramref name="index"/>, whose item is at <paramref name="place"/> in the paper (-1: not
    /// in it); returns how many different options that item has been given so far.
    /// </summary>
    int Index(int index, int place)
    {
        var answers = _state.Answers;
        if (answers.SequenceAt(index) > _lastSequence) _lastSequence = answers.SequenceAt(index);
        if (place < 0) return 0;
        if (answers.AppliedAt(index))
        {
            if (ChoosesAnOption(_currentByPlace[place])) _answeredCount--;
            if (ChoosesAnOption(index)) _answeredCount++;
            _currentByPlace[place] = index;
        }
        // Choices are checked against the item's options (2-10, ExamValidator) before they are recorded; the mask keeps 16.
        if (answers.ChoiceAt(index) is { } choice and >= 0 and < 16) _triedByPlace[place] |= (ushort)(1 << choice);
        return System.Numerics.BitOperations.PopCount(_triedByPlace[place]);
    }

    /// <summary>
    /// The answer sent with this sequence, if any. A search from the newest: a replay is of a recent answer, and a sitting
    /// holds at most <see cref="SessionRules.MaxAnswers"/>; an index by sequence cost ~30 bytes per answer for hours.
    /// </summary>
    AnswerRecord? EarlierAnswer(long sequence) =>
        _state.Answers.IndexOfSequence(sequence) is var index and >= 0 ? _state.Answers[index] : null;

    static AnswerAck AckFor(AnswerRecord record, bool replayed) =>
        new(record.Sequence, record.ItemId, record.Choice, record.Applied, record.At, replayed);

    void Record(DateTimeOffset at, string kind, string by, string detail) =>
        _state.Events.Add(new SessionEvent(at, kind, by, detail, Chain(at, kind, by, detail)));

    /// <summary>Appends a link to the audit chain; returns its place.</summary>
    long Chain(DateTimeOffset at, string kind, string by, string detail)
    {
        var ordinal = ++_state.AuditCount;
        _state.AuditHead = AuditChain.Link(_state.AuditHead ?? AuditChain.Genesis(Exam.Id, Setup.ParticipantNo), ordinal, at, kind, by, detail);
        return ordinal;
    }

    /// <summary>The whole chain, rebuilt from the stored answers and events in the order they happened.</summary>
    public IReadOnlyList<AuditEntry> AuditTrail()
    {
        var links = _state.Answers.Select(a => (a.Ordinal, a.At, Kind: AuditChain.AnswerKind, By: AuditChain.WorkstationActor,
                Detail: AuditChain.AnswerDetail(a.Sequence, a.ItemId, a.Choice, a.Applied)))
            .Concat(_state.Events.Select(e => (e.Ordinal, e.At, e.Kind, e.By, e.Detail)))
            .OrderBy(l => l.Ordinal);
        var previous = AuditChain.Genesis(Exam.Id, Setup.ParticipantNo);
        var trail = new List<AuditEntry>(_state.Answers.Count + _state.Events.Count);
        foreach (var (ordinal, at, kind, by, detail) in links)
        {
            previous = AuditChain.Link(previous, ordinal, at, kind, by, detail);
            trail.Add(new AuditEntry(ordinal, at, kind, by, detail, previous));
        }
        return trail;
    }

    /// <summary>Why the sitting cannot take work from the workstation now; null while it is in progress.</summary>
    public Fault? RefusalOfWork() => _state.Status switch
    {
        SessionStatus.InProgress => _state.AwaitingProctor ? ContactLostFault() : null,
        SessionStatus.Suspended => SuspendedFault(),
        SessionStatus.Finished => FinishedFault(),
        _ => Faults.Of(ErrorCodes.SessionNotStarted, "The exam has not started for this candidate."),
    };

    static Fault ContactLostFault() => Faults.Of(ErrorCodes.SessionContactLost,
        "The workstation was out of contact too long: the items come back when the proctor resumes the sitting (the time is given back).");

    static Fault SuspendedFault() => Faults.Of(ErrorCodes.SessionSuspended, "The session is suspended until a proctor decides.");

    Fault FinishedFault() => Faults.Of(ErrorCodes.SessionFinished, $"The session has finished ({_state.FinishReason}).");

    Fault StateConflict(string action, SessionStatus needed) =>
        Faults.Of(ErrorCodes.SessionStateConflict, $"Cannot {action} a session that is {_state.Status}; it must be {needed}.");
}
