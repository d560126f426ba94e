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
    /// <summary>Registers or updates the candidate; returns the whole record (seats and moves too).</summary>
    Task<Result<CandidateRecord>> Register(CandidateProfile profile);

    Task<CandidateProfile?> GetProfile();

    /// <summary>The profile, the seat held per exam and every move: for operators (the HTTP layer masks the NIK).</summary>
    Task<CandidateRecord?> GetRecord();

    /// <summary>
    /// Claims the candidate's one seat for an exam in a room (the room key names the Kanreg, site and date).
    /// Refused for a room of another Kanreg (<c>candidate.other_kanreg</c>) or site (<c>candidate.other_site</c>)
    /// than the registration, and for a second room for the same exam (<c>candidate.already_seated</c>);
    /// the same room again is accepted. Keeps the biometric data until the retention period after the room's date.
    /// </summary>
    Task<Result<CandidateProfile>> SeatFor(string roomKey, string examId);

    /// <summary>Gives back a seat claimed by <see cref="SeatFor"/> when the room could not take the candidate after all.</summary>
    Task ReleaseSeat(string roomKey, string examId);

    /// <summary>
    /// A national operator moves the candidate to another Kanreg (or site). Seats in rooms the candidate has not
    /// been checked in to are released from those rooms; a checked-in seat refuses the move
    /// (<c>candidate.already_seated</c>). The move is recorded with who made it and why.
    /// </summary>
    Task<Result<CandidateRecord>> Move(CandidateMoveRequest request, string by);

    /// <summary>Deletes the photo and embeddings when the retention period after the last exam has passed; runs daily by reminder.</summary>
    Task<RetentionOutcome> ApplyRetention();

    /// <summary>Stores the registration photo (sealed) and its embedding; the photo must show one usable face.</summary>
    Task<Result<EnrolmentReceipt>> Enrol(byte[] photo);

    /// <summary>
    /// A bulk import's registration: as <see cref="Register"/>, and says whether it created the candidate, changed them,
    /// or found the same profile already stored (then nothing is written).
    /// </summary>
    Task<ImportLineResult> Import(CandidateProfile profile);

    /// <summary>
    /// A bulk import's registration photo: as <see cref="Enrol"/>, but the same photo again (byte for byte) is
    /// <c>unchanged</c> without running the face pipeline. <c>face.busy</c> means: send it again shortly.
    /// </summary>
    Task<ImportLineResult> ImportPhoto(byte[] photo);

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

/// <summary>One candidate's sitting. Key: <c>{room key}/{participantNo}</c>.</summary>
public interface ICandidateSessionGrain : IGrainWithStringKey
{
    Task<Result<SessionView>> Register(SessionSetup setup);

    /// <summary>Withdraws a sitting nobody has checked in to yet (the candidate moved elsewhere): its state is cleared.</summary>
    Task<Result<bool>> Withdraw();

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

    /// <summary>The sitting with its latest events, for staff. A pure read: it advances no clock and writes nothing.</summary>
    Task<SessionView?> GetView();

    /// <summary>The sitting's seat line, for a room rebuilding its projection after activation. A pure read.</summary>
    [AlwaysInterleave]
    Task<SeatLine?> GetSeatLine();

    [AlwaysInterleave]
    Task<BoardRow?> GetBoardRow();
}

/// <summary>
/// The national register of stand-in (joki) cases and of the national IDs they blocked. Key:
/// <see cref="National"/>. Proctors report; a national operator confirms or dismisses; candidates ask it
/// before a registration or a seat is given.
/// </summary>
public interface IStandInRegistryGrain : IGrainWithStringKey
{
    public const string National = "national";

    /// <summary>A proctor's report (the room has already disqualified or turned the person away). The same sitting again is kept once.</summary>
    Task Report(StandInCase report);

    /// <summary>Confirms (the candidate's national ID is blocked from then on) or dismisses a reported case.</summary>
    Task<Result<StandInCase>> Decide(string sessionKey, bool confirm, ProctorAction decision);

    [AlwaysInterleave]
    Task<StandInRegister> GetRegister();

    [AlwaysInterleave]
    Task<bool> IsBlocked(string nationalId);

    /// <summary>A refused registration or seat, for the audit. One way: the refusal does not wait on it.</summary>
    [OneWay]
    Task RecordRefusal(BlockedAttempt attempt);
}

/// <summary>
/// One position (formasi) of one exam and the results of its sittings. Key: <c>{examId}/{positionId}</c>
/// (<see cref="PositionKey"/>). Finished sittings report here; a report is idempotent, so a sitting's reminder may send
/// it again until it is taken.
/// </summary>
public interface IPositionRankingGrain : IGrainWithStringKey
{
    /// <summary>Defines the position, or changes its agency, title or openings; results already reported stay.</summary>
    Task<Result<Casn.Domain.Results.Position>> Define(Casn.Domain.Results.Position position);

    /// <summary>Takes a finished sitting's result; the same participant again changes nothing. Returns the results held.</summary>
    Task<int> Report(Casn.Domain.Results.SittingResult result);

    /// <summary>The SKD standing by the exam's rules: ranked, shortlisted, failed, disqualified. Null until the position is defined.</summary>
    [AlwaysInterleave]
    Task<PositionStanding?> GetStanding();

    /// <summary>
    /// Takes an agency's SKB scores (CSV <c>participantNo,score</c>) for shortlisted candidates: the whole file, or nothing
    /// with every bad line named (<c>skb.invalid</c>). Returns how many scores the file held.
    /// </summary>
    Task<Result<int>> ImportSkb(string csv);

    /// <summary>The final selection: SKD and SKB weighted per exam, ranked, the openings chosen. Null until the position is defined.</summary>
    [AlwaysInterleave]
    Task<FinalSelectionView?> GetFinal();

    /// <summary>
    /// Freezes the standing as the next announcement version, signed with the archive key and stored; the latest is public,
    /// read from blob storage without this grain (see <c>PositionRankingGrain.LatestAnnouncementName</c>).
    /// </summary>
    Task<Result<AnnouncementSummary>> Announce();
}

/// <summary>
/// Every defined position, nationally (key <see cref="National"/>): position id → the exams that define it. Registration and
/// rosters check a candidate's position here (through each silo's <c>PositionCatalog</c>), not by waking ranking grains.
/// </summary>
public interface IPositionDirectoryGrain : IGrainWithStringKey
{
    public const string National = "national";

    Task Add(string examId, string positionId);

    /// <summary>The exams that define the position; none when nobody has.</summary>
    [AlwaysInterleave]
    Task<string[]> ExamsOf(string positionId);

    /// <summary>A position's ranking says how many it shortlists now (a count, not a change, so a repeat is harmless).</summary>
    Task ReportShortlist(string examId, string positionId, int shortlisted);

    /// <summary>Candidates shortlisted per exam, summed over its positions: what the nation's board shows.</summary>
    [AlwaysInterleave]
    Task<Dictionary<string, int>> ShortlistedByExam();
}

/// <summary>The grain key of a position: exam id and position id, both tokens.</summary>
public readonly record struct PositionKey(string ExamId, string PositionId)
{
    public static string Of(string examId, string positionId) => $"{examId}/{positionId}";

    /// <summary>A key made by <see cref="Of"/>: exam ids are tokens, so the first '/' ends the exam's.</summary>
    public static PositionKey Parse(string key)
    {
        var cut = key.IndexOf('/', StringComparison.Ordinal);
        return cut > 0 ? new(key[..cut], key[(cut + 1)..]) : throw new ArgumentException($"'{key}' is not {{examId}}/{{positionId}}.", nameof(key));
    }

    public override string ToString() => Of(ExamId, PositionId);
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

/// <summary>
/// Every Kanreg that has set up a room (key <see cref="IKanregGrain.Directory"/>). Public reads check a made-up
/// region here, in one grain that is always there, instead of activating grains for it.
/// </summary>
public interface IKanregDirectoryGrain : IGrainWithStringKey
{
    Task Add(string region);

    [AlwaysInterleave]
    Task<bool> Has(string region);
}
