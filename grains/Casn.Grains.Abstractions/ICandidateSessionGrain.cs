namespace Casn.Grains.Abstractions;

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
    [SafeToResend]
    Task<Result<WorkstationPaper>> GetPaper(string credential);

    [SafeToResend]
    Task<Result<AnswerAck>> SubmitAnswer(string credential, AnswerSubmission answer);

    [SafeToResend]
    Task<Result<ClockView>> Heartbeat(string credential);

    /// <summary>A camera frame from the workstation, when the clock view says a face check is due.</summary>
    Task<Result<ClockView>> SubmitFaceFrame(string credential, [Immutable] byte[] frame);

    Task<Result<FinalResult>> Submit(string credential);

    [SafeToResend]
    Task<Result<FinalResult>> GetResult(string credential);

    Task<Result<SessionView>> Suspend(ProctorAction action);

    Task<Result<SessionView>> Resume(ProctorAction action);

    Task<Result<SessionView>> ExtendTime(TimeSpan extra, ProctorAction action);

    Task<Result<SessionView>> Disqualify(ProctorAction action);

    Task<Result<SessionView>> CloseByRoom(ProctorAction action);

    /// <summary>
    /// Moves this sitting, state and all, to <paramref name="silo"/> (a silo of its Kanreg with fewer sittings) once it
    /// is idle. Calls that arrive meanwhile wait and follow it. Nothing moves when the silo cannot host it.
    /// </summary>
    Task MoveTo(SiloAddress silo);

    /// <summary>The sitting with its latest events, for staff. A pure read: it advances no clock and writes nothing.</summary>
    [SafeToResend]
    Task<SessionView?> GetView();

    /// <summary>The sitting's seat line, for a room rebuilding its projection after activation. A pure read.</summary>
    [AlwaysInterleave]
    [SafeToResend]
    Task<SeatLine?> GetSeatLine();

    [AlwaysInterleave]
    [SafeToResend]
    Task<BoardRow?> GetBoardRow();
}

/// <summary>
/// A workstation logs in with the PIN, its id (shown to the proctor) and its own secret key: a random
/// value it made once and keeps. The session token works only together with that key, so a token
/// copied off the wire or the screen cannot be used from another workstation.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LoginRequest(
    [property: Id(0)] string Pin,
    [property: Id(1)] string WorkstationId,
    [property: Id(2)] string WorkstationKey)
{
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"Pin = (hidden), WorkstationId = {WorkstationId}, WorkstationKey = (hidden)");
        return true;
    }
}

/// <summary>The credential that session grain calls take: the session token bound to the workstation key.</summary>
public static class WorkstationCredential
{
    public const int MinKeyLength = 16;
    public const int MaxKeyLength = 128;

    public static string Of(string token, string workstationKey) => $"{token}\n{workstationKey}";

    public static bool IsValidKey(string? key) =>
        key is { Length: >= MinKeyLength and <= MaxKeyLength } && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}

[GenerateSerializer, Immutable]
public sealed record AnswerSubmission(
    [property: Id(0)] long Sequence,
    [property: Id(1)] string ItemId,
    [property: Id(2)] int? Choice);
