using Casn.Faces;

namespace Casn.Grains;

/// <summary>
/// The silo's face workers (one ONNX session per model per worker) behind bounded admission: at most
/// workers x queue checks are running or waiting; beyond that a check is refused at once as
/// <see cref="FaceCheck.Busy"/>, so a burst never becomes an unbounded pile of images in memory.
/// The pipeline is CPU work, so it runs on the thread pool, never on a grain scheduler thread.
/// </summary>
public sealed class FaceVerification : IDisposable
{
    readonly FaceEngine _engine;
    readonly int _capacity;
    int _admitted;

    public FaceVerification(IOptions<FaceOptions> faces)
    {
        var workers = faces.Value.WorkersOnThisSilo;
        if (workers == 0)
            throw new InvalidOperationException($"{FaceOptions.Section}:Workers is 0: this silo does no face work, so it loads no face models.");
        _engine = new FaceEngine(faces.Value, workers);
        _capacity = workers * (1 + Math.Max(0, faces.Value.QueuePerWorker));
    }

    public FaceOptions Options => _engine.Options;

    public int Capacity => _capacity;

    long _analyses;

    /// <summary>Images this silo's workers have analysed (admitted ones; a busy answer is not counted).</summary>
    public long Analyses => Interlocked.Read(ref _analyses);

    public async Task<FaceCheck> Analyze(byte[] image)
    {
        if (Interlocked.Increment(ref _admitted) > _capacity)
        {
            Interlocked.Decrement(ref _admitted);
            return new FaceCheck(FaceCheck.Busy, 0, null, null, 0);
        }
        Interlocked.Increment(ref _analyses);
        try
        {
            var analysis = await Task.Run(async () => await _engine.AnalyzeAsync(image ?? []));
            return new FaceCheck(analysis.Problem, analysis.FaceCount, analysis.Embedding, analysis.Liveness, analysis.Timings.TotalMs, analysis.Fingerprint);
        }
        finally
        {
            Interlocked.Decrement(ref _admitted);
        }
    }

    public bool IsMatch(double similarity) => _engine.IsMatch(similarity);

    public void Dispose() => _engine.Dispose();
}
