using Casn.Grains;
using Casn.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;

namespace Casn.Service.Tests.Cluster;

/// <summary>One in-process cluster shared by the cluster tests, with the same grain services as the silo.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    /// <summary>Short, so that the lost-contact test takes seconds; longer than the short exams' duration.</summary>
    public static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(5);

    /// <summary>A silence longer than this waits for the proctor; short enough for a test of it to take seconds.</summary>
    public static readonly TimeSpan AutoResumeWithin = TimeSpan.FromSeconds(8);

    /// <summary>In-exam face checks fall due between 0.5 and 1.5 of this after login.</summary>
    public static readonly TimeSpan FaceCheckEvery = TimeSpan.FromSeconds(1);

    public static readonly string StorageDirectory = Path.Combine(Path.GetTempPath(), "casn-test-storage-" + Guid.NewGuid().ToString("N")[..8]);

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    /// <summary>
    /// Grain calls received by the silo, "{grain id} {method}" (the id is type/key: a room and its live board share
    /// a key), newest last (a test drains what it needs).
    /// </summary>
    public static readonly System.Collections.Concurrent.ConcurrentQueue<string> GrainCalls = new();

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Casn:Sessions:HeartbeatTimeout"] = HeartbeatTimeout.ToString(),
                ["Casn:Sessions:AutoResumeWithin"] = AutoResumeWithin.ToString(),
                ["Casn:Sessions:FaceCheckEvery"] = FaceCheckEvery.ToString(),
                // Most cluster tests send no frames; the overdue rule is tested in the domain, with time as data.
                ["Casn:Sessions:FaceCheckGrace"] = "01:00:00",
                // One face worker with room for two waiting: a burst of checks must overflow.
                ["Casn:Faces:Workers"] = "1",
                ["Casn:Faces:QueuePerWorker"] = "2",
                ["Casn:Storage:Directory"] = StorageDirectory,
            });
        });
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddCasnSilo(silo.Configuration);
            // Every grain call, by target and method: tests count what one request costs.
            silo.AddIncomingGrainCallFilter(context =>
            {
                GrainCalls.Enqueue($"{context.TargetId} {context.InterfaceMethod?.Name}");
                return context.Invoke();
            });
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        if (Directory.Exists(StorageDirectory)) Directory.Delete(StorageDirectory, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
