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
/// <see cref="Line"/> is the seat line the sitting sent its room with this change (for the room, not for clients).
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
    [property: Id(14)] int PinFailures = 0,
    [property: Id(15), System.Text.Json.Serialization.JsonIgnore] SeatLine? Line = null);

/// <summary>What a sitting's face checks say so far, for the proctor's tile.</summary>
public static class SeatFaceStates
{
    /// <summary>Checked in by hand and no camera frame checked yet.</summary>
    public const string Unchecked = "unchecked";
    public const string Verified = "verified";
    /// <summary>The latest frame showed someone else: the sitting is suspended until a proctor decides.</summary>
    public const string Mismatch = "mismatch";
    /// <summary>The latest frames showed no usable face.</summary>
    public const string Missing = "missing";
}

/// <summary>
/// One seat's line in the proctor's room projection: small and flat, sent one way by the sitting to its room
/// whenever it changes. The clock is given as <see cref="RemainingMs"/> at <see cref="AsOf"/>; a reader
/// moves a running clock on itself, so a ticking clock is not a change. <see cref="Revision"/> orders the
/// lines of one sitting (a late line never replaces a newer one). <see cref="LatestIncident"/> is the room's
/// own, filled in by the room.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SeatLine(
    [property: Id(0)] string ParticipantNo,
    [property: Id(1)] string Name,
    [property: Id(2)] string Seat,
    [property: Id(3)] SessionStatus Status,
    [property: Id(4)] FinishReason FinishReason,
    [property: Id(5)] int Answered,
    [property: Id(6)] int ItemCount,
    [property: Id(7)] long RemainingMs,
    [property: Id(8)] long AllowedMs,
    [property: Id(9)] bool ClockRunning,
    [property: Id(10)] DateTimeOffset AsOf,
    [property: Id(11)] bool ContactLost,
    [property: Id(12)] bool AwaitingProctor,
    [property: Id(13)] DateTimeOffset? LastContact,
    [property: Id(14)] string? WorkstationId,
    [property: Id(15)] string Face,
    [property: Id(16)] ReloginRequest? ReloginRequest,
    [property: Id(17)] int PinFailures,
    [property: Id(18)] int EventCount,
    [property: Id(19)] long Revision = 0,
    [property: Id(20)] Casn.Domain.Rooms.RoomIncident? LatestIncident = null)
{
    /// <summary>The line with its clock moved on to <paramref name="now"/>.</summary>
    public SeatLine At(DateTimeOffset now) => !ClockRunning || now <= AsOf ? this
        : this with { RemainingMs = Math.Max(0, RemainingMs - (long)(now - AsOf).TotalMilliseconds), AsOf = now };

    /// <summary>
    /// Whether the proctor must see this line at once: anything but the answered count, the ticking clock
    /// and the time of the last contact changed (those may wait for the next coalesced send).
    /// </summary>
    public bool DiffersMuchFrom(SeatLine? sent) => sent is null || Steady() != sent.Steady();

    /// <summary>Whether anything at all changed apart from the clock ticking on.</summary>
    public bool DiffersFrom(SeatLine? sent) => sent is null || this with { RemainingMs = 0, AsOf = default, Revision = 0 } != sent with { RemainingMs = 0, AsOf = default, Revision = 0 }
        || ClockRunning && sent.At(AsOf).RemainingMs != RemainingMs;

    SeatLine Steady() => this with { Answered = 0, RemainingMs = ClockRunning ? 0 : RemainingMs, AsOf = default, LastContact = null, Revision = 0 };
}
