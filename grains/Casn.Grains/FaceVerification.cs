using Casn.Faces;
using Orleans.Runtime.Placement.Filtering;

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

/// <summary>
/// The face pool: every face check of the service (enrolment, check-in, in-exam frames) runs here. A stateless worker is
/// activated on the calling silo when that silo has face workers; a silo with <c>Casn:Faces:Workers=0</c> does not host
/// this grain at all (<see cref="GrainServices.AddCasnGrains"/>), so its calls are placed on another silo, one of its own
/// Kanreg first (the silos' <c>casn.region</c> metadata), else any.
/// </summary>
[StatelessWorker]
[Reentrant]
// Orleans marks its metadata filters as evaluation (ORLEANSEXP004); this is exactly the behaviour wanted, and the two-silo
// FacePoolPlacementTests would catch a change in it.
#pragma warning disable ORLEANSEXP004
[PreferredMatchSiloMetadataPlacementFilter([KanregPlacementStrategy.RegionMetadataKey], 1)]
#pragma warning restore ORLEANSEXP004
public sealed class FaceVerifierGrain(FaceVerification faces) : Grain, IFaceVerifierGrain
{
    Task<FaceCheck> IFaceVerifierGrain.Analyze(byte[] image) => faces.Analyze(image);
}
