namespace Casn.Grains.Abstractions;

/// <summary>An exam: its blueprint and item bank. Key: exam id, e.g. <c>CPNS-2024-SKD</c>.</summary>
public interface IExamGrain : IGrainWithStringKey
{
    /// <summary>Defines the exam once; the same definition again is accepted, a different one is refused.</summary>
    Task<Result<ExamSummary>> Define(ExamDefinition definition);

    /// <summary>The full definition, answer keys included: for grains only, never sent to a client.</summary>
    [AlwaysInterleave]
    Task<ExamDefinition?> GetDefinition();

    [AlwaysInterleave]
    Task<ExamSummary?> GetSummary();
}

/// <summary>A registered candidate. Key: participant number.</summary>
public interface ICandidateGrain : IGrainWithStringKey
{
    Task<Result<CandidateProfile>> Register(CandidateProfile profile);

    Task<CandidateProfile?> GetProfile();

    /// <summary>
    /// The candidate is seated for an exam on this date: returns the profile (null when not registered)
    /// and keeps the biometric data until the retention period after the latest such date.
    /// </summary>
    Task<CandidateProfile?> SeatFor(DateOnly examDate);

    /// <summary>Deletes the photo and embeddings when the retention period after the last exam has passed; runs daily by reminder.</summary>
    Task<RetentionOutcome> ApplyRetention();

    /// <summary>Stores the registration photo (sealed) and its embedding; the photo must show one usable face.</summary>
    Task<Result<EnrolmentReceipt>> Enrol(byte[] photo);

    /// <summary>
    /// Compares a live capture with the candidate's reference face. A verified check-in capture is kept
    /// (sealed) and becomes the reference for in-exam frames: same room, camera and light.
    /// </summary>
    Task<Result<FaceMatch>> MatchFace(byte[] capture, FaceMatchPurpose purpose);

    /// <summary>
    /// For the proctor deciding on a mismatch: the registration photo (<paramref name="evidence"/> null)
    /// or a capture kept as evidence of a failed check. Biometric data: the HTTP layer lets only the
    /// proctor of a room the candidate sits in ask for it.
    /// </summary>
    Task<byte[]?> GetFaceImage(string? evidence);
}

/// <summary>A room in one session slot. Key: <c>{kanreg}/{site}/{date}/{slot}/{room}</c>.</summary>
public interface IExamRoomGrain : IGrainWithStringKey
{
    Task<Result<RoomView>> Setup(RoomSetup setup);

    Task<Result<RoomView>> AddToRoster(RosterEntry[] entries);

    /// <summary>Counts and the latest incidents, from the room alone: cheap enough for an operator's overview of hundreds of rooms.</summary>
    [AlwaysInterleave]
    Task<RoomSummary?> GetSummary();

    Task<Result<CheckInReceipt>> CheckIn(CheckInRequest request);

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

    Task<Result<RoomView>> GetView();

    /// <summary>Every sitting's public board line, read from the sessions (a board rebuilding itself).</summary>
    Task<Result<BoardRows>> GetBoardRows();

    /// <summary>A session tells its room what happened to it (e.g. suspended on a face mismatch). One way, so neither waits on the other.</summary>
    [OneWay]
    Task ReportIncident(RoomIncident incident);
}

/// <summary>One candidate's sitting. Key: <c>{room key}/{participantNo}</c>.</summary>
public interface ICandidateSessionGrain : IGrainWithStringKey
{
    Task<Result<SessionView>> Register(SessionSetup setup);

    Task<Result<SessionView>> CheckIn(CheckInRecord record, string pinHash, bool roomOpen);

    Task RoomOpened();

    /// <summary>A workstation logs in; <paramref name="clientAddress"/> is where the request came from (wrong PINs count per address).</summary>
    Task<Result<LoginGrant>> Login(LoginRequest request, string clientAddress);

    /// <summary>The room's proctor lets the next login from another workstation take the seat over.</summary>
    Task<Result<SessionView>> ApproveRelogin(ProctorAction action);

    // Workstation calls take WorkstationCredential.Of(token, workstation key); anything else is auth.token_invalid.
    Task<Result<WorkstationPaper>> GetPaper(string credential);

    Task<Result<AnswerAck>> SubmitAnswer(string credential, AnswerSubmission answer);

    Task<Result<ClockView>> Heartbeat(string credential);

    /// <summary>A camera frame from the workstation, when the clock view says a face check is due.</summary>
    Task<Result<ClockView>> SubmitFaceFrame(string credential, byte[] frame);

    Task<Result<FinalResult>> Submit(string credential);

    Task<Result<FinalResult>> GetResult(string credential);

    Task<Result<SessionView>> Suspend(ProctorAction action);

    Task<Result<SessionView>> Resume(ProctorAction action);

    Task<Result<SessionView>> ExtendTime(TimeSpan extra, ProctorAction action);

    Task<Result<SessionView>> Disqualify(ProctorAction action);

    Task<Result<SessionView>> CloseByRoom(ProctorAction action);

    Task<SessionView?> GetView();

    [AlwaysInterleave]
    Task<BoardRow?> GetBoardRow();
}

/// <summary>
/// A finished sitting's certificate, keyed by the code on the candidate's receipt. Public: anyone with
/// the code sees what it attests (participant number, name, scores, outcome) and the signature to check.
/// </summary>
public interface ICertificateGrain : IGrainWithStringKey
{
    /// <summary>Stores the certificate; issuing the same one again is accepted (archives are retried).</summary>
    Task Issue(Certificate certificate);

    Task<Certificate?> Get();
}

/// <summary>
/// A regional office's (Kanreg's) list of rooms, so that operators and boards can find them. Key: the
/// region code. Rooms register themselves when they are set up.
/// </summary>
public interface IKanregGrain : IGrainWithStringKey
{
    Task AddRoom(string roomKey);

    [AlwaysInterleave]
    Task<string[]> GetRooms();

    /// <summary>
    /// Gives a proctor id out for an exam day in this Kanreg: the same id to the same name again is fine
    /// (another room, a renewed token); to another name it is <c>proctor.id_taken</c>, so nobody's name
    /// can be put on someone else's record.
    /// </summary>
    Task<Result<bool>> ClaimProctorId(DateOnly date, string proctorId, string name);
}
