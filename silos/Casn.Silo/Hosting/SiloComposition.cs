using Orleans.Dashboard;
using System.Net;
using Casn.Grains.Abstractions;
using Casn.Grains;
using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Configuration;
using StackExchange.Redis;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Casn.Silo.Hosting;

/// <summary>Cluster settings from <c>Casn:Orleans</c>.</summary>
public sealed class ClusterSettings
{
    public const string Section = "Casn:Orleans";

    /// <summary>
    /// <c>Embedded</c>: localhost clustering and in-memory state, no external server.
    /// <c>Redis</c>: Redis for membership, grain state and reminders; silos on many machines.
    /// </summary>
    public string Profile { get; set; } = SiloComposition.EmbeddedProfile;

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos and clients use to reach this silo (Redis profile).</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>The Kanreg this silo serves (e.g. <c>KANREG-V</c>); its rooms and sessions are placed here.</summary>
    public string? Region { get; set; }

    /// <summary>
    /// The nation's Kanregs. Metrics and warnings name only these (and the regions of running silos); any other
    /// region, such as a typo, is counted as <c>other</c>, so made-up names cannot multiply metric series.
    /// </summary>
    public string[] Regions { get; set; } = [];

    public string ClusterId { get; set; } = "casn";

    public string ServiceId { get; set; } = "casn";

    /// <summary>On Kubernetes: silo name and addresses come from the pod, and dead pods leave membership at once.</summary>
    public bool Kubernetes { get; set; }

    /// <summary>
    /// How long a silo asked to leave says "not ready" while still serving, before it shuts down (0: at once). Longer than
    /// the load balancer's readiness polling; inside the platform's grace period (Kubernetes: terminationGracePeriodSeconds).
    /// </summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// How often each silo of a Kanreg compares its sittings with the Kanreg's other silos and hands its excess to the
    /// emptier ones (0: never), and how many it hands over at most each time: a silo added at 07:30 carries its share soon after.
    /// </summary>
    public TimeSpan BalanceEvery { get; set; } = KanregBalance.Default.Every;

    public int BalanceMovesPerRound { get; set; } = KanregBalance.Default.MovesPerRound;

    /// <summary>TLS between silos and from grain clients (off by default): see <see cref="ClusterTlsSettings"/>.</summary>
    public ClusterTlsSettings Tls { get; set; } = new();

    /// <summary>How long a silo waits for a probe answer; with 3 missed probes a dead silo is evicted in seconds.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>Redis settings from <c>Casn:Redis</c>.</summary>
public sealed class RedisSettings
{
    public const string Section = "Casn:Redis";

    /// <summary>A StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6380</c>.</summary>
    public string? ConnectionString { get; set; }
}

/// <summary>The one place where storage and clustering are chosen.</summary>
public static class SiloComposition
{
    public const string EmbeddedProfile = "Embedded";
    public const string RedisProfile = "Redis";

    /// <summary>
    /// The silo host's composition: how this silo finds the cluster (the profile's clustering, ports, TLS, and the
    /// production profile's required keys), then everything else a Casn silo is (<see cref="AddCasnSilo"/>).
    /// </summary>
    public static void Configure(ISiloBuilder silo, IConfiguration configuration)
    {
        var settings = SettingsFrom(configuration);
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });
        switch (settings.Profile)
        {
            case EmbeddedProfile:
                EnsurePortsFree(IPAddress.Loopback, settings);
                silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort);
                break;
            case RedisProfile:
                if (!IPAddress.TryParse(settings.AdvertisedAddress, out var address))
                    throw new InvalidOperationException($"{ClusterSettings.Section}:AdvertisedAddress '{settings.AdvertisedAddress}' is not an IP address.");
                EnsurePortsFree(address, settings);
                silo.ConfigureEndpoints(address, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: false);
                if (settings.Kubernetes) silo.UseKubernetesHosting();
                var redis = RedisOptionsFrom(configuration);
                if (string.IsNullOrWhiteSpace(configuration[$"{BiometricOptions.Section}:Key"]))
                    throw new InvalidOperationException(
                        $"{BiometricOptions.Section}:Key (base64 of 32 bytes) is required when {ClusterSettings.Section}:Profile is '{RedisProfile}': photos and embeddings must stay readable across restarts and silos.");
                if (string.IsNullOrWhiteSpace(configuration[$"{StorageOptions.Section}:BlobConnectionString"]))
                    throw new InvalidOperationException(
                        $"{StorageOptions.Section}:BlobConnectionString is required when {ClusterSettings.Section}:Profile is '{RedisProfile}': every silo must reach the same photos and archives (UseDevelopmentStorage=true for Azurite).");
                if (string.IsNullOrWhiteSpace(configuration[$"{ArchiveOptions.Section}:SigningKey"]))
                    throw new InvalidOperationException(
                        $"{ArchiveOptions.Section}:SigningKey (EC P-256 private key, PKCS#8, base64) is required when {ClusterSettings.Section}:Profile is '{RedisProfile}': archives must stay verifiable with one published key.");
                silo.UseRedisClustering(o => o.ConfigurationOptions = redis.Clone());
                silo.Configure<ClusterMembershipOptions>(o =>
                {
                    o.ProbeTimeout = settings.ProbeTimeout;
                    o.NumMissedProbesLimit = 3;
                });
                break;
            default:
                throw new InvalidOperationException(
                    $"{ClusterSettings.Section}:Profile is '{settings.Profile}'; use '{EmbeddedProfile}' or '{RedisProfile}'.");
        }
        if (settings.Tls.Enabled) UseClusterTls(silo, settings.Tls.Load());
        silo.AddCasnSilo(configuration);
    }

    /// <summary>
    /// Everything a Casn silo is, whatever finds its cluster: state and reminders for <c>Casn:Orleans:Profile</c>
    /// (memory, or Redis at <c>Casn:Redis:ConnectionString</c>), its Kanreg's placement and balancer, the grains and
    /// their options, traces and the dashboard. The host calls it after its clustering (<see cref="Configure"/>); tests
    /// and the bench call it under a test cluster or localhost clustering, with their settings in the configuration.
    /// </summary>
    public static ISiloBuilder AddCasnSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        var settings = SettingsFrom(configuration);
        switch (settings.Profile)
        {
            case EmbeddedProfile:
                UseMemoryState(silo);
                silo.UseInMemoryReminderService();
                break;
            case RedisProfile:
                UseRedisState(silo, RedisOptionsFrom(configuration));
                break;
            default:
                throw new InvalidOperationException(
                    $"{ClusterSettings.Section}:Profile is '{settings.Profile}'; use '{EmbeddedProfile}' or '{RedisProfile}'.");
        }
        if (settings.Region is { } region && !Casn.Domain.Keys.IsValidToken(region, 32))
            throw new InvalidOperationException($"{ClusterSettings.Section}:Region '{region}' must be 1-32 letters, digits or '-'.");
        AddKanregPlacement(silo, settings.Region, settings.Regions);
        AddKanregBalancer(silo, new KanregBalance(settings.BalanceEvery, settings.BalanceMovesPerRound));
        silo.AddActivityPropagation();
        // The dashboard's pages are served by the host under /dashboard, national operators only (HttpComposition).
        silo.AddDashboard();
        silo.Services.AddCasnGrains(configuration);
        return silo;
    }

    static ClusterSettings SettingsFrom(IConfiguration configuration) =>
        configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();

    /// <summary>
    /// Mutual TLS on the silo port and the gateway: a silo or client must present the cluster certificate, and a silo
    /// dialling another checks that it answers with it too.
    /// </summary>
    static void UseClusterTls(ISiloBuilder silo, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate) =>
        silo.UseTls(certificate, tls =>
        {
            tls.RemoteCertificateMode = Orleans.Connections.Security.RemoteCertificateMode.RequireCertificate;
            tls.ClientCertificateMode = Orleans.Connections.Security.RemoteCertificateMode.RequireCertificate;
            tls.RemoteCertificateValidation = (remote, _, _) => ClusterTlsSettings.IsTheCluster(certificate, remote);
            tls.OnAuthenticateAsClient = (_, options) => options.TargetHost = ClusterTlsSettings.HostName(certificate);
        });

    /// <summary>
    /// Refuses to start on a silo or gateway port that something already listens on. Orleans' listeners allow the port
    /// to be shared, so a second silo on the same ports used to start "healthy" and take half of the first one's
    /// connections. A plain bind, which does not share, finds the port taken and names it.
    /// </summary>
    static void EnsurePortsFree(IPAddress address, ClusterSettings settings)
    {
        foreach (var (port, setting) in new[] { (settings.SiloPort, "SiloPort"), (settings.GatewayPort, "GatewayPort") })
        {
            try
            {
                using var probe = new System.Net.Sockets.Socket(address.AddressFamily, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                probe.Bind(new IPEndPoint(address, port));
            }
            catch (System.Net.Sockets.SocketException exception) when (exception.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse)
            {
                throw new InvalidOperationException(
                    $"{ClusterSettings.Section}:{setting} {port} is already in use on {address}: another silo or program listens there. Stop it, or give this silo other ports.");
            }
        }
    }

    /// <summary>Evens out the sittings of this silo's Kanreg across its silos (<see cref="KanregBalancer"/>).</summary>
    static void AddKanregBalancer(ISiloBuilder silo, KanregBalance balance)
    {
        silo.Services.AddSingleton(balance);
        silo.Services.AddHostedService<KanregBalancer>();
    }

    /// <summary>Publishes this silo's region and places each region's rooms and sessions on its silos.</summary>
    static void AddKanregPlacement(ISiloBuilder silo, string? region, IEnumerable<string>? knownRegions = null)
    {
        silo.UseSiloMetadata(region is null ? [] : new Dictionary<string, string> { [KanregPlacementDirector.MetadataKey] = region });
        silo.Services.AddSingleton(new SiloRegion(region, (knownRegions ?? []).ToHashSet(StringComparer.Ordinal)));
        silo.Services.AddSingleton<SiloRegions>();
        silo.Services.AddPlacementFilter<KanregPlacementStrategy, KanregPlacementDirector>(ServiceLifetime.Singleton);
    }

    /// <summary>
    /// Memory grain state for the embedded default. Orleans' memory storage keeps every grain's state in a fixed set
    /// of storage grains (10 by default), each write a copy of the whole state: with 64 workstations answering,
    /// writes queued behind those 10 and the ack p99 reached 0.6-1.5 s (docs/benchmarks.md). 64 spread them out.
    /// </summary>
    static void UseMemoryState(ISiloBuilder silo) => silo.AddMemoryGrainStorageAsDefault(o => o.NumStorageGrains = MemoryStorageGrains);

    public const int MemoryStorageGrains = 64;

    /// <summary>Reads and checks <c>Casn:Redis:ConnectionString</c>, naming the setting when it is wrong.</summary>
    public static ConfigurationOptions RedisOptionsFrom(IConfiguration configuration)
    {
        var connectionString = configuration.GetSection(RedisSettings.Section).Get<RedisSettings>()?.ConnectionString;
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException(
                $"{RedisSettings.Section}:ConnectionString is required when {ClusterSettings.Section}:Profile is '{RedisProfile}' (e.g. 127.0.0.1:6380).");
        try
        {
            return ConfigurationOptions.Parse(connectionString);
        }
        catch (ArgumentException exception)
        {
            throw new InvalidOperationException($"{RedisSettings.Section}:ConnectionString is not a valid Redis configuration: {exception.Message}", exception);
        }
    }

    /// <summary>
    /// Redis for sittings' logs, grain state and reminders. Everything is written to a server whose append-only file
    /// fsyncs every write, so an acknowledged answer is on disk.
    /// </summary>
    static void UseRedisState(ISiloBuilder silo, ConfigurationOptions redis)
    {
        silo.AddRedisGrainStorageAsDefault(o => o.ConfigurationOptions = redis.Clone());
        silo.UseRedisReminderService(o => o.ConfigurationOptions = redis.Clone());
        silo.Services.Replace(ServiceDescriptor.Singleton<ISittingLog>(_ =>
        {
            // A Redis restart must not leave the silo without its log: retry the connection every half second, not
            // with the default exponential back-off, which left one silo failing for many seconds after Redis was back.
            var options = redis.Clone();
            options.AbortOnConnectFail = false;
            options.ReconnectRetryPolicy = new LinearRetry(500);
            // Replies are read on the .NET thread pool, where the sitting's continuation runs anyway, not on the client's
            // own socket threads first: one thread hand-off less per answer (CPU per answer 52-69 -> 43-53 us, #14).
            options.SocketManager = SocketManager.ThreadPool;
            return new RedisSittingLog(options);
        }));
    }
}
