using System.Collections.Concurrent;
using Casn.Grains;
using Casn.Grains.Abstractions;
using Casn.Service.Tests.Cluster;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Xunit.Abstractions;
using static Casn.Service.Tests.Cluster.ExamDay;

namespace Casn.Service.Tests.Redis;

/// <summary>
/// Redis compacts its append-only file by rewriting it in the background (BGREWRITEAOF, also automatic as it grows).
/// Sittings are logs of many small appends, the case a rewrite must get right: what was acknowledged before, during and
/// after the rewrite is still there when Redis restarts from the rewritten file.
/// </summary>
[Collection(RedisClusterCollection.Name)]
public sealed class AofRewriteTests(RedisClusterFixture fixture, ITestOutputHelper output)
{
    const int Candidates = 12;

    [Fact]
    public async Task Every_acknowledged_answer_survives_an_aof_rewrite_during_answers_and_a_restart()
    {
        var day = await new ExamDay(fixture.Client).Prepare(candidates: Candidates);
        var tokens = new string[Candidates + 1];
        for (var n = 1; n <= Candidates; n++) tokens[n] = await day.Start(n);
        var acknowledged = new ConcurrentDictionary<(int Candidate, long Sequence), string>();
        using var stop = new CancellationTokenSource();

        // Each workstation answers back to back, moving through its paper, while Redis rewrites its file.
        var answering = Task.WhenAll(Enumerable.Range(1, Candidates).Select(n => Task.Run(async () =>
        {
            var items = day.PaperOf(n).Items;
            for (long sequence = 1; !stop.IsCancellationRequested; sequence++)
            {
                var item = items[(int)(sequence % items.Count)].Item.Id;
                Ok(await day.Session(n).SubmitAnswer(tokens[n], new AnswerSubmission(sequence, item, (int)(sequence % 4))));
                acknowledged[(n, sequence)] = item;
            }
        })));
        await using (var admin = await ConnectionMultiplexer.ConnectAsync(fixture.Redis.ConnectionString + ",allowAdmin=true"))
        {
            var server = admin.GetServers()[0];
            await Eventually(() => Task.FromResult(acknowledged.Count >= 100), TimeSpan.FromSeconds(30), "answers before the rewrite");
            var before = acknowledged.Count;
            await server.ExecuteAsync("BGREWRITEAOF");
            await Eventually(async () => (await server.InfoAsync("persistence")).SelectMany(g => g)
                    .Any(p => p.Key == "aof_rewrite_in_progress" && p.Value == "0")
                    && (await server.InfoAsync("persistence")).SelectMany(g => g).Any(p => p.Key == "aof_last_bgrewrite_status" && p.Value == "ok"),
                TimeSpan.FromSeconds(30), "the rewrite to finish");
            var during = acknowledged.Count - before;
            // Some answers after the rewrite too: they land in the new incremental file.
            var rewritten = acknowledged.Count;
            await Eventually(() => Task.FromResult(acknowledged.Count >= rewritten + 50), TimeSpan.FromSeconds(30), "answers after the rewrite");
            stop.Cancel();
            await answering;
            output.WriteLine($"{before} answers acknowledged before BGREWRITEAOF, {during} while it ran, {acknowledged.Count - rewritten} after; {acknowledged.Count} in all");
        }

        // A crash, then Redis starts from the rewritten base file plus what came after it.
        await fixture.Redis.CrashAsync();
        await fixture.Redis.StartAgainAsync();
        var store = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<SittingStore>();
        for (var n = 1; n <= Candidates; n++)
        {
            var key = day.Session(n).GetPrimaryKeyString();
            (Casn.Domain.Sessions.SessionState State, SittingWritten Written)? stored = null;
            await Eventually(async () =>
            {
                try { stored = await store.Load(key); return true; }
                catch (StorageUnavailableException) { return false; }
            }, TimeSpan.FromSeconds(15), "Redis back");
            var answers = stored!.Value.State.Answers.ToDictionary(a => a.Sequence, a => a.ItemId);
            foreach (var ((candidate, sequence), item) in acknowledged.Where(a => a.Key.Candidate == n))
                Assert.True(answers.TryGetValue(sequence, out var found) && found == item, $"candidate {n}: acknowledged answer {sequence} is missing after the restart");
            // Replaying the log rechecked every link of the chain: the rewrite kept the entries whole and in order.
            Assert.Equal(stored.Value.State.AuditCount, stored.Value.State.Answers.Count + stored.Value.State.Events.Count);
        }
    }
}
