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
        if (blueprint.FinalWeights is { } weights && (weights.Skd < 0 || weights.Skb < 0 || weights.Skd + weights.Skb != 1))
            problems.Add("finalWeights.skd and finalWeights.skb must not be negative and must add up to 1.");
        if (blueprint.Duration <= TimeSpan.Zero || blueprint.Duration > MaxDuration) problems.Add($"duration must be positive and at most {MaxDuration.TotalHours:0} hours.");
        if (blueprint.AccessibleDuration < blueprint.Duration || blueprint.AccessibleDuration > MaxDuration)
            problems.Add($"accessibleDuration must be at least duration and at most {MaxDuration.TotalHours:0} hours.");
        if (blueprint.ShortlistFactor < 1) problems.Add("shortlistFactor must be at least 1.");
        if (blueprint.Sections is not { Length: > 0 }) problems.Add("at least one section is required.");
        if (!Keys.IsValidToken(exam.BankVersion, 64)) problems.Add("bankVersion must be 1-64 letters, digits or '-'.");

        var sections = (blueprint.Sections ?? []).ToList();
        var codes = sections.Select(s => s.Code).ToHashSet(StringComparer.Ordinal);
        if (codes.Count != sections.Count) problems.Add("section codes must be unique.");
        if (sections.Any(s => s is null)) { problems.Add("a section is empty."); return problems; }
        // Codes and ids travel into pages, boards, certificates and keys: token characters only, so none
        // can ever carry markup.
        for (var i = 0; i < sections.Count; i++)
            if (!Keys.IsValidToken(sections[i].Code, 32)) problems.Add($"sections[{i}].code must be 1-32 letters, digits or '-'.");
        foreach (var section in sections) ValidateSection(section, problems);

        foreach (var code in blueprint.TieBreak ?? [])
            if (!codes.Contains(code)) problems.Add($"tieBreak names unknown section '{code}'.");
        foreach (var category in blueprint.PassingCategories ?? [])
        {
            if (category is null) { problems.Add("a passing category is empty."); continue; }
            if (!Keys.IsValidToken(category.Code, 32)) problems.Add("passingCategories[].code must be 1-32 letters, digits or '-'.");
            foreach (var minimum in category.SectionMinimums ?? [])
                if (!codes.Contains(minimum.Section)) problems.Add($"category '{category.Code}' names unknown section '{minimum.Section}'.");
        }

        ValidateItems(exam, sections, problems);
        return problems;
    }

    /// <summary>No sitting is longer: the longest CASN test with every accommodation is a few hours.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(12);

    static void ValidateSection(SectionDefinition section, List<string> problems)
    {
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
        if (items.Length > Papers.Paper.MaxBankItems) problems.Add($"a bank holds at most {Papers.Paper.MaxBankItems} items.");
        if (items.Select(i => i?.Id).Distinct(StringComparer.Ordinal).Count() != items.Length)
            problems.Add("item ids must be unique.");
        var byCode = sections.Where(s => s?.Code is not null).DistinctBy(s => s.Code).ToDictionary(s => s.Code, StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (item is null) { problems.Add("an item is empty."); continue; }
            if (!Keys.IsValidToken(item.Id, 64)) { problems.Add("items[].id must be 1-64 letters, digits or '-'."); continue; }
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
