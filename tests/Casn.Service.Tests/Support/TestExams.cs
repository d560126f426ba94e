using Casn.Domain.Exams;

namespace Casn.Service.Tests.Support;

public static class TestExams
{
    /// <summary>
    /// The SKD blueprint with a synthetic bank and a chosen duration. The id names the duration, so
    /// every test asking for the same duration shares one exam (defining it again is accepted).
    /// </summary>
    public static ExamDefinition Skd(string idPrefix, TimeSpan? duration = null)
    {
        var length = duration ?? TimeSpan.FromMinutes(100);
        return DemoItemBank.For(Blueprints.SkdCpns2024 with
        {
            Id = $"{idPrefix}-SKD-{length.TotalSeconds}",
            Duration = length,
            AccessibleDuration = length * 1.3,
        });
    }
}
