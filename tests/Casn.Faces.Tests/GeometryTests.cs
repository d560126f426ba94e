namespace Casn.Faces.Tests;

public sealed class GeometryTests
{
    [Fact]
    public void A_pure_similarity_is_recovered_exactly()
    {
        // Rotate 30 degrees, scale 0.5, move (10, -4).
        var (a, b) = (0.5 * Math.Cos(Math.PI / 6), 0.5 * Math.Sin(Math.PI / 6));
        (double X, double Y)[] source = [(100, 120), (180, 118), (140, 170), (110, 210), (175, 208)];
        var target = source.Select(p => (a * p.X - b * p.Y + 10, b * p.X + a * p.Y - 4)).ToArray();

        var fit = SimilarityTransform.Fit(source, target);

        Assert.Equal(a, fit.A, 9);
        Assert.Equal(b, fit.B, 9);
        Assert.Equal(10, fit.Tx, 9);
        Assert.Equal(-4, fit.Ty, 9);
        Assert.Equal(0.5, fit.Scale, 9);
    }

    [Fact]
    public void Resampling_the_source_keeps_every_point_where_it_lands()
    {
        var fit = new SimilarityTransform(0.3, 0.1, 5, 7);
        var moved = fit.ForResampledSource(0.25, 40, 60);
        // A point at (200, 300) in the original is at ((200-40)*0.25, (300-60)*0.25) in the resampled crop.
        var (x1, y1) = fit.Apply(200, 300);
        var (x2, y2) = moved.Apply(40, 60);
        Assert.Equal(x1, x2, 9);
        Assert.Equal(y1, y2, 9);
    }

    [Fact]
    public void Overlapping_detections_collapse_to_the_most_confident()
    {
        List<FaceBox> boxes = [new(0, 0, 100, 100, 0.9f), new(5, 5, 105, 105, 0.95f), new(300, 300, 380, 380, 0.8f)];
        var kept = FacePipeline.NonMaximumSuppression(boxes, 0.4);
        Assert.Equal([0.95f, 0.8f], kept.Select(b => b.Score));
    }
}
