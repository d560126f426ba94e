using Casn.Domain;
using Casn.Domain.Rooms;
using Casn.Domain.Sessions;
using Casn.Grains.Abstractions;

namespace Casn.Client;

/// <summary>A fault a grain returned, thrown by <see cref="CasnKeys.Ok{T}"/> for a harness that expects success.</summary>
public sealed class CasnFaultException(Fault fault) : Exception($"{fault.Code}: {fault.Message}")
{
    public Fault Fault { get; } = fault;
}

public static class CasnKeys
{
    /// <summary>The value of a successful result; a fault is thrown with its code.</summary>
    public static T Ok<T>(this Result<T> result) => result.IsOk ? result.Value! : throw new CasnFaultException(result.Fault!);

    /// <summary>A room's grain key: <c>{kanreg}/{site}/{yyyy-MM-dd}/{session}/{room}</c>.</summary>
    public static string RoomKeyOf(string kanreg, string site, DateOnly date, int session, string room) =>
        $"{kanreg}/{site}/{date:yyyy-MM-dd}/{session}/{room}";

    /// <summary>A sitting's grain key: the room's key and the participant number.</summary>
    public static string SessionKeyOf(string roomKey, string participantNo) => $"{roomKey}/{participantNo}";
}

/// <summary>
/// One candidate's sitting driven by grain calls, the way a workstation and a proctor drive it over HTTP: check-in at the
/// room (a PIN), login from a workstation, the paper, answers and the submit.
/// </summary>
public sealed class Sitting(IGrainFactory grains, string roomKey, string participantNo)
{
    string? _credential;

    public IExamRoomGrain Room => grains.GetGrain<IExamRoomGrain>(roomKey);

    public ICandidateSessionGrain Session => grains.GetGrain<ICandidateSessionGrain>(CasnKeys.SessionKeyOf(roomKey, participantNo));

    /// <summary>A manual check-in by a proctor; returns the PIN for the slip.</summary>
    public async Task<string> CheckIn(string proctor, string reason) =>
        (await Room.CheckIn(new CheckInRequest(participantNo, "manual", new ProctorAction(proctor, reason)))).Ok().Pin;

    /// <summary>Logs in from a workstation (its key: 16-128 letters, digits, '-' or '_'); later calls carry its credential.</summary>
    public async Task<LoginGrant> Login(string pin, string workstationId, string workstationKey)
    {
        var grant = (await Session.Login(new LoginRequest(pin, workstationId, workstationKey), "grain-client")).Ok();
        _credential = WorkstationCredential.Of(grant.Token, workstationKey);
        return grant;
    }

    string Credential => _credential ?? throw new InvalidOperationException("Log in first.");

    public async Task<WorkstationPaper> Paper() => (await Session.GetPaper(Credential)).Ok();

    /// <summary>Answers an item: <paramref name="choice"/> is the option's position as the paper shows it, from 0.</summary>
    public async Task<AnswerAck> Answer(long sequence, string itemId, int? choice) =>
        (await Session.SubmitAnswer(Credential, new AnswerSubmission(sequence, itemId, choice))).Ok();

    public async Task<FinalResult> Submit() => (await Session.Submit(Credential)).Ok();
}
