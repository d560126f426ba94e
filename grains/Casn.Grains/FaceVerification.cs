using Casn.Faces;

namespace Casn.Grains;

/// <summary>Face settings beyond the pipeline's own: how many checks may wait for a worker.</summary>
public sealed class FaceAdmissionOptions
{
    public const string Section = "Casn:Faces";

    /// <summary>Pipeline workers on this silo; 0 = one per core.</summary>
    public int Workers { get; set; }

    /// <summary>Checks allowed to wait per worker before new ones are answered "busy".</summary>
    public int QueuePerWorker { get; set; } = 8;
}

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

    public FaceVerification(IOptions<FaceOptions> faces, IOptions<FaceAdmissionOptions> admission)
    {
        var workers = admission.Value.Workers > 0 ? admission.Value.Workers : Environment.ProcessorCount;
        _engine = new FaceEngine(faces.Value, workers);
        _capacity = workers * (1 + Math.Max(0, admission.Value.QueuePerWorker));
    }

    public FaceOptions Options => _engine.Options;

    public int Capacity => _capacity;

    public async Task<FaceCheck> Analyze(byte[] image)
    {
        if (Interlocked.Increment(ref _admitted) > _capacity)
        {
            Interlocked.Decrement(ref _admitted);
            return new FaceCheck(FaceCheck.Busy, 0, null, null, 0);
        }
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

[StatelessWorker]
[Reentrant]
public sealed class FaceVerifierGrain(FaceVerification faces) : Grain, IFaceVerifierGrain
{
    Task<FaceCheck> IFaceVerifierGrain.Analyze(byte[] image) => faces.Analyze(image);
}
