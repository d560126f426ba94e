using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace Casn.Faces;

/// <summary>
/// One worker's face pipeline: decode, detect, landmarks, 5-point alignment, embedding, liveness.
/// It owns one ONNX session per model, each on one thread (batching gains nothing on CPU; parallel
/// workers do), and reuses its input buffers. Images are handled in managed code only (<see cref="Picture"/>).
/// Not thread-safe: use one per thread, or <see cref="FaceEngine"/>.
/// </summary>
public sealed class FacePipeline : IDisposable
{
    const int DetectWidth = 320, DetectHeight = 240, LandmarkSide = 64, AlignedSide = 112, LivenessSide = 128, PrintSide = 16;
    const double LivenessCropScale = 2.7;

    /// <summary>Where the five points sit in a 112x112 aligned face (the embedder's training template).</summary>
    static readonly (double X, double Y)[] Template =
        [(38.2946, 51.6963), (73.5318, 51.5014), (56.0252, 71.7366), (41.5493, 92.3655), (70.7299, 92.2041)];

    readonly FaceOptions _options;
    readonly Model _detector, _landmarks, _embedder, _liveness;
    Picture _aligned = null!;
    /// <summary>The detector's input picture, reused: at 320x240 it would be a large-object allocation per check.</summary>
    readonly Picture _detectImage = new(DetectWidth, DetectHeight);

    public FacePipeline(FaceModelSet models, FaceOptions options)
    {
        _options = options;
        _detector = new Model(models.Detector, [1, 3, DetectHeight, DetectWidth]);
        _landmarks = new Model(models.Landmarks, [1, 1, LandmarkSide, LandmarkSide]);
        _embedder = new Model(models.Embedder, [1, 3, AlignedSide, AlignedSide]);
        _liveness = new Model(models.Liveness, [1, 3, LivenessSide, LivenessSide]);
    }

    public FaceAnalysis Analyze(byte[] image)
    {
        var clock = Stopwatch.StartNew();
        var problem = ImageGate.Check(image, _options, out _);
        if (problem is not null) return FaceAnalysis.Rejected(problem, Timings(clock.Elapsed.TotalMilliseconds));

        using var decoded = Picture.Decode(image);
        var decodeMs = Lap(clock);
        if (decoded is null) return FaceAnalysis.Rejected(FaceCodes.ImageCorrupt, Timings(decodeMs));
        int width = decoded.Width, height = decoded.Height;

        var faces = Detect(decoded);
        var detectMs = Lap(clock);
        if (faces.Count == 0) return new(FaceCodes.NoFace, 0, null, null, null, width, height, Timings(decodeMs, detectMs));
        var face = faces.MaxBy(f => f.Area);

        var points = Landmarks(decoded, face);
        var landmarksMs = Lap(clock);
        Align(decoded, points);
        var alignMs = Lap(clock);
        var embedding = Embed();
        var print = Fingerprint();
        var embedMs = Lap(clock);
        var liveness = Liveness(decoded, face);
        var livenessMs = Lap(clock);

        var significant = faces.Count(f => f.Height >= _options.MinFaceHeight);
        var problemWithFace = significant > 1 ? FaceCodes.SeveralFaces
            : face.Height < _options.MinFaceHeight ? FaceCodes.FaceTooSmall
            : IsPartial(face, width, height) ? FaceCodes.FacePartial
            : null;
        return new(problemWithFace, faces.Count, face, embedding, liveness, width, height,
            new StageTimings(decodeMs, detectMs, landmarksMs, alignMs, embedMs, livenessMs), print);
    }

    static StageTimings Timings(double decodeMs, double detectMs = 0) => new(decodeMs, detectMs, 0, 0, 0, 0);

    static double Lap(Stopwatch clock)
    {
        var ms = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        return ms;
    }

    bool IsPartial(FaceBox face, int width, int height)
    {
        var outsideX = (Math.Max(0, -face.X1) + Math.Max(0, face.X2 - width)) / face.Width;
        var outsideY = (Math.Max(0, -face.Y1) + Math.Max(0, face.Y2 - height)) / face.Height;
        return Math.Max(outsideX, outsideY) > _options.MaxOutsideShare;
    }

    // ---- detection: BGR, (p-127)/128; boxes are decoded corners in [0,1], scores[...,1] a probability ----

    List<FaceBox> Detect(Picture image)
    {
        FillChw(image.ResizeLinear(DetectWidth, DetectHeight, _detectImage), _detector.Input, bgr: true, scale: 1f / 128, offset: -127f / 128);
        using var outputs = _detector.Run();
        var scores = outputs[_detector.OutputIndex("scores")].GetTensorDataAsSpan<float>();
        var boxes = outputs[_detector.OutputIndex("boxes")].GetTensorDataAsSpan<float>();
        var candidates = new List<FaceBox>();
        for (var i = 0; i < scores.Length / 2; i++)
        {
            var score = scores[i * 2 + 1];
            if (score < _options.DetectionThreshold) continue;
            candidates.Add(new FaceBox(boxes[i * 4] * image.Width, boxes[i * 4 + 1] * image.Height,
                boxes[i * 4 + 2] * image.Width, boxes[i * 4 + 3] * image.Height, score));
        }
        return NonMaximumSuppression(candidates, _options.NmsIou);
    }

    public static List<FaceBox> NonMaximumSuppression(List<FaceBox> boxes, double iouLimit)
    {
        var kept = new List<FaceBox>();
        foreach (var box in boxes.OrderByDescending(b => b.Score))
            if (kept.All(k => Iou(k, box) <= iouLimit)) kept.Add(box);
        return kept;
    }

    static double Iou(FaceBox a, FaceBox b)
    {
        var w = Math.Min(a.X2, b.X2) - Math.Max(a.X1, b.X1);
        var h = Math.Min(a.Y2, b.Y2) - Math.Max(a.Y1, b.Y1);
        if (w <= 0 || h <= 0) return 0;
        var overlap = w * h;
        return overlap / (a.Area + b.Area - overlap);
    }

    // ---- landmarks: square crop (side = box height), 64x64 grey / 256; points relative to the crop ----

    (double X, double Y)[] Landmarks(Picture image, FaceBox face)
    {
        var side = face.Height;
        var crop = CropRect(image, (face.X1 + face.X2) / 2, (face.Y1 + face.Y2) / 2, side, side);
        var grey = image.ResizeLinear(crop.X, crop.Y, crop.Width, crop.Height, LandmarkSide, LandmarkSide).Grey();
        var input = _landmarks.Input;
        for (var i = 0; i < grey.Length; i++) input[i] = grey[i] / 256f;
        using var outputs = _landmarks.Run();
        var raw = outputs[0].GetTensorDataAsSpan<float>();
        var all = new (double X, double Y)[raw.Length / 2];
        for (var k = 0; k < all.Length; k++) all[k] = (raw[2 * k] * crop.Width + crop.X, raw[2 * k + 1] * crop.Height + crop.Y);
        (double X, double Y) Point(int k) => all[k];
        (double X, double Y) Mean(params int[] ks) => (ks.Average(k => all[k].X), ks.Average(k => all[k].Y));
        // Eye centres from the four eyelid points each, the nose tip, mouth corners from two points each.
        return [Mean(37, 38, 40, 41), Mean(43, 44, 46, 47), Point(30), Mean(48, 60), Mean(54, 64)];
    }

    /// <summary>A w x h rectangle centred on (cx, cy), shifted to lie inside the image and cut to it if larger.</summary>
    static (int X, int Y, int Width, int Height) CropRect(Picture image, double cx, double cy, double w, double h)
    {
        w = Math.Clamp(w, 1, image.Width);
        h = Math.Clamp(h, 1, image.Height);
        var x = Math.Clamp(cx - w / 2, 0, image.Width - w);
        var y = Math.Clamp(cy - h / 2, 0, image.Height - h);
        return ((int)x, (int)y, Math.Max(1, (int)w), Math.Max(1, (int)h));
    }

    // ---- alignment: least-squares similarity on all five points; large faces are first shrunk by area averaging ----

    void Align(Picture image, (double X, double Y)[] points)
    {
        var transform = SimilarityTransform.Fit(points, Template);
        var scale = transform.Scale;
        if (scale >= 1)
        {
            WarpInto(image, transform);
            return;
        }
        // The region of the source that lands in the 112x112 window, shrunk to template scale first.
        var corners = new[] { (0.0, 0.0), (AlignedSide, 0.0), (0.0, AlignedSide), (AlignedSide, AlignedSide) }
            .Select(c => Inverse(transform, c.Item1, c.Item2)).ToArray();
        var left = (int)Math.Floor(Math.Max(0, corners.Min(c => c.X) - 2));
        var top = (int)Math.Floor(Math.Max(0, corners.Min(c => c.Y) - 2));
        var right = (int)Math.Ceiling(Math.Min(image.Width, corners.Max(c => c.X) + 2));
        var bottom = (int)Math.Ceiling(Math.Min(image.Height, corners.Max(c => c.Y) + 2));
        if (right - left < 2 || bottom - top < 2)
        {
            WarpInto(image, transform);
            return;
        }
        var (regionWidth, regionHeight) = (right - left, bottom - top);
        var shrunk = image.ResizeArea(left, top, regionWidth, regionHeight,
            Math.Max(1, (int)Math.Round(regionWidth * scale)), Math.Max(1, (int)Math.Round(regionHeight * scale)));
        var factor = (double)shrunk.Width / regionWidth;
        WarpInto(shrunk, transform.ForResampledSource(factor, left, top));
    }

    static (double X, double Y) Inverse(SimilarityTransform t, double x, double y)
    {
        var determinant = t.A * t.A + t.B * t.B;
        var (dx, dy) = (x - t.Tx, y - t.Ty);
        return ((t.A * dx + t.B * dy) / determinant, (-t.B * dx + t.A * dy) / determinant);
    }

    void WarpInto(Picture source, SimilarityTransform t) => _aligned = source.WarpSimilarity(t.A, t.B, t.Tx, t.Ty, AlignedSide);

    // ---- embedding: RGB, (p-127)/128 ----

    float[] Embed()
    {
        FillChw(_aligned, _embedder.Input, bgr: false, scale: 1f / 128, offset: -127f / 128);
        using var outputs = _embedder.Run();
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    // ---- fingerprint: the aligned face as 16x16 grey, centred and scaled to unit length ----

    /// <summary>
    /// What the aligned face looks like, pixel for pixel, at low resolution. Two different photos of one
    /// person differ here (light, pose, expression) even when their embeddings agree; a copy of a photo
    /// (re-encoded, resized, brightened, shown on a screen) does not. The correlation of two prints is
    /// their cosine (<see cref="FaceMath.Cosine"/>).
    /// </summary>
    float[] Fingerprint()
    {
        // Shrink first, then grey: 7x7 averages of colour, then luma (the same as the other way round, up to rounding).
        var grey = _aligned.ResizeArea(PrintSide, PrintSide).Grey();
        var print = grey.Select(g => (float)g).ToArray();
        var mean = print.Average();
        for (var i = 0; i < print.Length; i++) print[i] -= mean;
        return print;
    }

    // ---- liveness: 2.7x the box, 128x128, raw BGR 0..255, softmax, class 0 = live ----

    double Liveness(Picture image, FaceBox face)
    {
        var scale = Math.Min(Math.Min((image.Height - 1) / face.Height, (image.Width - 1) / face.Width), LivenessCropScale);
        var crop = CropRect(image, (face.X1 + face.X2) / 2, (face.Y1 + face.Y2) / 2, face.Width * scale, face.Height * scale);
        FillChw(image.ResizeLinear(crop.X, crop.Y, crop.Width, crop.Height, LivenessSide, LivenessSide), _liveness.Input, bgr: true, scale: 1f, offset: 0f);
        using var outputs = _liveness.Run();
        var logits = outputs[0].GetTensorDataAsSpan<float>();
        var max = Math.Max(logits[0], Math.Max(logits[1], logits[2]));
        double sum = 0;
        for (var i = 0; i < 3; i++) sum += Math.Exp(logits[i] - max);
        return Math.Exp(logits[0] - max) / sum;
    }

    /// <summary>Writes an 8-bit RGB image into a planar float buffer, in RGB or BGR plane order: value * scale + offset.</summary>
    static void FillChw(Picture image, float[] target, bool bgr, float scale, float offset)
    {
        ReadOnlySpan<byte> pixels = image.Rgb;
        var plane = image.Width * image.Height;
        for (var i = 0; i < plane; i++)
        {
            float r = pixels[i * 3], g = pixels[i * 3 + 1], b = pixels[i * 3 + 2];
            target[i] = (bgr ? b : r) * scale + offset;
            target[plane + i] = g * scale + offset;
            target[2 * plane + i] = (bgr ? r : b) * scale + offset;
        }
    }

    public void Dispose()
    {
        _detector.Dispose(); _landmarks.Dispose(); _embedder.Dispose(); _liveness.Dispose();
    }

    /// <summary>An ONNX session on one thread, with its input buffer allocated once.</summary>
    sealed class Model : IDisposable
    {
        readonly InferenceSession _session;
        readonly OrtValue _inputValue;
        readonly string[] _inputNames;
        readonly string[] _outputNames;
        readonly RunOptions _run = new();

        public Model(string path, long[] shape)
        {
            using var options = new SessionOptions
            {
                IntraOpNumThreads = 1,
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            };
            _session = new InferenceSession(path, options);
            Input = new float[shape.Aggregate(1L, (a, b) => a * b)];
            _inputValue = OrtValue.CreateTensorValueFromMemory(Input, shape);
            _inputNames = [.. _session.InputMetadata.Keys];
            _outputNames = [.. _session.OutputMetadata.Keys];
        }

        public float[] Input { get; }

        public int OutputIndex(string name) => Array.IndexOf(_outputNames, name) is var i and >= 0
            ? i : throw new FaceModelException($"The model has no output '{name}' (it has {string.Join(", ", _outputNames)}).");

        public IDisposableReadOnlyCollection<OrtValue> Run() => _session.Run(_run, _inputNames, [_inputValue], _outputNames);

        public void Dispose()
        {
            _inputValue.Dispose();
            _run.Dispose();
            _session.Dispose();
        }
    }
}
