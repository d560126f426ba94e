namespace Casn.Grains.Abstractions;

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

public static class StandInCaseStatuses
{
    public const string Reported = "reported";
    public const string Confirmed = "confirmed";
    public const string Dismissed = "dismissed";
}

/// <summary>
/// A proctor's report that someone sat (or tried to sit) for the candidate: the national operator confirms or
/// dismisses it. A confirmed case blocks the candidate's national ID. Carries no national ID itself.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record StandInCase(
    [property: Id(0)] string SessionKey,
    [property: Id(1)] string ParticipantNo,
    [property: Id(2)] string RoomKey,
    [property: Id(3)] DateTimeOffset ReportedAt,
    [property: Id(4)] string ReportedBy,
    [property: Id(5)] string Reason,
    [property: Id(6)] string? Evidence,
    [property: Id(7)] string Status,
    [property: Id(8)] DateTimeOffset? DecidedAt = null,
    [property: Id(9)] string? DecidedBy = null,
    [property: Id(10)] string? DecisionReason = null);

/// <summary>A registration or seat refused because the national ID is blocked: kept for the audit.</summary>
[GenerateSerializer, Immutable]
public sealed record BlockedAttempt(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string ParticipantNo,
    [property: Id(2)] string Attempt,
    [property: Id(3)] string? RoomKey);

[GenerateSerializer, Immutable]
public sealed record StandInRegister(
    [property: Id(0)] StandInCase[] Cases,
    [property: Id(1)] BlockedAttempt[] Refusals);
