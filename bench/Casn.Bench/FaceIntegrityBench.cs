using System.Globalization;
using Casn.Faces;

namespace Casn.Bench;

/// <summary>
/// The figures behind the check-in replay cut-off (<c>Casn:Faces:ReplayCorrelation</c>) and the liveness floor
/// (<c>Casn:Faces:MinLiveness</c>): face-fingerprint correlation between different photos of one person, between
/// different people, and between a photo and copies of it (re-encoded, resized, cropped, brightened, blurred,
/// rotated, framed as on a screen or a print); and the liveness score of real photos and of those copies.
/// The copies are made in software from the shared real photos: no photo of a real screen or print was
/// available here, so the "screen" and "print" copies only imitate one (see docs/faces-integrity.md).
/// </summary>
public static class FaceIntegrityBench
{
    public static async Task Run(BenchOptions options, Figures figures)
    {
        var folder = Path.Combine(Benchmarks.RepoRoot(), "tests", "fixtures", "faces");
        var photos = Directory.GetFiles(folder, "*.jpg")
            .Where(f => !f.Contains("multi", StringComparison.Ordinal) && !f.Contains("partial", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToArray();
        using var engine = new FaceEngine(new FaceOptions(), Environment.ProcessorCount);

        var originals = new List<(string Name, string Person, FaceAnalysis Face)>();
        foreach (var file in photos)
        {
            var name = Path.GetFileNameWithoutExtension(file);
            originals.Add((name, name[..name.LastIndexOf('_')].Replace("_5", "", StringComparison.Ordinal), await engine.AnalyzeAsync(File.ReadAllBytes(file))));
        }

        double Correlation(FaceAnalysis a, FaceAnalysis b) => FaceMath.Cosine(a.Fingerprint, b.Fingerprint);
        var distinct = new List<(string Pair, double Print, double Embedding)>();
        var impostors = new List<double>();
        for (var i = 0; i < originals.Count; i++)
            for (var j = i + 1; j < originals.Count; j++)
            {
                var (a, b) = (originals[i], originals[j]);
                if (a.Person == b.Person)
                    distinct.Add(($"{a.Name}~{b.Name}", Correlation(a.Face, b.Face), FaceMath.Cosine(a.Face.Embedding, b.Face.Embedding)));
                else impostors.Add(Correlation(a.Face, b.Face));
            }

        var copies = new List<(string Variant, string Photo, double Print, double? Liveness, string? Problem)>();
        foreach (var (file, original) in photos.Zip(originals))
        {
            var photo = File.ReadAllBytes(file);
            foreach (var (variant, make) in FaceImitations.All)
            {
                var analysis = await engine.AnalyzeAsync(FaceImitations.Jpeg(photo, make));
                copies.Add((variant, original.Name, analysis.Fingerprint is null ? double.NaN : Correlation(original.Face, analysis), analysis.Liveness, analysis.Problem));
            }
        }

        Console.Error.WriteLine("  distinct photos of one person (fingerprint, embedding):");
        foreach (var (pair, print, embedding) in distinct.OrderByDescending(d => d.Print))
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {pair,-40} {print:0.000} {embedding:0.000}"));
        var floor = new FaceOptions().MinLiveness;
        Console.Error.WriteLine("  copies (min / mean fingerprint correlation with the original; min / mean liveness; below the liveness floor; usable):");
        foreach (var group in copies.GroupBy(c => c.Variant))
        {
            var usable = group.Where(c => c.Problem is null).ToList();
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    {group.Key,-22} {usable.Min(c => c.Print):0.000} / {usable.Average(c => c.Print):0.000}   {usable.Min(c => c.Liveness ?? 1):0.00} / {usable.Average(c => c.Liveness ?? 1):0.00}   {usable.Count(c => c.Liveness < floor)}   {usable.Count}/{group.Count()}"));
        }
        Console.Error.WriteLine("  liveness per photo: real, screen, print:");
        foreach (var original in originals)
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    {original.Name,-22} {original.Face.Liveness:0.00} {copies.Single(c => c.Photo == original.Name && c.Variant == "screen").Liveness:0.00} {copies.Single(c => c.Photo == original.Name && c.Variant == "print").Liveness:0.00}"));

        var usableCopies = copies.Where(c => c.Problem is null).ToList();
        var realLiveness = originals.Select(o => o.Face.Liveness ?? 1).ToList();
        var imitations = usableCopies.Where(c => c.Variant is "screen" or "print").ToList();
        figures.Add(new("face_replay_copy_min_correlation", usableCopies.Min(c => c.Print), "corr",
            $"lowest fingerprint correlation of a software copy of a photo with the photo ({usableCopies.Count} usable copies, {FaceImitations.All.Length} kinds)"));
        figures.Add(new("face_replay_distinct_max_correlation", distinct.Max(d => d.Print), "corr",
            $"highest between different photos of one person ({distinct.Count} pairs; top pair {distinct.MaxBy(d => d.Print).Pair})"));
        figures.Add(new("face_replay_impostor_max_correlation", impostors.Max(), "corr", $"highest between photos of different people ({impostors.Count} pairs)"));
        figures.Add(new("face_liveness_real_min", realLiveness.Min(), "p", $"lowest liveness of the {realLiveness.Count} real photos"));
        figures.Add(new("face_liveness_imitation_mean", imitations.Average(c => c.Liveness ?? 1), "p", $"mean liveness of {imitations.Count} software screen/print imitations"));
        figures.Add(new("face_liveness_imitation_caught_share", imitations.Count(c => c.Liveness < floor) / (double)imitations.Count, "share",
            $"imitations below Casn:Faces:MinLiveness {floor.ToString(CultureInfo.InvariantCulture)}"));
    }
}
