using Casn.Domain.Exams;
using Casn.Domain.Papers;
using Casn.Domain.Scoring;

namespace Casn.Domain.Tests;

public class ScoringTests
{
    static readonly ExamDefinition Skd = ExamFixtures.Skd();
    static readonly Paper SkdPaper = PaperAssembler.Assemble(Skd, 7);

    /// <summary>Answers a paper: per section, how many items get which points (the rest are blank).</summary>
    static Dictionary<string, int> Answer(Paper paper, params (string Section, int Count, int Points)[] plan)
    {
        var choices = new Dictionary<string, int>();
        foreach (var (section, count, points) in plan)
        {
            var open = paper.Items.Where(i => i.Item.Section == section && !choices.ContainsKey(i.Item.Id)).Take(count).ToList();
            Assert.Equal(count, open.Count);
            foreach (var item in open) choices[item.Item.Id] = ExamFixtures.ShownPositionWorth(item, points);
        }
        return choices;
    }

    [Fact]
    public void Choices_by_place_score_as_choices_by_item_and_an_item_off_the_paper_counts_for_nothing()
    {
        var byItem = Answer(SkdPaper, ("TWK", 12, 5), ("TIU", 7, 0), ("TKP", 20, 3));
        var byPlace = Enumerable.Repeat(Scorer.Blank, SkdPaper.Items.Count).ToArray();
        foreach (var item in SkdPaper.Items)
            if (byItem.TryGetValue(item.Item.Id, out var shown)) byPlace[item.Number - 1] = shown;
        var expected = Scorer.Score(Skd.Blueprint, SkdPaper, byPlace);
        Assert.Equal([60, 0, 60], expected.Sections.Select(s => s.Score));
        Assert.Equal([12, 7, 20], expected.Sections.Select(s => s.Answered));

        byItem["NOT-ON-THIS-PAPER"] = 0;
        var sheet = Scorer.Score(Skd.Blueprint, SkdPaper, byItem);
        Assert.Equal(expected.Sections, sheet.Sections);
        Assert.Equal(120, sheet.Total);
    }

    [Fact]
    public void Skd_all_best_answers_score_550()
    {
        var sheet = Scorer.Score(Skd.Blueprint, SkdPaper, Answer(SkdPaper, ("TWK", 30, 5), ("TIU", 35, 5), ("TKP", 45, 5)));
        Assert.Equal(550, sheet.Total);
        Assert.Equal([150, 175, 225], sheet.Sections.Select(s => s.Score));
    }

    [Fact]
    public void Blank_scores_zero_and_wrong_scores_zero()
    {
        Assert.Equal(0, Scorer.Score(Skd.Blueprint, SkdPaper, new Dictionary<string, int>()).Total);
        var wrong = Scorer.Score(Skd.Blueprint, SkdPaper, Answer(SkdPaper, ("TWK", 30, 0), ("TIU", 35, 0)));
        Assert.Equal(0, wrong.Total);
        Assert.Equal(65, wrong.Sections.Sum(s => s.Answered));
    }

    [Fact]
    public void Tkp_weights_count_per_option()
    {
        // 10 x 1 + 10 x 2 + 10 x 3 + 10 x 4 + 5 x 5 = 125, and TKP blank items score 0.
        var sheet = Scorer.Score(Skd.Blueprint, SkdPaper,
            Answer(SkdPaper, ("TKP", 10, 1), ("TKP", 10, 2), ("TKP", 10, 3), ("TKP", 10, 4), ("TKP", 5, 5)));
        Assert.Equal(125, sheet.SectionScoreOf("TKP"));
        var partial = Scorer.Score(Skd.Blueprint, SkdPaper, Answer(SkdPaper, ("TKP", 20, 4)));
        Assert.Equal(80, partial.Total);
        Assert.Equal(20, partial.Sections.Single(s => s.Section == "TKP").Answered);
    }

    [Fact]
    public void A_mixed_skd_sheet_adds_up_by_hand()
    {
        // TWK 21 right (105) + 9 wrong; TIU 17 right (85), 10 wrong, 8 blank; TKP 30 x 4 + 15 x 3 = 165.
        var sheet = Scorer.Score(Skd.Blueprint, SkdPaper, Answer(SkdPaper,
            ("TWK", 21, 5), ("TWK", 9, 0), ("TIU", 17, 5), ("TIU", 10, 0), ("TKP", 30, 4), ("TKP", 15, 3)));
        Assert.Equal([105, 85, 165], sheet.Sections.Select(s => s.Score));
        Assert.Equal(355, sheet.Total);
    }

    [Fact]
    public void Pppk_all_best_answers_score_670()
    {
        var pppk = ExamFixtures.Pppk();
        var paper = PaperAssembler.Assemble(pppk, 11);
        var sheet = Scorer.Score(pppk.Blueprint, paper,
            Answer(paper, ("TEKNIS", 90, 5), ("MANAJERIAL", 25, 4), ("SOSIOKULTURAL", 20, 4), ("WAWANCARA", 10, 4)));
        Assert.Equal(670, sheet.Total);
        Assert.Null(PassingRules.Evaluate(pppk.Blueprint, "general", sheet));
    }

    static ScoreSheet Sheet(int twk, int tiu, int tkp) =>
        new([new("TWK", twk, 150, 0, 30), new("TIU", tiu, 175, 0, 35), new("TKP", tkp, 225, 0, 45)], twk + tiu + tkp);

    [Theory]
    [InlineData("general", 65, 80, 166, true)]
    [InlineData("general", 64, 80, 166, false)]
    [InlineData("general", 65, 79, 166, false)]
    [InlineData("general", 65, 80, 165, false)]
    [InlineData("general", 150, 175, 100, false)]
    [InlineData("cumlaude", 60, 85, 166, true)]
    [InlineData("cumlaude", 61, 84, 166, false)]
    [InlineData("cumlaude", 60, 85, 165, false)]
    [InlineData("disability", 50, 60, 176, true)]
    [InlineData("disability", 50, 60, 175, false)]
    [InlineData("disability", 100, 55, 200, false)]
    [InlineData("papua", 40, 60, 186, true)]
    [InlineData("disadvantaged", 40, 59, 187, false)]
    public void Passing_rules_follow_each_category(string category, int twk, int tiu, int tkp, bool passes)
    {
        var outcome = PassingRules.Evaluate(Blueprints.SkdCpns2024, category, Sheet(twk, tiu, tkp));
        Assert.NotNull(outcome);
        Assert.Equal(passes, outcome.Passed);
        Assert.Equal(passes, outcome.Unmet.Length == 0);
    }

    [Fact]
    public void Failing_says_every_unmet_rule()
    {
        var outcome = PassingRules.Evaluate(Blueprints.SkdCpns2024, "general", Sheet(60, 75, 166))!;
        Assert.Equal(["TWK 60 < 65", "TIU 75 < 80"], outcome.Unmet);
    }

    [Fact]
    public void Ranking_orders_by_total_then_tkp_then_tiu_then_twk()
    {
        var skd = Blueprints.SkdCpns2024;
        RankingEntry Entry(string no, int twk, int tiu, int tkp, bool? passed = true) => new(no, Sheet(twk, tiu, tkp), passed);
        var ranked = Ranking.Rank(skd, [
            Entry("A", 100, 100, 200),      // 400
            Entry("B", 90, 100, 210),       // 400, more TKP than A
            Entry("C", 95, 105, 200),       // 400, same TKP as A, more TIU
            Entry("D", 100, 100, 200),      // identical to A in every key
            Entry("E", 150, 175, 225, false), // failed: not ranked however high
            Entry("F", 70, 90, 250),        // 410
        ], openings: 1);

        Assert.Equal(["F", "B", "C", "A", "D"], ranked.Select(r => r.ParticipantNo));
        Assert.Equal([1, 2, 3, 4, 4], ranked.Select(r => r.Rank));
        Assert.Equal([true, true, true, false, false], ranked.Select(r => r.Shortlisted));
    }

    [Fact]
    public void Shortlist_is_three_times_openings_and_keeps_everyone_tied_at_the_cut()
    {
        // Two openings: a cut at rank 6. Ranks 5, 6 and 7 are one tie, so all three go on.
        int[] tkp = [210, 209, 208, 207, 200, 200, 200, 199, 198];
        var entries = tkp.Select((points, n) => new RankingEntry($"P{n}", Sheet(100, 100, points), true));
        var ranked = Ranking.Rank(Blueprints.SkdCpns2024, entries, openings: 2);
        Assert.Equal([1, 2, 3, 4, 5, 5, 5, 8, 9], ranked.Select(r => r.Rank));
        Assert.Equal(7, ranked.Count(r => r.Shortlisted));
        Assert.False(ranked.Single(r => r.ParticipantNo == "P7").Shortlisted);
    }
}
