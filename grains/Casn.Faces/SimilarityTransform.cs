namespace Casn.Faces;

/// <summary>
/// The least-squares similarity transform (rotation, uniform scale, translation; no shear) that maps
/// source points onto destination points. Fitting all five landmarks this way is what keeps faces
/// undistorted: an exact affine fit on three points shears them (faces.md).
/// </summary>
public readonly record struct SimilarityTransform(double A, double B, double Tx, double Ty)
{
    /// <summary>x' = A x - B y + Tx; y' = B x + A y + Ty.</summary>
    public (double X, double Y) Apply(double x, double y) => (A * x - B * y + Tx, B * x + A * y + Ty);

    public double Scale => Math.Sqrt(A * A + B * B);

    public static SimilarityTransform Fit(ReadOnlySpan<(double X, double Y)> source, ReadOnlySpan<(double X, double Y)> target)
    {
        if (source.Length != target.Length || source.Length < 2) throw new ArgumentException("Need two or more matching points.");
        double sx = 0, sy = 0, tx = 0, ty = 0;
        for (var i = 0; i < source.Length; i++)
        {
            sx += source[i].X; sy += source[i].Y; tx += target[i].X; ty += target[i].Y;
        }
        var n = source.Length;
        sx /= n; sy /= n; tx /= n; ty /= n;
        double dot = 0, cross = 0, norm = 0;
        for (var i = 0; i < n; i++)
        {
            var (px, py) = (source[i].X - sx, source[i].Y - sy);
            var (qx, qy) = (target[i].X - tx, target[i].Y - ty);
            dot += px * qx + py * qy;
            cross += px * qy - py * qx;
            norm += px * px + py * py;
        }
        if (norm == 0) throw new ArgumentException("Source points coincide.");
        var a = dot / norm;
        var b = cross / norm;
        return new SimilarityTransform(a, b, tx - (a * sx - b * sy), ty - (b * sx + a * sy));
    }

    /// <summary>This transform applied after scaling the source by <paramref name="factor"/> and moving it by (dx, dy).</summary>
    public SimilarityTransform ForResampledSource(double factor, double dx, double dy)
    {
        // p_original = p_resampled / factor + (dx, dy)
        var (ox, oy) = Apply(dx, dy);
        return new SimilarityTransform(A / factor, B / factor, ox, oy);
    }
}
