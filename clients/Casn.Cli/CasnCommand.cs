using System.Globalization;
using Casn.Faces;

namespace Casn.Cli;

/// <summary>
/// <c>casn</c>, the operator tool. Face commands run the service's own pipeline (Casn.Faces) on the
/// same models, so a result here is the result the service would give.
/// </summary>
public static class CasnCommand
{
    const string Usage = """
        usage:
          casn face compare --pairs PAIRS.csv --images DIR [--threshold T] [--models DIR]
              PAIRS.csv: lines "file_x,file_y[,anything]" (a header line is allowed).
              Prints "file_x,file_y,similarity,match" per pair; a summary goes to stderr.
          casn face check IMAGE [--models DIR]
              Faces found, quality problem if any, liveness, time per stage.
        """ + TokenCommand.Usage + AuditCommand.Usage;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            return args switch
            {
                ["face", "compare", .. var rest] => await Compare(Options(rest), stdout, stderr),
                ["face", "check", var image, .. var rest] => await Check(image, Options(rest), stdout, stderr),
                ["audit", "verify", var archive, .. var rest] => AuditCommand.Verify(archive, Options(rest), stdout),
                ["audit", "verify-announcement", var announcement, .. var rest] => AuditCommand.VerifyAnnouncement(announcement, Options(rest), stdout),
                ["token", "operator", .. var rest] => TokenCommand.Operator(Options(rest), Environment.GetEnvironmentVariable, stdout),
                _ => Fail(stderr, Usage),
            };
        }
        catch (Exception error) when (error is ArgumentException or FaceModelException or IOException)
        {
            return Fail(stderr, error.Message);
        }
    }

    static int Fail(TextWriter stderr, string message)
    {
        stderr.WriteLine(message);
        return 2;
    }

    static Dictionary<string, string> Options(string[] rest)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < rest.Length; i += 2)
        {
            if (!rest[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= rest.Length)
                throw new ArgumentException($"Expected '--name value', got '{rest[i]}'.\n{Usage}");
            options[rest[i][2..]] = rest[i + 1];
        }
        return options;
    }

    static FaceEngine EngineFor(Dictionary<string, string> options)
    {
        var faceOptions = new FaceOptions();
        if (options.TryGetValue("models", out var models)) faceOptions.ModelDirectory = models;
        if (options.TryGetValue("threshold", out var threshold))
            faceOptions.MatchThreshold = double.TryParse(threshold, NumberStyles.Float, CultureInfo.InvariantCulture, out var t) && t is >= -1 and <= 1
                ? t : throw new ArgumentException("--threshold must be a number between -1 and 1.");
        return new FaceEngine(faceOptions, Environment.ProcessorCount);
    }

    static async Task<int> Compare(Dictionary<string, string> options, TextWriter stdout, TextWriter stderr)
    {
        var pairsPath = options.GetValueOrDefault("pairs") ?? throw new ArgumentException($"--pairs is required.\n{Usage}");
        var imageDirectory = options.GetValueOrDefault("images") ?? throw new ArgumentException($"--images is required.\n{Usage}");
        if (!Directory.Exists(imageDirectory)) throw new ArgumentException($"No image folder {imageDirectory}.");
        var pairs = ReadPairs(pairsPath, imageDirectory);
        using var engine = EngineFor(options);

        // Each distinct image is analysed once, on every core; pairs are printed in input order.
        var files = pairs.SelectMany(p => new[] { p.X, p.Y }).Distinct(StringComparer.Ordinal).ToList();
        var analyses = new Dictionary<string, FaceAnalysis>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = engine.Workers }, async (file, token) =>
        {
            var path = Path.Combine(imageDirectory, file);
            var analysis = File.Exists(path)
                ? await engine.AnalyzeAsync(await File.ReadAllBytesAsync(path, token), token)
                : null;
            lock (analyses) analyses[file] = analysis ?? FaceAnalysis.Rejected("file.not_found", new StageTimings(0, 0, 0, 0, 0, 0));
        });

        int matched = 0, compared = 0;
        foreach (var (x, y) in pairs)
        {
            var (a, b) = (analyses[x], analyses[y]);
            if (a.Embedding is null || b.Embedding is null)
            {
                stdout.WriteLine($"{x},{y},,false");
                continue;
            }
            var similarity = FaceMath.Cosine(a.Embedding, b.Embedding);
            var match = engine.IsMatch(similarity);
            compared++;
            if (match) matched++;
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{x},{y},{similarity:0.0000},{(match ? "true" : "false")}"));
        }

        foreach (var (file, analysis) in analyses.Where(a => !a.Value.IsUsable).OrderBy(a => a.Key, StringComparer.Ordinal))
            stderr.WriteLine($"{file}: {analysis.Problem}{(analysis.Embedding is null ? " (not compared)" : " (compared using its largest face)")}");
        stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{pairs.Count} pairs, {compared} compared, {matched} match, {compared - matched} do not, {pairs.Count - compared} not comparable; threshold {engine.Options.MatchThreshold}"));
        return compared == pairs.Count ? 0 : 1;
    }

    static List<(string X, string Y)> ReadPairs(string path, string imageDirectory)
    {
        if (!File.Exists(path)) throw new ArgumentException($"No pairs file {path}.");
        var pairs = new List<(string, string)>();
        var lineNo = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0) continue;
            var fields = line.Split(',');
            if (fields.Length < 2) throw new ArgumentException($"{path}:{lineNo}: expected 'file_x,file_y'.");
            var (x, y) = (fields[0].Trim(), fields[1].Trim());
            // A first line naming no file in the folder is a header.
            if (pairs.Count == 0 && lineNo == 1 && !File.Exists(Path.Combine(imageDirectory, x)) && !File.Exists(Path.Combine(imageDirectory, y))) continue;
            if (x.Contains("..", StringComparison.Ordinal) || y.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(x) || Path.IsPathRooted(y))
                throw new ArgumentException($"{path}:{lineNo}: file names must stay inside the image folder.");
            pairs.Add((x, y));
        }
        return pairs;
    }

    static async Task<int> Check(string image, Dictionary<string, string> options, TextWriter stdout, TextWriter stderr)
    {
        if (!File.Exists(image)) throw new ArgumentException($"No image {image}.");
        using var engine = EngineFor(options);
        var analysis = await engine.AnalyzeAsync(await File.ReadAllBytesAsync(image));
        var t = analysis.Timings;
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            image: {image} ({analysis.ImageWidth}x{analysis.ImageHeight})
            faces: {analysis.FaceCount}
            quality: {analysis.Problem ?? "ok"}
            face: {(analysis.Face is { } f ? $"x {f.X1:0}..{f.X2:0}, y {f.Y1:0}..{f.Y2:0}, detector score {f.Score:0.000}" : "none")}
            liveness: {(analysis.Liveness is { } live ? $"{live:0.000} (a signal for a person to weigh, not a verdict)" : "n/a")}
            time: decode {t.DecodeMs:0.0} ms, detect {t.DetectMs:0.0}, landmarks {t.LandmarksMs:0.0}, align {t.AlignMs:0.0}, embed {t.EmbedMs:0.0}, liveness {t.LivenessMs:0.0}; total {t.TotalMs:0.0} ms
            """));
        return analysis.IsUsable ? 0 : 1;
    }
}
