namespace Casn.Grains.Abstractions;

/// <summary>An exam: its blueprint and item bank. Key: exam id, e.g. <c>CPNS-2024-SKD</c>.</summary>
public interface IExamGrain : IGrainWithStringKey
{
    /// <summary>Defines the exam once; the same definition again is accepted, a different one is refused.</summary>
    Task<Result<ExamSummary>> Define(ExamDefinition definition);

    /// <summary>The full definition, answer keys included: for grains only, never sent to a client.</summary>
    [AlwaysInterleave]
    Task<ExamDefinition?> GetDefinition();

    [AlwaysInterleave]
    Task<ExamSummary?> GetSummary();
}

[GenerateSerializer, Immutable]
public sealed record ExamSummary(
    [property: Id(0)] string Id,
    [property: Id(1)] string Title,
    [property: Id(2)] string BankVersion,
    [property: Id(3)] int ItemCount,
    [property: Id(4)] int BankSize,
    [property: Id(5)] int MaxScore,
    [property: Id(6)] TimeSpan Duration,
    [property: Id(7)] string[] Sections,
    [property: Id(8)] string[] Categories);
