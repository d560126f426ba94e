namespace Casn.Grains;

[GenerateSerializer]
public sealed class ExamState
{
    [Id(0)] public ExamDefinition? Definition { get; set; }
}

public sealed class ExamGrain([PersistentState("exam")] IPersistentState<ExamState> state) : Grain, IExamGrain
{
    async Task<Result<ExamSummary>> IExamGrain.Define(ExamDefinition definition)
    {
        if (definition.Blueprint is null || definition.Id != this.GetPrimaryKeyString())
            return Faults.Of(ErrorCodes.ExamInvalid, "The definition's id must match the exam id in the address.");
        var problems = ExamValidator.Validate(definition);
        if (problems.Count > 0) return Faults.Of(ErrorCodes.ExamInvalid, string.Join(" ", problems));
        if (state.State.Definition is { } existing)
        {
            // Papers are rebuilt from the bank, so a defined exam never changes; a new bank is a new exam id.
            return SameContent(existing, definition)
                ? Summarize(existing)
                : Faults.Of(ErrorCodes.ExamAlreadyDefined, $"Exam '{definition.Id}' is already defined with other content.");
        }
        state.State.Definition = definition;
        await state.WriteStateAsync();
        return Summarize(definition);
    }

    Task<ExamDefinition?> IExamGrain.GetDefinition() => Task.FromResult(state.State.Definition);

    Task<ExamSummary?> IExamGrain.GetSummary() =>
        Task.FromResult(state.State.Definition is { } definition ? Summarize(definition) : null);

    static bool SameContent(ExamDefinition a, ExamDefinition b) =>
        System.Text.Json.JsonSerializer.Serialize(a, CasnJson.Options) == System.Text.Json.JsonSerializer.Serialize(b, CasnJson.Options);

    static ExamSummary Summarize(ExamDefinition exam) => new(
        exam.Id,
        exam.Blueprint.Title,
        exam.BankVersion,
        exam.Blueprint.ItemCount,
        exam.Items.Length,
        exam.Blueprint.MaxScore,
        exam.Blueprint.Duration,
        exam.Blueprint.SectionCodes,
        [.. exam.Blueprint.PassingCategories.Select(c => c.Code)]);
}
