using System.Collections.Concurrent;

namespace Casn.Grains;

/// <summary>
/// A per-silo cache of exam definitions. Definitions never change once defined, so thousands of
/// session activations on a silo share one copy instead of each asking the exam grain.
/// </summary>
public sealed class ExamCatalog(IGrainFactory grains)
{
    readonly ConcurrentDictionary<string, ExamDefinition> _cache = new(StringComparer.Ordinal);

    public async Task<ExamDefinition?> Find(string examId)
    {
        if (_cache.TryGetValue(examId, out var cached)) return cached;
        var definition = await grains.GetGrain<IExamGrain>(examId).GetDefinition();
        if (definition is not null) _cache.TryAdd(examId, definition);
        return definition;
    }
}
