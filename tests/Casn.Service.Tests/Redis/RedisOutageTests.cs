using System.Collections.Concurrent;
using Casn.Grains.Abstractions;
using Casn.Service.Tests.Cluster;
using Xunit.Abstractions;
using static Casn.Service.Tests.Cluster.ExamDay;

namespace Casn.Service.Tests.Redis;

[Collection(RedisClusterCollection.Name)]
public sealed class RedisOutageTests(RedisClusterFixture fixture, ITestOutputHelper output)
{
    const int Candidates = 20;

    [Fact]
    public async Task Answers_during_a_redis_outage_fail_retryably_and_no_acknowledged_answer_is_lost()
    {
        var day = await new ExamDay(fixture.Client).Prepare(candidates: Candidates);
        var tokens = new string[Candidates + 1];
        for (var n = 1; n <= Candidates; n++) tokens[n] = await day.Start(n);
        for (var n = 1; n <= Candidates; n++)
            for (var number = 1; number <= 3; number++)
                Ok(await day.Session(n).SubmitAnswer(tokens[n], Answer(day, n, number)));

        await fixture.Redis.CrashAsync();
        var refused = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(1, Candidates), new ParallelOptions { MaxDegreeOfParallelism = Candidates }, async (n, _) =>
        {
            var failure = await Record.ExceptionAsync(() => day.Session(n).SubmitAnswer(tokens[n], Answer(day, n, 4)));
            refused.Add(failure?.GetType().Name ?? "acknowledged");
        });
        await fixture.Redis.StartAgainAsync();

        // Nothing can be acknowledged while storage is down, and the refusal says so: retry the same request.
        Assert.All(refused, name => Assert.Equal(nameof(StorageUnavailableException), name));

        // The same requests, sent again, are accepted; everything acknowledged before the outage is there.
        var started = DateTime.UtcNow;
        for (var n = 1; n <= Candidates; n++)
        {
            while (true)
            {
                try { Ok(await day.Session(n).SubmitAnswer(tokens[n], Answer(day, n, 4))); break; }
                catch (Exception e) when (e is StorageUnavailableException or TimeoutException or Orleans.Runtime.OrleansException) { await Task.Delay(200); }
            }
            var paper = Ok(await day.Session(n).GetPaper(tokens[n]));
            Assert.Equal(4, paper.Answers.Length);
            Assert.All(Enumerable.Range(1, 4), number => Assert.Contains(paper.Answers, a => a.ItemId == day.PaperOf(n).Items[number - 1].Item.Id && a.Choice == number % 5));
        }
        output.WriteLine($"refusals during the outage: {string.Join(", ", refused.GroupBy(r => r).Select(g => $"{g.Count()} x {g.Key}"))}; " +
            $"all {Candidates} retried answers acknowledged {(DateTime.UtcNow - started).TotalSeconds:0.0} s after Redis came back");
    }

    static AnswerSubmission Answer(ExamDay day, int candidate, int number) =>
        new(number, day.PaperOf(candidate).Items[number - 1].Item.Id, number % 5);
}
