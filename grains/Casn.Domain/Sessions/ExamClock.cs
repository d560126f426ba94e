namespace Casn.Domain.Sessions;

/// <summary>
/// A candidate's exam time. The clock runs only while the candidate can work: it stops while the
/// session is suspended or the workstation has lost contact, which is how lost time is given back.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ExamClock(
    [property: Id(0)] TimeSpan Allowed,
    [property: Id(1)] TimeSpan UsedBeforeRun,
    [property: Id(2)] DateTimeOffset? RunningSince)
{
    public static ExamClock NotStarted(TimeSpan allowed) => new(allowed, TimeSpan.Zero, null);

    public bool IsRunning => RunningSince is not null;

    public TimeSpan Used(DateTimeOffset now) =>
        UsedBeforeRun + (RunningSince is { } since && now > since ? now - since : TimeSpan.Zero);

    public TimeSpan Remaining(DateTimeOffset now)
    {
        var remaining = Allowed - Used(now);
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    public bool IsOver(DateTimeOffset now) => Used(now) >= Allowed;

    /// <summary>When time runs out if the clock keeps running; null while stopped.</summary>
    public DateTimeOffset? Deadline => RunningSince is { } since ? since + (Allowed - UsedBeforeRun) : null;

    public ExamClock Run(DateTimeOffset now) => IsRunning ? this : this with { RunningSince = now };

    /// <summary>Stops the clock at <paramref name="at"/>; time after that moment is not counted.</summary>
    public ExamClock Stop(DateTimeOffset at) => IsRunning ? new(Allowed, Used(at), null) : this;

    public ExamClock Extend(TimeSpan extra) => this with { Allowed = Allowed + extra };
}
