using Casn.Domain.Exams;
using Casn.Domain.Papers;

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

/// <summary>Fresh key parts, so tests sharing a cluster or a Redis never meet each other's grains.</summary>
public static class TestIds
{
    static int _counter;

    /// <summary>Unique within the run; the process id keeps reruns against one Redis apart too.</summary>
    public static string Next() => $"{Environment.ProcessId % 1000:D3}{Interlocked.Increment(ref _counter):D4}";
}

public static class TestPapers
{
    /// <summary>The shown position of this item's best option (the key, or TKP's highest weight).</summary>
    public static int BestChoice(this PaperItem item) =>
        Array.FindIndex(item.OptionOrder, o => item.Item.Points[o] == item.Item.Points.Max());
}

/// <summary>The face photos in tests/fixtures/faces, copied next to the tests.</summary>
public static class TestPhotos
{
    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", "faces", name));

    /// <summary>A photo as an image/jpeg request body.</summary>
    public static ByteArrayContent Jpeg(string name) =>
        new(Bytes(name)) { Headers = { ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/jpeg") } };
}
