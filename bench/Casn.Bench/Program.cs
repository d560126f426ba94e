using System.Collections;
using System.Globalization;
using System.Text.Json;

namespace Casn.Bench;

/// <summary><c>bench/run [--quick] [--only face,face-integrity,face-stages,answers,boards,proctor,memory,capacity,ranking,import,import-photos,sim,scaling,elastic]</c></summary>
public static class BenchProgram
{
    public static async Task<int> Main(string[] args)
    {
        var quick = args.Contains("--quick");
        var onlyAt = Array.IndexOf(args, "--only");
        var only = onlyAt >= 0 && onlyAt + 1 < args.Length ? args[onlyAt + 1].Split(',') : null;
        var options = new BenchOptions(quick);
        var benchmarks = new (string Name, Func<BenchOptions, Figures, Task> Run)[]
        {
            ("face", Benchmarks.Face), ("face-integrity", FaceIntegrityBench.Run), ("face-stages", FaceStagesBench.Run), ("answers", Benchmarks.Answers), ("boards", BoardBench.Run), ("proctor", ProctorBench.Run), ("memory", Benchmarks.Memory), ("capacity", Benchmarks.Capacity), ("ranking", RankingBench.Run), ("import", ImportBench.Run), ("import-photos", ImportBench.RunPhotos), ("sim", ImportBench.SimulatedDay), ("scaling", ScalingBench.Run), ("elastic", ElasticBench.Run),
        };
        var root = Benchmarks.RepoRoot();
        var started = DateTimeOffset.UtcNow;
        var figures = new Figures(Path.Combine(root, "bench", "results", $"{started:yyyyMMdd-HHmmss}{(quick ? "-quick" : "")}.json"), started, quick);
        foreach (var (name, run) in benchmarks.Where(b => only is null || only.Contains(b.Name)))
        {
            Console.Error.WriteLine($"{name}...");
            try
            {
                await run(options, figures);
            }
            catch (Exception exception)
            {
                // One benchmark failing (a missing tool, a port taken) keeps what was measured and runs the rest.
                figures.Failed(name, exception);
                Console.Error.WriteLine($"{name} failed: {exception}");
            }
        }
        figures.Save();

        Console.Error.WriteLine($"results: {Path.GetRelativePath(root, figures.File)}");
        foreach (var figure in figures)
            Console.Error.WriteLine($"  {figure.Name}: {figure.Note}");
        foreach (var failure in figures.Failures)
            Console.Error.WriteLine($"  FAILED {failure}");
        // The last lines: one per figure, "name value unit".
        foreach (var figure in figures)
            Console.WriteLine(Figures.Line(figure));
        return figures.Failures.Count == 0 ? 0 : 1;
    }
}

/// <summary>
/// The run's figures. Each is written to the results file and printed the moment it is measured, so a benchmark
/// that fails late (or a run cut short) loses nothing measured before it.
/// </summary>
public sealed class Figures(string file, DateTimeOffset started, bool quick) : IEnumerable<Figure>
{
    readonly List<Figure> _figures = [];
    readonly List<string> _failures = [];

    public string File => file;

    public IReadOnlyList<string> Failures => _failures;

    public void Add(Figure figure)
    {
        lock (_figures) _figures.Add(figure);
        Console.Error.WriteLine($"  = {Line(figure)}");
        Save();
    }

    public void Failed(string benchmark, Exception exception)
    {
        lock (_figures) _failures.Add($"{benchmark}: {exception.GetType().Name}: {exception.Message}");
        Save();
    }

    public static string Line(Figure figure) => string.Create(CultureInfo.InvariantCulture, $"{figure.Name} {figure.Value:0.###} {figure.Unit}");

    public void Save()
    {
        Figure[] figures;
        string[] failures;
        lock (_figures) (figures, failures) = ([.. _figures], [.. _failures]);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        System.IO.File.WriteAllText(file, JsonSerializer.Serialize(new
        {
            started,
            seconds = (DateTimeOffset.UtcNow - started).TotalSeconds,
            quick,
            machine = new { Environment.MachineName, cores = Environment.ProcessorCount, os = Environment.OSVersion.VersionString, runtime = Environment.Version.ToString() },
            commit = Environment.GetEnvironmentVariable("CASN_COMMIT") ?? "",
            figures,
            failures,
        }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
    }

    public IEnumerator<Figure> GetEnumerator()
    {
        lock (_figures) return _figures.ToList().GetEnumerator();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
