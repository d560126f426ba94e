namespace Casn.Faces;

/// <summary>
/// Stable codes for what can be wrong with an image or the face in it. The service passes them to clients
/// as they are (Casn.Domain.ErrorCodes repeats the two the HTTP layer produces itself).
/// </summary>
public static class FaceCodes
{
    public const string ImageEmpty = "image.empty";
    public const string ImageTooLarge = "image.too_large";
    public const string ImageUnsupportedFormat = "image.unsupported_format";
    public const string ImageTooManyPixels = "image.too_many_pixels";
    public const string ImageTooSmall = "image.too_small";
    public const string ImageCorrupt = "image.corrupt";

    public const string NoFace = "face.none";
    public const string SeveralFaces = "face.several";
    public const string FaceTooSmall = "face.too_small";
    public const string FacePartial = "face.partial";
    /// <summary>The liveness score is below <see cref="FaceOptions.MinLiveness"/>: a photo of a photo or a screen, or bad light.</summary>
    public const string NotLive = "face.not_live";
}

public readonly record struct FaceBox(float X1, float Y1, float X2, float Y2, float Score)
{
    public float Width => X2 - X1;

    public float Height => Y2 - Y1;

    public float Area => Math.Max(0, Width) * Math.Max(0, Height);
}

/// <summary>Milliseconds spent in each stage, for the latency figures.</summary>
public sealed record StageTimings(double DecodeMs, double DetectMs, double LandmarksMs, double AlignMs, double EmbedMs, double LivenessMs)
{
    public double TotalMs => DecodeMs + DetectMs + LandmarksMs + AlignMs + EmbedMs + LivenessMs;
}

/// <summary>
/// What one image gave. <see cref="Problem"/> is null when the image holds exactly one usable face;
/// otherwise it is one of <see cref="FaceCodes"/>. With several faces, the largest is still described
/// (a proctor may want to see it), but the result is not usable for verification on its own.
/// </summary>
public sealed record FaceAnalysis(
    string? Problem,
    int FaceCount,
    FaceBox? Face,
    float[]? Embedding,
    double? Liveness,
    int ImageWidth,
    int ImageHeight,
    StageTimings Timings,
    float[]? Fingerprint = null)
{
    public bool IsUsable => Problem is null;

    public static FaceAnalysis Rejected(string problem, StageTimings timings, int width = 0, int height = 0) =>
        new(problem, 0, null, null, null, width, height, timings);
}

public static class FaceMath
{
    /// <summary>Cosine similarity; the embedder's vectors are not normalised.</summary>
    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) throw new ArgumentException("Embeddings differ in length.");
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }
}
