using System.Diagnostics.Metrics;
using Casn.Domain.Candidates;
using Casn.Grains;
using Casn.Grains.Abstractions;
using Casn.Service.Tests.Cluster;
using Casn.Service.Tests.Support;
using Casn.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using static Casn.Service.Tests.Cluster.ExamDay;

namespace Casn.Service.Tests.Placement;

/// <summary>Three silos: one serves KANREG-A, two serve KANREG-B. Nobody serves KANREG-C.</summary>
public sealed class RegionalClusterFixture : IAsyncLifetime
{
    static readonly string[] Regions = ["KANREG-A", "KANREG-B", "KANREG-B"];

    /// <summary>The nation's Kanregs as configured: KANREG-C has no silo here.</summary>
    static readonly string[] KnownRegions = ["KANREG-A", "KANREG-B", "KANREG-C"];

    int _started;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(3);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration["Casn:Orleans:Region"] = Regions[Interlocked.Increment(ref _started) - 1];
            for (var i = 0; i < KnownRegions.Length; i++) host.Configuration[$"Casn:Orleans:Regions:{i}"] = KnownRegions[i];
        });
        builder.ConfigureSilo((_, silo) => silo.AddCasnSilo(silo.Configuration));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public string RegionOf(SiloAddress silo) =>
        Cluster.Silos.Single(s => s.SiloAddress.Equals(silo)).ServiceProvider.GetRequiredService<SiloRegion>().Name!;

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

public sealed class RegionPlacementTests(RegionalClusterFixture fixture) : IClassFixture<RegionalClusterFixture>
{
    IGrainFactory Grains => fixture.Cluster.Client;

    [Fact]
    public async Task Rooms_and_sessions_of_a_region_activate_on_that_regions_silos()
    {
        var exam = TestExams.Skd("P");
        Ok(await Grains.GetGrain<IExamGrain>(exam.Id).Define(exam));
        await ExamDay.DefinePosition(Grains, exam.Id, "POS-1");
        var startsAt = DateTimeOffset.UtcNow.AddHours(1);

        var keys = new List<(string Key, string Region)>();
        foreach (var region in new[] { "KANREG-A", "KANREG-B" })
            for (var n = 1; n <= 6; n++)
            {
                // One candidate per room: a candidate sits an exam once, with the Kanreg they registered with.
                var participantNo = $"P-{region[^1]}{n:D3}";
                Ok(await Grains.GetGrain<ICandidateGrain>(participantNo).Register(new CandidateProfile(
                    participantNo, "Placed", $"317500000000{n:D4}", new DateOnly(1990, 1, 1), "general", "POS-1", false, region)));
                var roomKey = $"{region}/SITE-{n}/{startsAt.UtcDateTime:yyyy-MM-dd}/1/R01";
                var room = Grains.GetGrain<IExamRoomGrain>(roomKey);
                Ok(await room.Setup(new RoomSetup(exam.Id, "Room", startsAt, 5)));
                Ok(await room.AddToRoster([new RosterEntry(participantNo, "S1")]));
                keys.Add((roomKey, region));
                keys.Add(($"{roomKey}/{participantNo}", region));
            }

        var hosts = await Hosts();
        foreach (var (key, region) in keys) Assert.Equal(region, fixture.RegionOf(hosts[key]));
    }

    [Fact]
    public async Task A_region_without_a_silo_falls_back_to_any_silo_and_is_counted_under_a_known_label()
    {
        long fallbacks = 0, others = 0;
        var labels = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == CasnMetrics.MeterName && instrument.Name == "casn.placement.region_fallbacks") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key != "region") continue;
                labels[(string)tag.Value!] = true;
                if ((string?)tag.Value == "KANREG-C") Interlocked.Add(ref fallbacks, value);
                if ((string?)tag.Value == "other") Interlocked.Add(ref others, value);
            }
        });
        listener.Start();

        var exam = TestExams.Skd("P");
        Ok(await Grains.GetGrain<IExamGrain>(exam.Id).Define(exam));
        var startsAt = DateTimeOffset.UtcNow.AddHours(1);
        var roomKey = $"KANREG-C/SITE-1/{startsAt.UtcDateTime:yyyy-MM-dd}/1/R01";
        var room = Grains.GetGrain<IExamRoomGrain>(roomKey);
        Ok(await room.Setup(new RoomSetup(exam.Id, "Room", startsAt, 5)));

        Assert.Contains(roomKey, (await Hosts()).Keys);
        Assert.True(Interlocked.Read(ref fallbacks) >= 1);

        // Invented regions all count as "other": they cannot add metric series.
        for (var n = 0; n < 20; n++)
            Ok(await Grains.GetGrain<IExamRoomGrain>($"TYPO-{n}/SITE-1/{startsAt.UtcDateTime:yyyy-MM-dd}/1/R01").Setup(new RoomSetup(exam.Id, "Room", startsAt, 5)));
        Assert.True(Interlocked.Read(ref others) >= 20);
        Assert.DoesNotContain(labels.Keys, l => l.StartsWith("TYPO-", StringComparison.Ordinal));
    }

    async Task<Dictionary<string, SiloAddress>> Hosts()
    {
        var statistics = await Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return statistics.GroupBy(s => s.GrainId.Key.ToString()!).ToDictionary(g => g.Key, g => g.First().SiloAddress);
    }
}
