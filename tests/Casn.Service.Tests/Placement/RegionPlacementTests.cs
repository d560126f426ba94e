using System.Diagnostics.Metrics;
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

    int _started;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(3);
        builder.ConfigureSiloHost((_, host) => host.Services.AddCasnGrains(host.Configuration));
        builder.ConfigureSilo((_, silo) =>
        {
            SiloComposition.AddKanregPlacement(silo, Regions[Interlocked.Increment(ref _started) - 1]);
            silo.AddMemoryGrainStorageAsDefault();
            silo.UseInMemoryReminderService();
        });
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
        Ok(await Grains.GetGrain<ICandidateGrain>("P-0001").Register(new CandidateProfile(
            "P-0001", "Placed", "3175000000009999", new DateOnly(1990, 1, 1), "general", "POS-1", false)));

        var keys = new List<(string Key, string Region)>();
        foreach (var region in new[] { "KANREG-A", "KANREG-B" })
            for (var n = 1; n <= 6; n++)
            {
                var roomKey = $"{region}/SITE-{n}/2026-11-23/1/R01";
                var room = Grains.GetGrain<IExamRoomGrain>(roomKey);
                Ok(await room.Setup(new RoomSetup(exam.Id, "Room", DateTimeOffset.UtcNow.AddHours(1), 5)));
                Ok(await room.AddToRoster([new RosterEntry("P-0001", "S1")]));
                keys.Add((roomKey, region));
                keys.Add(($"{roomKey}/P-0001", region));
            }

        var hosts = await Hosts();
        foreach (var (key, region) in keys) Assert.Equal(region, fixture.RegionOf(hosts[key]));
    }

    [Fact]
    public async Task A_region_without_a_silo_falls_back_to_any_silo_and_is_counted()
    {
        long fallbacks = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == CasnMetrics.MeterName && instrument.Name == "casn.placement.region_fallbacks") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags) if (tag.Key == "region" && (string?)tag.Value == "KANREG-C") Interlocked.Add(ref fallbacks, value);
        });
        listener.Start();

        var exam = TestExams.Skd("P");
        Ok(await Grains.GetGrain<IExamGrain>(exam.Id).Define(exam));
        var room = Grains.GetGrain<IExamRoomGrain>("KANREG-C/SITE-1/2026-11-23/1/R01");
        Ok(await room.Setup(new RoomSetup(exam.Id, "Room", DateTimeOffset.UtcNow.AddHours(1), 5)));

        Assert.Contains("KANREG-C/SITE-1/2026-11-23/1/R01", (await Hosts()).Keys);
        Assert.True(Interlocked.Read(ref fallbacks) >= 1);
    }

    async Task<Dictionary<string, SiloAddress>> Hosts()
    {
        var statistics = await Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return statistics.GroupBy(s => s.GrainId.Key.ToString()!).ToDictionary(g => g.Key, g => g.First().SiloAddress);
    }
}
