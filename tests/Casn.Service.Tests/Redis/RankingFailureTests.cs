using System.Collections.Concurrent;
using Casn.Domain.Results;
using Casn.Grains.Abstractions;
using Casn.Service.Tests.Cluster;
using Xunit.Abstractions;
using static Casn.Service.Tests.Cluster.ExamDay;

namespace Casn.Service.Tests.Redis;

/// <summary>#15: results reach the position's ranking one way but reliably, so killing the ranking's silo loses none and doubles none.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RankingFailureTests(RedisClusterFixture fixture, ITestOutputHelper output)
{
    const int Candidates = 500;

    [Fact]
    public async Task The_ranking_holds_all_500_results_exactly_once_after_its_silo_is_killed_mid_way()
    {
        if (fixture.Cluster.Silos.Count < 2) await fixture.Cluster.StartAdditionalSiloAsync();
        var day = new ExamDay(fixture.Client) { PositionId = $"POS-{Guid.NewGuid():N}"[..20] };
        await day.Prepare(candidates: Candidates);
        var ranking = fixture.Client.GetGrain<IPositionRankingGrain>(PositionKey.Of(day.Exam.Id, day.PositionId));
        Ok(await ranking.Define(new Position(day.PositionId, "Kementerian Contoh", "Analis", 10)));
        var tokens = await day.StartAll(Candidates);

        // Every candidate submits (resent until acknowledged); the ranking's silo is killed when about a fifth have reported.
        var submitted = new ConcurrentDictionary<int, bool>();
        var submitting = Parallel.ForEachAsync(Enumerable.Range(1, Candidates), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (n, _) =>
        {
            while (true)
            {
                try
                {
                    Ok(await day.Session(n).Submit(tokens[n]));
                    submitted[n] = true;
                    return;
                }
                catch (Exception error) when (error is OrleansException or TimeoutException or StorageUnavailableException) { await Task.Delay(200); }
            }
        });
        await Eventually(async () => await Reported(ranking) >= Candidates / 5, TimeSpan.FromSeconds(60), "a fifth of the results reported");
        var management = fixture.Client.GetGrain<IManagementGrain>(0);
        var rankingSilo = (await Task.WhenAll(fixture.Cluster.Silos.Select(async silo => (silo,
                stats: await management.GetDetailedGrainStatistics(hostsIds: [silo.SiloAddress])))))
            .Single(s => s.stats.Any(g => g.GrainId.Key.ToString() == PositionKey.Of(day.Exam.Id, day.PositionId))).silo;
        var before = await Reported(ranking);
        await fixture.Cluster.KillSiloAsync(rankingSilo);
        await submitting;
        Assert.Equal(Candidates, submitted.Count);

        // Sittings that died with the silo before their report was taken come back on their next activation (their reminder
        // brings them within a minute; here a view wakes them sooner) and send it again.
        PositionStanding standing = null!;
        await Eventually(async () =>
        {
            await Parallel.ForEachAsync(Enumerable.Range(1, Candidates), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (n, _) =>
            {
                try { await day.Session(n).GetView(); } catch (Exception error) when (error is OrleansException or TimeoutException) { }
            });
            standing = (await ranking.GetStanding())!;
            return standing.Lines.Length == Candidates;
        }, TimeSpan.FromSeconds(90), "all results in the ranking");
        Assert.Equal(Enumerable.Range(1, Candidates).Select(day.ParticipantNo).Order(), standing.Lines.Select(l => l.ParticipantNo).Order());
        output.WriteLine($"{Candidates} sittings submitted; the ranking's silo was killed with {before} results taken; afterwards it holds {standing.Lines.Length}, each once");
    }

    static async Task<int> Reported(IPositionRankingGrain ranking)
    {
        try { return (await ranking.GetStanding())?.Lines.Length ?? 0; }
        catch (Exception error) when (error is OrleansException or TimeoutException) { return 0; }
    }
}
