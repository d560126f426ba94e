using Casn.Grains;
using Casn.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace Casn.Service.Tests.Cluster;

/// <summary>
/// An in-process cluster whose silo tells time by a <see cref="FakeTimeProvider"/>: a test of a time rule (the check-in
/// window, an exam running out, a silent workstation) moves the clock on with <c>Clock.Advance</c> instead of waiting.
/// The sittings' own timers run on the same clock, so they fire when the clock passes their due time.
/// </summary>
public sealed class FakeClockClusterFixture : IAsyncLifetime
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    readonly string _storage = Path.Combine(Path.GetTempPath(), "casn-test-clock-" + Guid.NewGuid().ToString("N")[..8]);

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) => host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Casn:Sessions:HeartbeatTimeout"] = ClusterFixture.HeartbeatTimeout.ToString(),
            ["Casn:Sessions:AutoResumeWithin"] = ClusterFixture.AutoResumeWithin.ToString(),
            ["Casn:Sessions:FaceCheckGrace"] = "01:00:00",
            ["Casn:Storage:Directory"] = _storage,
        }));
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddCasnSilo(silo.Configuration);
            silo.Services.RemoveAll<TimeProvider>();
            silo.Services.AddSingleton<TimeProvider>(Clock);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        if (Directory.Exists(_storage)) Directory.Delete(_storage, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class FakeClockCollection : ICollectionFixture<FakeClockClusterFixture>
{
    public const string Name = "fake-clock";
}
