using System.Globalization;
using System.Text.Json;

namespace Casn.Bench;

/// <summary><c>bench/run [--quick] [--only face,face-integrity,face-stages,answers,boards,proctor,memory,capacity,scaling]</c></summary>
public static class BenchProgram
{
    public static async Task Main(string[] args)
    {

        var quick = args.Contains("--quick");
        var onlyAt = Array.IndexOf(args, "--only");
        var only = onlyAt >= 0 && onlyAt + 1 < args.Length ? args[onlyAt + 1].Split(',') : null;
        var options = new BenchOptions(quick);
        var figures = new List<Figure>();
        var benchmarks = new (string Name, Func<BenchOptions, List<Figure>, Task> Run)[]
        {
            ("face", Benchmarks.Face), ("face-integrity", FaceIntegrityBench.Run), ("face-stages", FaceStagesBench.Run), ("answers", Benchmarks.Answers), ("boards", BoardBench.Run), ("proctor", ProctorBench.Run), ("memory", Benchmarks.Memory), ("capacity", Benchmarks.Capacity), ("scaling", ScalingBench.Run),
        };
        var started = DateTimeOffset.UtcNow;
        foreach (var (name, run) in benchmarks.Where(b => only is null || only.Contains(b.Name)))
        {
            Console.Error.WriteLine($"{name}...");
            await run(options, figures);
        }

        var root = Benchmarks.RepoRoot();
        var results = Path.Combine(root, "bench", "results");
        Directory.CreateDirectory(results);
        var file = Path.Combine(results, $"{started:yyyyMMdd-HHmmss}{(quick ? "-quick" : "")}.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new
        {
            started,
            seconds = (DateTimeOffset.UtcNow - started).TotalSeconds,
            quick,
            machine = new { Environment.MachineName, cores = Environment.ProcessorCount, os = Environment.OSVersion.VersionString, runtime = Environment.Version.ToString() },
            commit = Environment.GetEnvironmentVariable("CASN_COMMIT") ?? "",
            figures,
        }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
        Console.Error.WriteLine($"results: {Path.GetRelativePath(root, file)}");
        foreach (var figure in figures)
            Console.Error.WriteLine($"  {figure.Name}: {figure.Note}");
        // The last lines: one per figure, "name value unit".
        foreach (var figure in figures)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{figure.Name} {figure.Value:0.###} {figure.Unit}"));
    }
}
