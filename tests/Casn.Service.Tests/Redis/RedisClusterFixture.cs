using Casn.Grains;
using Casn.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace Casn.Service.Tests.Redis;

/// <summary>
/// Two silos with the production profile's state: grain state and reminders in a real Redis, through
/// the same composition as the silo host. Membership is the test cluster's own (Orleans 10.4 keeps that
/// switch internal); the multi-process failover test with Redis membership belongs to deploy/local.
/// Silos are killed abruptly: no deactivation, no state flushed on the way out.
/// </summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    /// <summary>
    /// Well above the Redis command timeout (1 s, checked on a ~1 s heartbeat), so a storage failure reaches
    /// the caller as itself and not as a call timeout, as in production (5 s against 30 s). Calls to a
    /// killed silo do not wait for it: they fail when membership declares the silo dead.
    /// </summary>
    static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(10);

    public RedisServer Redis { get; private set; } = null!;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Casn:Sessions:HeartbeatTimeout"] = "00:01:00",
                ["Casn:Orleans:Profile"] = SiloComposition.RedisProfile,
                ["Casn:Redis:ConnectionString"] = Redis.ConnectionString,
            });
        });
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddCasnSilo(silo.Configuration);
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 3;
            });
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout);
        });
        builder.ConfigureClient(client =>
        {
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await Redis.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class RedisClusterCollection : ICollectionFixture<RedisClusterFixture>
{
    public const string Name = "redis cluster";
}
