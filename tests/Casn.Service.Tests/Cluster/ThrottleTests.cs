using Casn.Grains;

namespace Casn.Service.Tests.Cluster;

/// <summary>
/// The rule by which a sitting sends its seat line and its board row: at once after a quiet spell, otherwise
/// once at the spell's end, carrying every change since. (The grain's timers and clock are replaced here; the
/// live board tests show the end result on a cluster.)
/// </summary>
public sealed class ThrottleTests
{
    sealed class Harness(long everyMs) : Throttle(everyMs)
    {
        public long Now;
        public int Sent;
        public readonly List<(TimeSpan Due, Handle Handle)> Scheduled = [];

        public Throttle Throttle => this;

        public sealed class Handle : IDisposable
        {
            public bool Disposed;

            public void Dispose() => Disposed = true;
        }

        protected override void Send() => Sent++;

        protected override IDisposable Schedule(TimeSpan due)
        {
            var handle = new Handle();
            Scheduled.Add((due, handle));
            return handle;
        }

        /// <summary>Milliseconds the clock moves on each read (a busy silo: time passes between two reads).</summary>
        public long Tick;

        protected override long NowMs => (Now += Tick) - Tick;
    }

    [Fact]
    public void A_change_at_the_very_end_of_the_interval_is_never_scheduled_in_the_past()
    {
        // The capacity bench found this: the clock read twice moved from 249 ms to 252 ms since the last send, and the
        // held-back send was scheduled at -2 ms, which the grain timer refused, failing an answer that was already stored.
        var h = new Harness(250);
        h.Throttle.Changed();
        h.Now = 249;
        h.Tick = 3;
        h.Throttle.Changed();
        var (due, _) = Assert.Single(h.Scheduled);
        Assert.True(due > TimeSpan.Zero, $"scheduled {due.TotalMilliseconds} ms from now");
        Assert.Equal(TimeSpan.FromMilliseconds(1), due);
        Assert.Equal(1, h.Sent);
    }

    [Fact]
    public void The_first_change_goes_at_once_and_a_burst_after_it_goes_once_at_the_end_of_the_interval()
    {
        var h = new Harness(250);
        h.Throttle.Changed();
        Assert.Equal(1, h.Sent);

        for (var i = 0; i < 40; i++)
        {
            h.Now += 5;
            h.Throttle.Changed();
        }
        Assert.Equal(1, h.Sent);
        var (due, _) = Assert.Single(h.Scheduled);
        Assert.Equal(TimeSpan.FromMilliseconds(245), due);

        // The timer's call:
        h.Now = 250;
        h.Throttle.SendNow();
        Assert.Equal(2, h.Sent);
    }

    [Fact]
    public void A_change_after_a_quiet_interval_is_not_held_back()
    {
        var h = new Harness(250);
        h.Throttle.Changed();
        h.Now += 250;
        h.Throttle.Changed();
        Assert.Equal(2, h.Sent);
        Assert.Empty(h.Scheduled);
    }

    [Fact]
    public void An_urgent_change_goes_at_once_and_drops_the_held_back_send()
    {
        var h = new Harness(250);
        h.Throttle.Changed();
        h.Now += 10;
        h.Throttle.Changed();
        h.Now += 10;
        h.Throttle.Changed(now: true);
        Assert.Equal(2, h.Sent);
        Assert.True(h.Scheduled.Single().Handle.Disposed);
        // The next change is within the interval of the urgent send: held back again, from that send.
        h.Now += 50;
        h.Throttle.Changed();
        Assert.Equal(TimeSpan.FromMilliseconds(200), h.Scheduled[1].Due);
    }

    [Fact]
    public void A_grain_going_away_sends_what_it_held_back_and_nothing_when_it_held_nothing()
    {
        var h = new Harness(500);
        h.Throttle.SendPending();
        Assert.Equal(0, h.Sent);
        h.Throttle.Changed();
        h.Now += 1;
        h.Throttle.Changed();
        h.Throttle.SendPending();
        Assert.Equal(2, h.Sent);
        Assert.True(h.Scheduled.Single().Handle.Disposed);
        h.Throttle.SendPending();
        Assert.Equal(2, h.Sent);
    }
}
