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

/// <summary>
/// A per-silo cache of defined positions (<see cref="IPositionDirectoryGrain"/>). A position, once defined, stays defined,
/// so only the first question per position and silo reaches the directory; unknown ones are asked again each time (they are
/// refused, and only staff can ask).
/// </summary>
public sealed class PositionCatalog(IGrainFactory grains)
{
    readonly ConcurrentDictionary<string, string[]> _examsByPosition = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="positionId"/> is defined for <paramref name="examId"/>, or for any exam when that is null.</summary>
    public async Task<bool> IsDefined(string positionId, string? examId = null)
    {
        var exams = await ExamsOf(positionId, examId);
        return examId is null ? exams.Length > 0 : exams.Contains(examId);
    }

    /// <summary>
    /// The exams that define the position: from the cache, or asked again when <paramref name="fresh"/>, or when
    /// <paramref name="mustHave"/> is not among those cached (a position may join more exams after it was cached).
    /// </summary>
    public async Task<string[]> ExamsOf(string positionId, string? mustHave = null, bool fresh = false)
    {
        if (fresh || !_examsByPosition.TryGetValue(positionId, out var exams) || mustHave is not null && !exams.Contains(mustHave))
        {
            exams = await grains.GetGrain<IPositionDirectoryGrain>(IPositionDirectoryGrain.National).ExamsOf(positionId);
            if (exams.Length > 0) _examsByPosition[positionId] = exams;
        }
        return exams;
    }
}
