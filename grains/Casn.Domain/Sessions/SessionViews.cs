using Casn.Domain.Scoring;

namespace Casn.Domain.Sessions;

[GenerateSerializer, Immutable]
public sealed record AnswerAck(
    [property: Id(0)] long Sequence,
    [property: Id(1)] string ItemId,
    [property: Id(2)] int? Choice,
    [property: Id(3)] bool Applied,
    [property: Id(4)] DateTimeOffset AcceptedAt,
    [property: Id(5)] bool Replayed);

[GenerateSerializer, Immutable]
public sealed record ClockView(
    [property: Id(0)] SessionStatus Status,
    [property: Id(1)] long RemainingMs,
    [property: Id(2)] long AllowedMs,
    [property: Id(3)] bool Running,
    [property: Id(4)] bool ContactLost,
    [property: Id(5)] DateTimeOffset ServerTime,
    [property: Id(6)] bool FaceCheckDue = false,
    [property: Id(7)] bool AwaitingProctor = false,
    [property: Id(8)] long HeartbeatEveryMs = 10_000);

/// <summary>An item as the workstation shows it: options already in this candidate's order, no points.</summary>
[GenerateSerializer, Immutable]
public sealed record WorkstationItem(
    [property: Id(0)] int Number,
    [property: Id(1)] string ItemId,
    [property: Id(2)] string Section,
    [property: Id(3)] string Stem,
    [property: Id(4)] string[] Options);

[GenerateSerializer, Immutable]
public sealed record WorkstationAnswer([property: Id(0)] string ItemId, [property: Id(1)] int Choice, [property: Id(2)] long Sequence);

[GenerateSerializer, Immutable]
public sealed record WorkstationPaper(
    [property: Id(0)] string ParticipantNo,
    [property: Id(1)] string Name,
    [property: Id(2)] string ExamTitle,
    [property: Id(3)] ClockView Clock,
    [property: Id(4)] WorkstationItem[] Items,
    [property: Id(5)] WorkstationAnswer[] Answers,
    [property: Id(6)] long LastSequence);

[GenerateSerializer, Immutable]
public sealed record LoginGrant(
    [property: Id(0)] string SessionKey,
    [property: Id(1)] string Token,
    [property: Id(2)] ClockView Clock)
{
    // Logs and traces print records; a session token in a log line is a way in.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"SessionKey = {SessionKey}, Token = (hidden), Clock = {Clock}");
        return true;
    }
}

/// <summary>
/// What a proctor or operator sees of one candidate. Carries no national ID or biometric data, and only
/// the latest events (<see cref="EventCount"/> says how many there are), so its size stays bounded.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SessionView(
    [property: Id(0)] string ParticipantNo,
    [property: Id(1)] string Name,
    [property: Id(2)] string Seat,
    [property: Id(3)] SessionStatus Status,
    [property: Id(4)] FinishReason FinishReason,
    [property: Id(5)] int Answered,
    [property: Id(6)] int ItemCount,
    [property: Id(7)] ClockView Clock,
    [property: Id(8)] DateTimeOffset? LastContact,
    [property: Id(9)] string? WorkstationId,
    [property: Id(10)] SessionEvent[] Events,
    [property: Id(11)] FinalResult? Result,
    [property: Id(12)] int EventCount = 0,
    [property: Id(13)] ReloginRequest? ReloginRequest = null,
    [property: Id(14)] int PinFailures = 0);
