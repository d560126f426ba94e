using Casn.Domain.Papers;

namespace Casn.Domain.Tests;

public class PaperAssemblyTests
{
    readonly Exams.ExamDefinition _exam = ExamFixtures.Skd();

    Paper PaperOf(string participantNo) =>
        PaperAssembler.Assemble(_exam, PaperAssembler.SeedFor(_exam.Id, _exam.BankVersion, participantNo));

    [Fact]
    public void The_same_candidate_always_gets_the_same_paper()
    {
        var first = PaperOf("2024-001");
        var again = PaperOf("2024-001");
        Assert.Equal(first.Items.Select(i => i.Item.Id), again.Items.Select(i => i.Item.Id));
        Assert.Equal(first.Items.SelectMany(i => i.OptionOrder), again.Items.SelectMany(i => i.OptionOrder));
    }

    [Fact]
    public void The_seed_is_a_published_function_of_exam_bank_and_participant()
    {
        // Pinned so that a change to the derivation, which would make old papers unreproducible, fails here.
        // The value is the first 8 bytes (little-endian) of SHA-256("CPNS-2024-SKD\nbank-1\n2024-001").
        Assert.Equal(0x908527C48D5400FFUL, PaperAssembler.SeedFor("CPNS-2024-SKD", "bank-1", "2024-001"));
        Assert.NotEqual(PaperAssembler.SeedFor("CPNS-2024-SKD", "bank-1", "2024-001"),
            PaperAssembler.SeedFor("CPNS-2024-SKD", "bank-2", "2024-001"));
        var generator = new SplitMix64(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, generator.Next());
        Assert.Equal(0x6E789E6AA1B965F4UL, generator.Next());
    }

    [Fact]
    public void Every_paper_follows_the_blueprint()
    {
        var paper = PaperOf("2024-002");
        Assert.Equal(110, paper.Items.Count);
        Assert.Equal(110, paper.Items.Select(i => i.Item.Id).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 110), paper.Items.Select(i => i.Number));
        Assert.Equal(["TWK", "TIU", "TKP"], paper.Items.Select(i => i.Item.Section).Distinct());
        Assert.Equal([30, 35, 45], paper.Items.GroupBy(i => i.Item.Section).Select(g => g.Count()));
        Assert.All(paper.Items, i => Assert.Equal([0, 1, 2, 3, 4], i.OptionOrder.Order()));
    }

    [Fact]
    public void A_paper_finds_exactly_its_own_items_and_shares_its_option_orders_with_other_papers()
    {
        // A bank larger than the paper: some bank items are in no paper of this candidate.
        var bank = _exam with { Items = [.. _exam.Items, .. _exam.Items.Select(i => i with { Id = i.Id + "-extra" })] };
        var paper = PaperAssembler.Assemble(bank, PaperAssembler.SeedFor(bank.Id, bank.BankVersion, "2024-003"));
        var inPaper = paper.Items.Select(i => i.Item.Id).ToHashSet();
        Assert.True(bank.Items.Length > inPaper.Count);
        Assert.All(bank.Items, item => Assert.Equal(inPaper.Contains(item.Id) ? item.Id : null, paper.Find(item.Id)?.Item.Id));
        Assert.All(paper.Items, item => Assert.Equal(item, paper.Find(item.Item.Id)));
        Assert.Null(paper.Find("no-such-item"));

        // Equal orders are one array, whoever's paper they are in (a live sitting keeps its paper for hours).
        var other = PaperAssembler.Assemble(bank, PaperAssembler.SeedFor(bank.Id, bank.BankVersion, "2024-004"));
        var orders = paper.Items.Concat(other.Items).Select(i => i.OptionOrder).ToList();
        Assert.Equal(orders.Select(o => string.Join(",", o)).Distinct().Count(), orders.Distinct(ReferenceEqualityComparer.Instance).Count());
    }

    [Fact]
    public void An_option_order_the_shared_table_cannot_hold_stays_with_its_paper()
    {
        // Orders of more than 15 options have no key in the shared table; the paper keeps them itself, mixed with shared ones.
        var items = _exam.Items.Take(3).Select((item, i) => new PaperItem(i + 1, item,
            i == 1 ? [.. Enumerable.Range(0, 16).Reverse()] : [1, 0, 3, 2, 4])).ToList();
        var paper = new Paper(items, _exam.Items);
        Assert.Equal(items.Select(i => string.Join(",", i.OptionOrder)), paper.Items.Select(i => string.Join(",", i.OptionOrder)));
        Assert.Same(items[1].OptionOrder, paper.Items[1].OptionOrder);
        Assert.Same(paper.Items[0].OptionOrder, paper.Items[2].OptionOrder);
        Assert.Equal(items[1], paper.Find(items[1].Item.Id));
    }

    [Fact]
    public void Neighbours_in_a_room_get_different_papers()
    {
        var room = Enumerable.Range(1, 36).Select(seat => PaperOf($"2024-{seat:D3}")).ToList();

        var orders = room.Select(p => string.Join(",", p.Items.Select(i => i.Item.Id))).ToHashSet();
        Assert.Equal(36, orders.Count);
        for (var seat = 1; seat < room.Count; seat++)
        {
            var left = room[seat - 1];
            var right = room[seat];
            var sameItemSamePosition = left.Items.Zip(right.Items).Count(pair => pair.First.Item.Id == pair.Second.Item.Id);
            // With pools twice the section size, chance agreement is about 1 position in 60.
            Assert.True(sameItemSamePosition <= 10, $"seats {seat} and {seat + 1} share {sameItemSamePosition} positions");
        }
    }

    [Fact]
    public void Shuffle_draws_every_permutation_evenly()
    {
        var counts = new Dictionary<string, int>();
        var generator = new SplitMix64(42);
        for (var n = 0; n < 60_000; n++)
        {
            var values = new[] { 0, 1, 2 };
            generator.Shuffle(values);
            var key = string.Concat(values);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        Assert.Equal(6, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, 9_400, 10_600));
    }
}
