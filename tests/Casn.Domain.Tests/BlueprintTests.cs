using Casn.Domain.Exams;

namespace Casn.Domain.Tests;

public class BlueprintTests
{
    [Fact]
    public void Skd_2024_has_the_published_numbers()
    {
        var skd = Blueprints.SkdCpns2024;
        Assert.Equal(110, skd.ItemCount);
        Assert.Equal(550, skd.MaxScore);
        Assert.Equal([150, 175, 225], skd.Sections.Select(s => s.MaxScore));
        Assert.Equal(["TWK", "TIU", "TKP"], skd.Sections.Select(s => s.Code));
        Assert.Equal(TimeSpan.FromMinutes(100), skd.Duration);
        Assert.Equal(TimeSpan.FromMinutes(130), skd.AccessibleDuration);
        Assert.Equal(["TKP", "TIU", "TWK"], skd.TieBreak);
        Assert.Equal(3, skd.ShortlistFactor);
    }

    [Fact]
    public void Pppk_2024_has_the_published_numbers_and_no_passing_grade()
    {
        var pppk = Blueprints.Pppk2024;
        Assert.Equal(145, pppk.ItemCount);
        Assert.Equal(670, pppk.MaxScore);
        Assert.Equal([450, 100, 80, 40], pppk.Sections.Select(s => s.MaxScore));
        Assert.False(pppk.HasPassingRules);
    }

    [Fact]
    public void Demo_banks_pass_validation()
    {
        Assert.Empty(ExamValidator.Validate(DemoItemBank.For(Blueprints.SkdCpns2024)));
        Assert.Empty(ExamValidator.Validate(DemoItemBank.For(Blueprints.Pppk2024)));
    }

    [Fact]
    public void Validation_names_each_broken_rule()
    {
        var exam = ExamFixtures.Skd(poolFactor: 1);
        var twoKeys = exam.Items[0] with { Points = [5, 5, 0, 0, 0] };
        var tkpOutOfRange = exam.Items.First(i => i.Section == "TKP") with { Points = [0, 1, 2, 3, 9] };
        var broken = exam with
        {
            Items = [twoKeys, tkpOutOfRange, .. exam.Items.Skip(1).Where(i => i.Id != tkpOutOfRange.Id).Take(50)],
            Blueprint = exam.Blueprint with { TieBreak = ["XYZ"] },
        };

        var problems = ExamValidator.Validate(broken);

        Assert.Contains(problems, p => p.Contains(twoKeys.Id));
        Assert.Contains(problems, p => p.Contains(tkpOutOfRange.Id));
        Assert.Contains(problems, p => p.Contains("tieBreak"));
        Assert.Contains(problems, p => p.Contains("section 'TKP' needs 45 items"));
    }

    [Fact]
    public void A_bank_larger_than_a_paper_can_index_is_refused()
    {
        var exam = ExamFixtures.Skd(poolFactor: 1);
        var item = exam.Items[0];
        var huge = exam with { Items = [.. exam.Items, .. Enumerable.Range(0, Papers.Paper.MaxBankItems).Select(i => item with { Id = $"X-{i}" })] };

        Assert.Contains(ExamValidator.Validate(huge), p => p.Contains($"at most {Papers.Paper.MaxBankItems} items"));
        Assert.DoesNotContain(ExamValidator.Validate(exam), p => p.Contains("at most"));
    }
}
