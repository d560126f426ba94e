namespace Casn.Domain.Exams;

/// <summary>How a section's items are scored.</summary>
public enum ScoringKind
{
    /// <summary>One correct option worth <see cref="SectionScoring.CorrectPoints"/>; wrong or blank is 0 (TWK, TIU).</summary>
    RightWrong = 0,

    /// <summary>Every option carries points between the section's minimum and maximum; blank is 0 (TKP).</summary>
    Weighted = 1,
}

[GenerateSerializer, Immutable]
public sealed record SectionScoring(
    [property: Id(0)] ScoringKind Kind,
    [property: Id(1)] int CorrectPoints,
    [property: Id(2)] int MinOptionPoints,
    [property: Id(3)] int MaxOptionPoints)
{
    public int MaxItemPoints => Kind == ScoringKind.RightWrong ? CorrectPoints : MaxOptionPoints;
}

[GenerateSerializer, Immutable]
public sealed record SectionDefinition(
    [property: Id(0)] string Code,
    [property: Id(1)] string Name,
    [property: Id(2)] int ItemCount,
    [property: Id(3)] int OptionCount,
    [property: Id(4)] SectionScoring Scoring)
{
    public int MaxScore => ItemCount * Scoring.MaxItemPoints;
}

[GenerateSerializer, Immutable]
public sealed record SectionMinimum([property: Id(0)] string Section, [property: Id(1)] int Minimum);

/// <summary>
/// A candidate category's passing rule: every section minimum must be met, and the total minimum
/// when there is one (general: per-section minimums; cum laude: total plus TIU).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PassingCategory(
    [property: Id(0)] string Code,
    [property: Id(1)] string Name,
    [property: Id(2)] SectionMinimum[] SectionMinimums,
    [property: Id(3)] int? TotalMinimum);

/// <summary>
/// The rules of one exam, as published: sections in the order they are presented, durations,
/// passing rules per category (none means ranking only, as PPPK 2024) and the ranking tie-break.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ExamBlueprint(
    [property: Id(0)] string Id,
    [property: Id(1)] string Title,
    [property: Id(2)] TimeSpan Duration,
    [property: Id(3)] TimeSpan AccessibleDuration,
    [property: Id(4)] SectionDefinition[] Sections,
    [property: Id(5)] PassingCategory[] PassingCategories,
    [property: Id(6)] string[] TieBreak,
    [property: Id(7)] int ShortlistFactor,
    [property: Id(8)] Results.FinalWeights? FinalWeights = null)
{
    public int ItemCount => Sections.Sum(s => s.ItemCount);

    public int MaxScore => Sections.Sum(s => s.MaxScore);

    public bool HasPassingRules => PassingCategories.Length > 0;

    public string[] SectionCodes => [.. Sections.Select(s => s.Code)];

    public PassingCategory? FindCategory(string code) =>
        PassingCategories.FirstOrDefault(c => string.Equals(c.Code, code, StringComparison.Ordinal));

    public TimeSpan DurationFor(bool accessible) => accessible ? AccessibleDuration : Duration;
}

/// <summary>
/// One bank item. <see cref="Points"/> gives the points of each option in bank order, which makes one
/// scoring rule serve both kinds: right/wrong items have one non-zero entry, weighted items have all.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ItemDefinition(
    [property: Id(0)] string Id,
    [property: Id(1)] string Section,
    [property: Id(2)] string Stem,
    [property: Id(3)] string[] Options,
    [property: Id(4)] int[] Points);

/// <summary>A blueprint with its item bank: everything the service needs to run the exam.</summary>
[GenerateSerializer, Immutable]
public sealed record ExamDefinition(
    [property: Id(0)] ExamBlueprint Blueprint,
    [property: Id(1)] string BankVersion,
    [property: Id(2)] ItemDefinition[] Items)
{
    public string Id => Blueprint.Id;
}
