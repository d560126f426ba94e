namespace Casn.Domain.Exams;

/// <summary>Checks an exam definition before it is accepted, and says every problem it finds.</summary>
public static class ExamValidator
{
    public static IReadOnlyList<string> Validate(ExamDefinition exam)
    {
        var problems = new List<string>();
        var blueprint = exam.Blueprint;
        if (blueprint is null) return ["blueprint is required."];
        if (!Keys.IsValidToken(blueprint.Id, 64)) problems.Add("id must be 1-64 letters, digits or '-'.");
        if (string.IsNullOrWhiteSpace(blueprint.Title)) problems.Add("title is required.");
        if (blueprint.Duration <= TimeSpan.Zero) problems.Add("duration must be positive.");
        if (blueprint.AccessibleDuration < blueprint.Duration) problems.Add("accessibleDuration must be at least duration.");
        if (blueprint.ShortlistFactor < 1) problems.Add("shortlistFactor must be at least 1.");
        if (blueprint.Sections is not { Length: > 0 }) problems.Add("at least one section is required.");
        if (string.IsNullOrWhiteSpace(exam.BankVersion)) problems.Add("bankVersion is required.");

        var sections = (blueprint.Sections ?? []).ToList();
        var codes = sections.Select(s => s.Code).ToHashSet(StringComparer.Ordinal);
        if (codes.Count != sections.Count) problems.Add("section codes must be unique.");
        if (sections.Any(s => s is null)) { problems.Add("a section is empty."); return problems; }
        foreach (var section in sections) ValidateSection(section, problems);

        foreach (var code in blueprint.TieBreak ?? [])
            if (!codes.Contains(code)) problems.Add($"tieBreak names unknown section '{code}'.");
        foreach (var category in blueprint.PassingCategories ?? [])
        {
            if (category is null) { problems.Add("a passing category is empty."); continue; }
            if (string.IsNullOrWhiteSpace(category.Code)) problems.Add("a passing category has no code.");
            foreach (var minimum in category.SectionMinimums ?? [])
                if (!codes.Contains(minimum.Section)) problems.Add($"category '{category.Code}' names unknown section '{minimum.Section}'.");
        }

        ValidateItems(exam, sections, problems);
        return problems;
    }

    static void ValidateSection(SectionDefinition section, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(section.Code)) problems.Add("a section has no code.");
        if (section.ItemCount < 1) problems.Add($"section '{section.Code}' needs at least one item.");
        if (section.OptionCount is < 2 or > 10) problems.Add($"section '{section.Code}' must have 2-10 options.");
        var scoring = section.Scoring;
        if (scoring is null) { problems.Add($"section '{section.Code}' has no scoring."); return; }
        if (scoring.Kind == ScoringKind.RightWrong && scoring.CorrectPoints < 1)
            problems.Add($"section '{section.Code}': correctPoints must be positive.");
        if (scoring.Kind == ScoringKind.Weighted && (scoring.MinOptionPoints < 0 || scoring.MaxOptionPoints < scoring.MinOptionPoints))
            problems.Add($"section '{section.Code}': option points range is invalid.");
    }

    static void ValidateItems(ExamDefinition exam, List<SectionDefinition> sections, List<string> problems)
    {
        var items = exam.Items ?? [];
        if (items.Select(i => i?.Id).Distinct(StringComparer.Ordinal).Count() != items.Length)
            problems.Add("item ids must be unique.");
        var byCode = sections.Where(s => s?.Code is not null).DistinctBy(s => s.Code).ToDictionary(s => s.Code, StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (item is null) { problems.Add("an item is empty."); continue; }
            if (!byCode.TryGetValue(item.Section ?? "", out var section))
            {
                problems.Add($"item '{item.Id}' names unknown section '{item.Section}'.");
                continue;
            }
            if (item.Options is null || item.Points is null || item.Options.Length != section.OptionCount || item.Points.Length != section.OptionCount)
            {
                problems.Add($"item '{item.Id}' must have {section.OptionCount} options and as many points.");
                continue;
            }
            var scoring = section.Scoring;
            if (scoring is null) continue;
            var valid = scoring.Kind == ScoringKind.RightWrong
                ? item.Points.Count(p => p == scoring.CorrectPoints) == 1 && item.Points.Count(p => p == 0) == item.Points.Length - 1
                : item.Points.All(p => p >= scoring.MinOptionPoints && p <= scoring.MaxOptionPoints);
            if (!valid) problems.Add($"item '{item.Id}' points do not fit section '{section.Code}' scoring.");
        }
        foreach (var section in sections)
        {
            var pool = items.Count(i => i?.Section == section.Code);
            if (pool < section.ItemCount)
                problems.Add($"section '{section.Code}' needs {section.ItemCount} items, the bank has {pool}.");
        }
    }
}
