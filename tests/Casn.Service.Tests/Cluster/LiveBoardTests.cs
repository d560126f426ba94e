using System.Collections.Concurrent;
using System.Diagnostics;
using Casn.Domain.Boards;
using Casn.Domain.Scoring;
using Casn.Grains.Abstractions;
using Casn.Service.Tests.Support;
using static Casn.Service.Tests.Cluster.ExamDay;

namespace Casn.Service.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class LiveBoardTests(ClusterFixture fixture)
{
    const int Candidates = 20;
    IGrainFactory Grains => fixture.Client;

    sealed class Recorder : IBoardObserver
    {
        public ConcurrentQueue<BoardSnapshot> Seen { get; } = new();

        public void Published(BoardSnapshot snapshot) => Seen.Enqueue(snapshot);
    }

    [Fact]
    public async Task After_a_burst_of_answers_the_board_equals_every_sessions_score_with_rising_versions_and_coalesced_publishing()
    {
        var day = await new ExamDay(Grains).Prepare(candidates: Candidates);
        var tokens = new string[Candidates + 1];
        for (var n = 1; n <= Candidates; n++) tokens[n] = await day.Start(n);
        var board = Grains.GetGrain<ILiveBoardGrain>(day.RoomKey);
        var recorder = new Recorder();
        var reference = fixture.Client.CreateObjectReference<IBoardObserver>(recorder);
        await board.Subscribe(reference);

        // Every candidate answers 30 items at random, some twice; the test keeps what it expects to count.
        var expected = new int[Candidates + 1];
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(1, Candidates), new ParallelOptions { MaxDegreeOfParallelism = Candidates }, async (n, _) =>
        {
            var random = new Random(n);
            var paper = day.PaperOf(n);
            var choices = new Dictionary<string, int>();
            for (var sequence = 1; sequence <= 30; sequence++)
            {
                var item = paper.Items[random.Next(25)];
                var choice = random.Next(item.OptionOrder.Length);
                Ok(await day.Session(n).SubmitAnswer(tokens[n], new AnswerSubmission(sequence, item.Item.Id, choice)));
                choices[item.Item.Id] = choice;
            }
            expected[n] = Scorer.Score(day.Exam.Blueprint, paper, choices).Total;
        });
        var burst = clock.Elapsed;

        await Eventually(async () =>
        {
            var snapshot = await board.GetSnapshot();
            return Enumerable.Range(1, Candidates).All(n => snapshot.Rows.Single(r => r.ParticipantNo == day.ParticipantNo(n)).Total == expected[n]);
        }, TimeSpan.FromSeconds(5), "board rows equal the scores");
        var final = await board.GetSnapshot();
        Assert.Equal(Candidates, final.Rows.Length);
        Assert.All(final.Rows, r => Assert.Equal("in_progress", r.Status));
        Assert.Equal(final.Rows.OrderByDescending(r => r.Total).Select(r => r.Total), final.Rows.Select(r => r.Total));

        // Versions only rise; 600 answers became a handful of publishes (at most one per 250 ms, plus one).
        // The last publication reaches this observer one way: wait for it rather than for a fixed time.
        await Eventually(async () => recorder.Seen.LastOrDefault()?.Version == (await board.GetSnapshot()).Version, TimeSpan.FromSeconds(5), "the last publication delivered");
        var versions = recorder.Seen.Select(s => s.Version).ToList();
        Assert.NotEmpty(versions);
        Assert.True(versions.Zip(versions.Skip(1)).All(p => p.Second > p.First), string.Join(",", versions));
        var window = burst + TimeSpan.FromSeconds(1);
        Assert.True(versions.Count <= window.TotalMilliseconds / 250 + 2, $"{versions.Count} publishes in {window.TotalMilliseconds:0} ms");
        // Totals can match before the last line (a change with the same total) is published: compare with the board as it stands now.
        Assert.Equal((await board.GetSnapshot()).Version, versions[^1]);
        await board.Unsubscribe(reference);
    }

    [Fact]
    public async Task A_board_rebuilt_after_deactivation_shows_the_same_scores_and_never_an_older_version()
    {
        var day = await new ExamDay(Grains).Prepare(candidates: 2);
        var token = await day.Start(1);
        var item = day.PaperOf(1).Items[0];
        var best = item.BestChoice();
        Ok(await day.Session(1).SubmitAnswer(token, new AnswerSubmission(1, item.Item.Id, best)));
        var board = Grains.GetGrain<ILiveBoardGrain>(day.RoomKey);
        await Eventually(async () => (await board.GetSnapshot()).Rows.Any(r => r.Total > 0), TimeSpan.FromSeconds(5), "score on the board");
        var before = await board.GetSnapshot();

        await fixture.Cluster.DeactivateAsync(board);

        var after = await board.GetSnapshot();
        Assert.True(after.Version > before.Version);
        Assert.Equal(before.Rows.Select(r => (r.ParticipantNo, r.Total, r.Status)), after.Rows.Select(r => (r.ParticipantNo, r.Total, r.Status)));
        Assert.Equal("not_started", after.Rows.Single(r => r.ParticipantNo == day.ParticipantNo(2)).Status);
        var json = System.Text.Json.JsonSerializer.Serialize(after, Casn.Domain.Exams.CasnJson.Options);
        Assert.DoesNotContain("31750000000", json);
        Assert.DoesNotContain("nationalId", json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_kanreg_and_national_boards_add_up_their_rooms_without_naming_any_candidate()
    {
        var (first, second) = (await new ExamDay(Grains).Prepare(candidates: 3), await new ExamDay(Grains).Prepare(candidates: 2));
        var expectedTotal = 0;
        foreach (var (day, n) in new[] { (first, 1), (first, 2), (second, 1) })
        {
            var token = await day.Start(n);
            var item = day.PaperOf(n).Items[0];
            Ok(await day.Session(n).SubmitAnswer(token, new AnswerSubmission(1, item.Item.Id, TestPapers.BestChoice(item))));
            expectedTotal += item.Item.Points.Max();
        }
        var kanreg = Grains.GetGrain<ISummaryBoardGrain>(ISummaryBoardGrain.KanregKey("KANREG-T"));
        var national = Grains.GetGrain<ISummaryBoardGrain>(ISummaryBoardGrain.National);

        BoardSnapshot snapshot = null!;
        await Eventually(async () =>
        {
            snapshot = await kanreg.GetSnapshot();
            var ours = snapshot.Parts!.Where(p => p.Name == first.RoomKey || p.Name == second.RoomKey).Select(p => p.Summary).ToList();
            return ours.Count == 2 && ours.Sum(s => s.InProgress) == 3 && ours.Sum(s => s.SumOfTotals) == expectedTotal;
        }, TimeSpan.FromSeconds(10), "the Kanreg board shows both rooms' answers");

        var mine = snapshot.Parts!.Single(p => p.Name == first.RoomKey).Summary;
        Assert.Equal((3, 1, 2), (mine.Candidates, mine.NotStarted, mine.InProgress));
        Assert.Equal(mine.Candidates, mine.Histogram.Sum());
        var sum = BoardSummary.Sum(snapshot.Parts!.Select(p => p.Summary));
        Assert.Equal(sum with { Histogram = snapshot.Summary!.Histogram, Exams = snapshot.Summary.Exams }, snapshot.Summary);
        Assert.Equal(sum.Exams, snapshot.Summary.Exams);
        Assert.Contains(snapshot.Summary.Exams!, e => e.ExamId == first.Exam.Id);
        Assert.Equal(BoardSummary.Sum(snapshot.Parts!.Select(p => p.Summary)).Histogram, snapshot.Summary.Histogram);
        Assert.Empty(snapshot.Rows);

        await Eventually(async () => (await national.GetSnapshot()).Parts?.FirstOrDefault(p => p.Name == "KANREG-T")?.Summary.SumOfTotals
                == (await kanreg.GetSnapshot()).Summary!.SumOfTotals,
            TimeSpan.FromSeconds(10), "the national board carries the Kanreg's summary");
        Assert.Empty((await national.GetSnapshot()).Rows);
    }
}
