using System.Threading.Channels;

namespace Casn.Faces;

/// <summary>
/// A thread-safe front to a fixed set of <see cref="FacePipeline"/> workers: a call borrows one,
/// analyses, and gives it back. With all workers busy, callers wait their turn.
/// </summary>
public sealed class FaceEngine : IDisposable
{
    readonly Channel<FacePipeline> _idle;
    readonly List<FacePipeline> _all = [];

    public FaceEngine(FaceOptions options, int workers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        Options = options;
        var models = FaceModelSet.Load(options.ModelDirectory);
        _idle = Channel.CreateBounded<FacePipeline>(workers);
        for (var i = 0; i < workers; i++)
        {
            var pipeline = new FacePipeline(models, options);
            _all.Add(pipeline);
            _idle.Writer.TryWrite(pipeline);
        }
    }

    public FaceOptions Options { get; }

    public int Workers => _all.Count;

    public async ValueTask<FaceAnalysis> AnalyzeAsync(byte[] image, CancellationToken cancellationToken = default)
    {
        var pipeline = await _idle.Reader.ReadAsync(cancellationToken);
        try
        {
            return pipeline.Analyze(image);
        }
        finally
        {
            _idle.Writer.TryWrite(pipeline);
        }
    }

    public bool IsMatch(double similarity) => Options.IsMatch(similarity);

    public void Dispose()
    {
        foreach (var pipeline in _all) pipeline.Dispose();
    }
}
