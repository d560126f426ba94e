using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Casn.Domain.Sessions;
using Casn.Grains;
using Casn.Grains.Abstractions;
using Casn.Service.Tests.Cluster;
using Casn.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.TestingHost;
using Xunit.Abstractions;
using static Casn.Service.Tests.Cluster.ExamDay;

namespace Casn.Service.Tests.Redis;

/// <summary>
/// #19: a Kanreg gives a silo back and takes a new one while 200 candidates answer. The front silo (no region, as an
/// HTTP edge would be) carries the workstations' calls; the Kanreg's sittings live on its two regional silos. One of
/// them is drained (a graceful stop, as SIGTERM does), then a third joins. Nothing may be lost, no workstation call may
/// fail, and every sitting finishes.
/// </summary>
public sealed class KanregDrainTests(ITestOutputHelper output) : IAsyncLifetime
{
    const int Candidates = 200;
    const int AnswersPerPhase = 4;

    RedisServer _redis = null!;
    int _started;
    InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        var builder = new InProcessTestClusterBuilder(3);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Casn:Sessions:HeartbeatTimeout"] = "00:01:00",
                ["Casn:Orleans:Profile"] = SiloComposition.RedisProfile,
                ["Casn:Redis:ConnectionString"] = _redis.ConnectionString,
                // The first silo is the front; every other, including the one added later, serves the test's Kanreg.
                ["Casn:Orleans:Region"] = Interlocked.Increment(ref _started) == 1 ? null : ExamDay.Kanreg,
                ["Casn:Orleans:BalanceEvery"] = "00:00:01",
            });
        });
        builder.ConfigureSilo((_, silo) => silo.AddCasnSilo(silo.Configuration));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _redis.DisposeAsync();
    }

    sealed record Acked(int Candidate, string ItemId, long Sequence, int Choice);

    [Fact]
    public async Task A_Kanreg_drains_a_silo_and_adds_one_mid_exam_with_nothing_lost_and_no_error()
    {
        var front = _cluster.Silos.Single(silo => RegionOf(silo) is null);
        var grains = front.ServiceProvider.GetRequiredService<IGrainFactory>();
        var day = await new ExamDay(grains).Prepare(candidates: Candidates);
        var tokens = await day.StartAll(Candidates);

        var acked = new ConcurrentBag<Acked>();
        var errors = new ConcurrentBag<string>();
        var lastAck = new long[Candidates + 1];
        var maxGapMs = 0L;
        var clock = Stopwatch.StartNew();
        using var handedOver = new HandOverCount();

        // Every workstation answers its items one after another, a little apart, for the whole test.
        var answering = Parallel.ForEachAsync(Enumerable.Range(1, Candidates), new ParallelOptions { MaxDegreeOfParallelism = Candidates }, async (n, _) =>
        {
            var items = day.PaperOf(n).Items;
            lastAck[n] = clock.ElapsedMilliseconds;
            for (var number = 1; number <= 3 * AnswersPerPhase; number++)
            {
                var submission = new AnswerSubmission(number, items[number - 1].Item.Id, number % 5);
                while (true)
                {
                    try
                    {
                        var ack = Ok(await day.Session(n).SubmitAnswer(tokens[n], submission));
                        acked.Add(new Acked(n, ack.ItemId, ack.Sequence, ack.Choice!.Value));
                        var now = clock.ElapsedMilliseconds;
                        InterlockedMax(ref maxGapMs, now - Interlocked.Exchange(ref lastAck[n], now));
                        break;
                    }
                    catch (Exception exception)
                    {
                        // A workstation would show this: it is what the test counts. Then it resends, as a workstation does.
                        errors.Add($"{exception.GetType().Name}: {exception.Message}");
                        await Task.Delay(200);
                    }
                }
                await Task.Delay(250 + Random.Shared.Next(250));
            }
        });

        // A third of the way in, the regional silo holding the room is drained: its sittings, the room and its projection all move.
        var regional = _cluster.Silos.Where(silo => RegionOf(silo) == ExamDay.Kanreg).ToList();
        var hosted = new List<int>();
        foreach (var silo in regional) hosted.Add(await SittingsOn(grains, silo.SiloAddress));
        Assert.Equal(Candidates, hosted.Sum());
        var roomHost = await grains.GetGrain<IManagementGrain>(0).GetActivationAddress(day.Room);
        var leaving = regional.Single(s => s.SiloAddress.Equals(roomHost));
        var staying = regional.Single(s => s != leaving);
        var onLeaving = hosted[regional.IndexOf(leaving)];
        Assert.True(onLeaving >= 20, $"only {onLeaving} sittings on the silo to be drained");
        var boardOnLeaving = (await grains.GetGrain<IManagementGrain>(0).GetActivationAddress(grains.GetGrain<ILiveBoardGrain>(day.RoomKey)))?.Equals(leaving.SiloAddress) == true ? 1 : 0;
        var handedOverBefore = (Sittings: handedOver.Value, Rooms: handedOver.Of("room"), Boards: handedOver.Of("board"));
        var roomVersion = Ok(await day.Room.GetView()).Version;
        var drainStarted = clock.ElapsedMilliseconds;
        await _cluster.StopSiloAsync(leaving);
        var drainMs = clock.ElapsedMilliseconds - drainStarted;
        Assert.Equal(Candidates, await SittingsOn(grains, staying.SiloAddress));
        Assert.True(handedOver.Value - handedOverBefore.Sittings >= onLeaving, $"{handedOver.Value - handedOverBefore.Sittings} sittings handed over in the drain, {onLeaving} were on the silo");
        Assert.Equal(1, handedOver.Of("room") - handedOverBefore.Rooms);
        // The room's board if it was there, and any site or Kanreg board the silo held.
        Assert.True(handedOver.Of("board") - handedOverBefore.Boards >= boardOnLeaving, "the room's board was on the leaving silo and did not move with its rows");
        Assert.True(Ok(await day.Room.GetView()).Version >= roomVersion, "the room's projection went back: a console asking since its version would miss changes");
        Assert.Equal(Candidates, (await grains.GetGrain<ILiveBoardGrain>(day.RoomKey).GetSnapshot()).Rows.Length);

        // Two thirds in, a new silo joins the Kanreg.
        await Eventually(() => Task.FromResult(acked.Count >= Candidates * 2 * AnswersPerPhase), TimeSpan.FromSeconds(60), "the answers after the drain");
        var joined = await _cluster.StartAdditionalSiloAsync();
        var joinedAt = clock.ElapsedMilliseconds;
        // The new silo takes its share of the running sittings, moved with their state, while they answer.
        var share = 0.0;
        await Eventually(async () =>
        {
            share = await SittingsOn(grains, joined.SiloAddress) / (double)Candidates;
            return share >= 0.4;
        }, TimeSpan.FromSeconds(30), "the new silo carrying its share of the Kanreg's sittings");
        var shareAfterMs = clock.ElapsedMilliseconds - joinedAt;

        await answering;

        // Every acknowledged answer is stored once, with the acknowledged choice and sequence.
        var lost = 0;
        foreach (var byCandidate in acked.GroupBy(a => a.Candidate))
        {
            var paper = Ok(await day.Session(byCandidate.Key).GetPaper(tokens[byCandidate.Key]));
            foreach (var ack in byCandidate)
                if (!paper.Answers.Any(a => a.ItemId == ack.ItemId && a.Choice == ack.Choice && a.Sequence == ack.Sequence)) lost++;
            Assert.Equal(byCandidate.Count(), paper.Answers.Length);
        }
        Assert.Equal(Candidates * 3 * AnswersPerPhase, acked.Count);
        Assert.Equal(0, lost);
        Assert.True(errors.IsEmpty, $"{errors.Count} errors reached workstations: {string.Join(" | ", errors.Distinct())}");
        // The sittings moved with their state: a migration, not a deactivation and a read back.
        Assert.True(handedOver.Value >= onLeaving + share * Candidates, $"{handedOver.Value} sittings handed over, {onLeaving} were on the drained silo");

        var closed = Ok(await day.Room.Close(day.Proctor));
        Assert.Equal(Candidates, closed.Attendance.Finished);
        Assert.All(closed.Seats, seat => Assert.Equal(3 * AnswersPerPhase, seat.Answered));

        output.WriteLine($"{Candidates} sittings; drained a silo holding {onLeaving} sittings, the room and {boardOnLeaving} of its board in {drainMs} ms ({handedOver.Value} sittings in all, drain and balancing, {handedOver.Of("room")} room, {handedOver.Of("board")} boards handed over with their state); " +
            $"added a silo, carrying {share:P0} of the sittings {shareAfterMs} ms after it started; {acked.Count} answers acknowledged, 0 lost, {errors.Count} errors; longest gap between two acks of one workstation {maxGapMs} ms");
    }

    static string? RegionOf(InProcessSiloHandle silo) => silo.ServiceProvider.GetRequiredService<SiloRegion>().Name;

    static void InterlockedMax(ref long target, long value)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref target);
            if (value <= current) return;
        } while (Interlocked.CompareExchange(ref target, value, current) != current);
    }

    async Task<int> SittingsOn(IGrainFactory grains, SiloAddress silo)
    {
        var statistics = await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics([silo]);
        return statistics.Where(s => s.GrainType.Contains(nameof(CandidateSessionGrain), StringComparison.Ordinal)).Sum(s => s.ActivationCount);
    }

    /// <summary>Counts casn.grains.handed_over across the in-process silos while the test runs, by kind of grain.</summary>
    sealed class HandOverCount : IDisposable
    {
        readonly MeterListener _listener = new();
        readonly ConcurrentDictionary<string, long> _byGrain = new();

        public HandOverCount()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument == CasnMetrics.HandedOver) listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((_, measurement, tags, _) =>
            {
                foreach (var tag in tags)
                    if (tag.Key == "grain") _byGrain.AddOrUpdate((string)tag.Value!, measurement, (_, sum) => sum + measurement);
            });
            _listener.Start();
        }

        public long Of(string grain) => _byGrain.GetValueOrDefault(grain);

        public long Value => Of("sitting");

        public void Dispose() => _listener.Dispose();
    }
}
