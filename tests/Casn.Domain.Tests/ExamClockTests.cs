using Casn.Domain.Sessions;

namespace Casn.Domain.Tests;

public class ExamClockTests
{
    static readonly DateTimeOffset T0 = new(2024, 10, 16, 8, 0, 0, TimeSpan.FromHours(7));

    [Fact]
    public void A_running_clock_counts_down_to_a_deadline()
    {
        var clock = ExamClock.NotStarted(TimeSpan.FromMinutes(100)).Run(T0);
        Assert.Equal(TimeSpan.FromMinutes(70), clock.Remaining(T0.AddMinutes(30)));
        Assert.Equal(T0.AddMinutes(100), clock.Deadline);
        Assert.False(clock.IsOver(T0.AddMinutes(99)));
        Assert.True(clock.IsOver(T0.AddMinutes(100)));
        Assert.Equal(TimeSpan.Zero, clock.Remaining(T0.AddMinutes(130)));
    }

    [Fact]
    public void A_stopped_clock_does_not_count_the_time_it_was_stopped()
    {
        var clock = ExamClock.NotStarted(TimeSpan.FromMinutes(100)).Run(T0).Stop(T0.AddMinutes(40));
        Assert.Equal(TimeSpan.FromMinutes(60), clock.Remaining(T0.AddHours(3)));
        Assert.Null(clock.Deadline);
        var resumed = clock.Run(T0.AddHours(3));
        Assert.Equal(T0.AddHours(3).AddMinutes(60), resumed.Deadline);
    }

    [Fact]
    public void Extension_moves_the_deadline()
    {
        var clock = ExamClock.NotStarted(TimeSpan.FromMinutes(100)).Run(T0).Extend(TimeSpan.FromMinutes(15));
        Assert.Equal(T0.AddMinutes(115), clock.Deadline);
    }
}
