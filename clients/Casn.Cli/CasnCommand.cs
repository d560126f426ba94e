using System.CommandLine;
using System.Globalization;
using Casn.Faces;

namespace Casn.Cli;

/// <summary>
/// <c>casn</c>, the operator tool. Face commands run the service's own pipeline (Casn.Faces) on the
/// same models, so a result here is the result the service would give. Exit codes: 0 done, 1 the check or import found
/// something (a mismatch, a broken chain, refused lines), 2 the command line or its files are wrong, 3 an import stopped
/// before its end (run it again to resume).
/// </summary>
public static class CasnCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var parsed = Root(stdout, stderr).Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) stderr.WriteLine(error.Message);
            stderr.WriteLine($"See 'casn {string.Join(' ', CommandPath(parsed.CommandResult).Append("--help"))}'.");
            return 2;
        }
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false }, cancellationToken);
        }
        catch (Exception error) when (error is ArgumentException or FaceModelException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine(error.Message);
            return 2;
        }
    }

    /// <summary>
    /// A whole number option parsed and range-checked in one step (a validator would also run on a value that did not parse,
    /// and throw); out of range or not a number, the parse error names the range.
    /// </summary>
    public static Option<int> Ranged(string name, string description, int fallback, int min, int max) => new(name)
    {
        Description = $"{description} ({min}-{max}; default {fallback})",
        DefaultValueFactory = _ => fallback,
        CustomParser = r => int.TryParse(r.Tokens[0].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n : Refuse(r, $"{name} must be {min}-{max}.", 0),
    };

    static T? Refuse<T>(System.CommandLine.Parsing.ArgumentResult result, string message, T? placeholder = default)
    {
        result.AddError(message);
        return placeholder;
    }

    static IEnumerable<string> CommandPath(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new Stack<string>();
        for (var at = result; at is not null && at.Command is not RootCommand; at = at.Parent as System.CommandLine.Parsing.CommandResult)
            names.Push(at.Command.Name);
        return names;
    }

    static RootCommand Root(TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("casn: the operator tool of Casn.Orleans (faces, audit, tokens, bulk imports).");
        root.Subcommands.Add(Face(stdout, stderr));
        root.Subcommands.Add(AuditCommand.Command(stdout));
        root.Subcommands.Add(TokenCommand.Command(stdout));
        root.Subcommands.Add(ImportCommand.Command(stdout, stderr));
        return root;
    }

    static Command Face(TextWriter stdout, TextWriter stderr)
    {
        var models = new Option<string?>("--models") { Description = "The folder of the ONNX models (default: onnx-models/ of this checkout)." };
        var threshold = new Option<double?>("--threshold")
        {
            Description = "Cosine similarity from which two faces match (-1 to 1; default: the service's).",
            CustomParser = r => double.TryParse(r.Tokens[0].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var t) && t is >= -1 and <= 1
                ? t : Refuse<double?>(r, "--threshold must be a number between -1 and 1."),
        };

        var pairs = new Option<FileInfo>("--pairs") { Description = "CSV of 'file_x,file_y[,anything]' lines (a header line is allowed).", Required = true };
        var images = new Option<DirectoryInfo>("--images") { Description = "The folder the pairs' files are in.", Required = true };
        var compare = new Command("compare", "Compare photo pairs: prints 'file_x,file_y,similarity,match' per pair; a summary goes to stderr.") { pairs, images, threshold, models };
        compare.SetAction((parsed, _) => Compare(parsed.GetValue(pairs)!.FullName, parsed.GetValue(images)!.FullName, parsed.GetValue(threshold), parsed.GetValue(models), stdout, stderr));

        var image = new Argument<FileInfo>("IMAGE") { Description = "A JPEG, PNG or WebP photo." };
        var check = new Command("check", "Faces found, quality problem if any, liveness, and time per stage for one image.") { image, threshold, models };
        check.SetAction((parsed, _) => Check(parsed.GetValue(image)!.FullName, parsed.GetValue(threshold), parsed.GetValue(models), stdout));

        return new Command("face", "Run the service's face pipeline on local photos.") { compare, check };
    }

    static FaceEngine EngineFor(double? threshold, string? models)
    {
        var faceOptions = new FaceOptions();
        if (models is not null) faceOptions.ModelDirectory = models;
        if (threshold is { } t) faceOptions.MatchThreshold = t;
        return new FaceEngine(faceOptions, Environment.ProcessorCount);
    }

    static async Task<int> Compare(string pairsPath, string imageDirectory, double? threshold, string? models, TextWriter stdout, TextWriter stderr)
    {
        if (!Directory.Exists(imageDirectory)) throw new ArgumentException($"No image folder {imageDirectory}.");
        var pairs = ReadPairs(pairsPath, imageDirectory);
        using var engine = EngineFor(threshold, models);

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

    static async Task<int> Check(string image, double? threshold, string? models, TextWriter stdout)
    {
        if (!File.Exists(image)) throw new ArgumentException($"No image {image}.");
        using var engine = EngineFor(threshold, models);
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
