using Casn.Faces;

namespace Casn.Bench;

/// <summary>Milliseconds per pipeline stage on one worker, mean over the shared portraits (warm): where a check's time goes.</summary>
public static class FaceStagesBench
{
    public static async Task Run(BenchOptions options, Figures figures)
    {
        var folder = Path.Combine(Benchmarks.RepoRoot(), "tests", "fixtures", "faces");
        var photos = Directory.GetFiles(folder, "*.jpg").Where(f => !f.Contains("multi", StringComparison.Ordinal) && !f.Contains("partial", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();
        // Webcam-size frames too: what in-exam checks send.
        var frames = photos.Select(p => FaceImitations.Jpeg(p, image => FaceImitations.Fit(image, 640, 480))).ToArray();
        using var engine = new FaceEngine(new FaceOptions(), workers: 1);
        foreach (var (name, images) in new[] { ("photo", photos), ("frame", frames) })
        {
            foreach (var image in images) await engine.AnalyzeAsync(image);
            var rounds = options.Quick ? 3 : 10;
            var timings = new List<StageTimings>();
            for (var round = 0; round < rounds; round++)
                foreach (var image in images) timings.Add((await engine.AnalyzeAsync(image)).Timings);
            void Add(string stage, Func<StageTimings, double> of) =>
                figures.Add(new($"face_{name}_{stage}_ms", timings.Average(of), "ms", $"mean over {timings.Count} checks of {images.Length} {name}s, one worker"));
            Add("decode", t => t.DecodeMs);
            Add("detect", t => t.DetectMs);
            Add("landmarks", t => t.LandmarksMs);
            Add("align", t => t.AlignMs);
            Add("embed", t => t.EmbedMs);
            Add("liveness", t => t.LivenessMs);
            Add("total", t => t.TotalMs);
        }
    }
}
