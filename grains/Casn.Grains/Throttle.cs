namespace Casn.Grains;

/// <summary>
/// How a grain sends a projection (a sitting's seat line to its room, its row to the public board) without
/// one message per change: the first change after a quiet spell of <c>everyMs</c> goes at once, and the
/// changes that follow within the spell go as one, when it is over. A busy sender then sends at most once
/// per interval whatever its rate of change, and a quiet one is never held back.
/// </summary>
/// <remarks>
/// A subclass says what to send and how to wait (<see cref="GrainThrottle"/>: a one-shot grain timer, so the
/// held-back send runs on the grain's turn like everything else). Subclasses rather than delegates because a
/// live sitting holds two of these for hours: each is one small object (#14 counts bytes per sitting).
/// </remarks>
public abstract class Throttle(long everyMs)
{
    long _sentAtMs = long.MinValue / 2;
    IDisposable? _pending;

    protected abstract void Send();

    /// <summary>Calls <see cref="SendNow"/> once, after <paramref name="due"/>; disposing the result cancels it.</summary>
    protected abstract IDisposable Schedule(TimeSpan due);

    protected virtual long NowMs => Environment.TickCount64;

    public long SinceSentMs => NowMs - _sentAtMs;

    /// <summary>Sends now when the quiet spell is over (or <paramref name="now"/>), else once at its end.</summary>
    public void Changed(bool now = false)
    {
        // The clock is read once: read again, it may have passed the interval's end, and a due time in the past is
        // refused by the grain timer (found by the capacity bench, where it failed an answer that was already stored).
        var since = SinceSentMs;
        if (now || since >= everyMs) SendNow();
        else _pending ??= Schedule(TimeSpan.FromMilliseconds(everyMs - since));
    }

    public void SendNow()
    {
        Cancel();
        _sentAtMs = NowMs;
        Send();
    }

    /// <summary>Sends a held-back change now, if there is one (the grain is about to go).</summary>
    public void SendPending()
    {
        if (_pending is not null) SendNow();
    }

    /// <summary>Drops a held-back send (the sitting is gone).</summary>
    public void Cancel()
    {
        _pending?.Dispose();
        _pending = null;
    }
}

/// <summary>
/// A throttle whose held-back send is a one-shot timer of its grain. A grain that deactivates sends it first
/// (<see cref="Throttle.SendPending"/>); a crash drops it, as it would drop a one-way message in flight, and the
/// projection catches up at the grain's next change (a workstation's heartbeat is one every 10 s).
/// </summary>
public abstract class GrainThrottle(Grain grain, long everyMs) : Throttle(everyMs)
{
    protected override IDisposable Schedule(TimeSpan due) =>
        grain.RegisterGrainTimer(() => { SendNow(); return Task.CompletedTask; }, new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan));
}
