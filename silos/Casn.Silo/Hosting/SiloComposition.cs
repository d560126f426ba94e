using Casn.Grains;
using Orleans.Configuration;

namespace Casn.Silo.Hosting;

/// <summary>Cluster settings from <c>Casn:Orleans</c>.</summary>
public sealed class ClusterSettings
{
    public const string Section = "Casn:Orleans";

    /// <summary><c>Embedded</c>: localhost clustering and in-memory state, no external server.</summary>
    public string Profile { get; set; } = "Embedded";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    public string ClusterId { get; set; } = "casn";

    public string ServiceId { get; set; } = "casn";
}

/// <summary>The one place where storage and clustering are chosen.</summary>
public static class SiloComposition
{
    public const string EmbeddedProfile = "Embedded";

    public static void Configure(ISiloBuilder silo, IConfiguration configuration)
    {
        var settings = configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });
        switch (settings.Profile)
        {
            case EmbeddedProfile:
                silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort);
                silo.AddMemoryGrainStorageAsDefault();
                silo.UseInMemoryReminderService();
                break;
            default:
                throw new InvalidOperationException(
                    $"{ClusterSettings.Section}:Profile is '{settings.Profile}'; the supported profile is '{EmbeddedProfile}'.");
        }
        silo.Services.AddCasnGrains(configuration);
    }
}
