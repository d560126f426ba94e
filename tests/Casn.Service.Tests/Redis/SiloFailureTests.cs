using System.Collections.Concurrent;
using System.Diagnostics;
using Casn.Domain.Sessions;
using Casn.Grains.Abstractions;
using Casn.Service.Tests.Cluster;
using Orleans.Runtime;
using Xunit.Abstractions;
using static Casn.Service.Tests.Cluster.ExamDay;

namespace Casn.Service.Tests.Redis;

[Collection(RedisClusterCollection.Name)]
public sealed class SiloFailureTests(RedisClusterFixture fixture, ITestOutputHelper output)
{
    const int Candidates = 200;
    const int AnswersBeforeKill = 5;
    const int AnswersAfterKill = 5;

    IGrainFactory Grains => fixture.Client;

    sealed record Acked(int Candidate, string ItemId, long Sequence, int Choice);

    [Fact]
    public async Task Every_acknowledged_answer_survives_killing_the_silo_that_held_it()
    {
        var day = await new ExamDay(Grains).Prepare(candidates: Candidates);
        var tokens = await day.StartAll(Candidates);

        var acked = new ConcurrentBag<Acked>();
        await AnswerAll(day, tokens, from: 1, count: AnswersBeforeKill, acked, firstAckAfter: null);

        // Sessions go where the grain that first calls them runs (the room's silo, mostly): kill whichever
        // silo holds the most, so the failure always takes acknowledged answers' activations with it.
        var silos = fixture.Cluster.Silos.ToList();
        var hosted = new List<List<int>>();
        foreach (var silo in silos) hosted.Add(await SessionsOn(silo.SiloAddress, day));
        Assert.Equal(Candidates, hosted.Sum(h => h.Count));
        var victimIndex = hosted[0].Count >= hosted[1].Count ? 0 : 1;
        var victim = silos[victimIndex];
        var onVictim = hosted[victimIndex];
        var onSurvivor = hosted[1 - victimIndex];
        Assert.True(onVictim.Count >= 20, $"only {onVictim.Count} sessions were on the silo to be killed");

        var firstAckAfterKill = new ConcurrentDictionary<int, TimeSpan>();
        var clock = Stopwatch.StartNew();
        await fixture.Cluster.KillSiloAsync(victim);
        await AnswerAll(day, tokens, from: AnswersBeforeKill + 1, count: AnswersAfterKill, acked, (firstAckAfterKill, clock));

        // Every acknowledged answer is stored exactly once, with the acknowledged choice and sequence.
        var lost = 0;
        foreach (var byCandidate in acked.GroupBy(a => a.Candidate))
        {
            var paper = Ok(await day.Session(byCandidate.Key).GetPaper(tokens[byCandidate.Key]));
            Assert.Equal(paper.Answers.Length, paper.Answers.Select(a => a.ItemId).Distinct().Count());
            foreach (var ack in byCandidate)
                if (!paper.Answers.Any(a => a.ItemId == ack.ItemId && a.Choice == ack.Choice && a.Sequence == ack.Sequence)) lost++;
            Assert.Equal(byCandidate.Count(), paper.Answers.Length);
            Assert.Equal(SessionStatus.InProgress, paper.Clock.Status);
        }
        Assert.Equal(Candidates * (AnswersBeforeKill + AnswersAfterKill), acked.Count);
        Assert.Equal(0, lost);

        var closed = Ok(await day.Room.Close(day.Proctor));
        Assert.Equal(Candidates, closed.Attendance.Finished);
        Assert.All(closed.Seats, c => Assert.Equal(AnswersBeforeKill + AnswersAfterKill, c.Answered));

        var recovery = onVictim.Select(n => firstAckAfterKill[n]).Max();
        output.WriteLine($"{Candidates} candidates, {onVictim.Count} sessions on the killed silo ({onSurvivor.Count} on the other), {acked.Count} answers acknowledged, " +
            $"0 lost, 0 duplicated; slowest first acknowledgement after the kill for a session of the killed silo: {recovery.TotalSeconds:0.0} s");
    }

    /// <summary>Each candidate answers items in order; an answer that fails (silo gone, timeout) is resent until acknowledged.</summary>
    async Task AnswerAll(ExamDay day, string[] tokens, int from, int count, ConcurrentBag<Acked> acked,
        (ConcurrentDictionary<int, TimeSpan> Times, Stopwatch Clock)? firstAckAfter)
    {
        await Parallel.ForEachAsync(Enumerable.Range(1, Candidates), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (n, _) =>
        {
            var items = day.PaperOf(n).Items;
            for (var number = from; number < from + count; number++)
            {
                var submission = new AnswerSubmission(number, items[number - 1].Item.Id, number % 5);
                while (true)
                {
                    try
                    {
                        var ack = Ok(await day.Session(n).SubmitAnswer(tokens[n], submission));
                        acked.Add(new Acked(n, ack.ItemId, ack.Sequence, ack.Choice!.Value));
                        firstAckAfter?.Times.TryAdd(n, firstAckAfter.Value.Clock.Elapsed);
                        break;
                    }
                    catch (Exception exception) when (exception is OrleansException or TimeoutException or SiloUnavailableException)
                    {
                        await Task.Delay(200);
                    }
                }
            }
        });
    }

    async Task<List<int>> SessionsOn(SiloAddress silo, ExamDay day)
    {
        var management = Grains.GetGrain<IManagementGrain>(0);
        var statistics = await management.GetDetailedGrainStatistics(hostsIds: [silo]);
        var keys = statistics.Select(s => s.GrainId.Key.ToString()).ToHashSet();
        return [.. Enumerable.Range(1, Candidates).Where(n => keys.Contains($"{day.RoomKey}/{day.ParticipantNo(n)}"))];
    }
}
