using System.Collections.Concurrent;
using Casn.Grains;
using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace Casn.Silo.Hosting;

/// <summary>
/// Keeps a region's rooms and sessions on that region's silos, so an office's test day runs on the
/// machines provisioned for it. The region is the first segment of the grain key (or the whole key); a silo's region is
/// its <see cref="MetadataKey"/> metadata. With no silo of the region up, any silo will do: a candidate
/// is never refused for lack of a regional server, and the fallback is logged and counted.
/// </summary>
public sealed partial class KanregPlacementDirector(
    SiloRegions regions,
    SiloRegion ownRegion,
    ILogger<KanregPlacementDirector> logger) : IPlacementFilterDirector
{
    public const string MetadataKey = KanregPlacementStrategy.RegionMetadataKey;

    readonly ConcurrentDictionary<string, bool> _fallbackLogged = new(StringComparer.Ordinal);

    public IEnumerable<SiloAddress> Filter(PlacementFilterStrategy filterStrategy, PlacementTarget target, IEnumerable<SiloAddress> silos)
    {
        if (Casn.Domain.Keys.RegionOf(target.GrainIdentity.Key.ToString() ?? "") is not { } region) return silos;
        var candidates = silos as IReadOnlyCollection<SiloAddress> ?? [.. silos];
        var inRegion = candidates.Where(silo => string.Equals(regions.Of(silo), region, StringComparison.Ordinal)).ToList();
        if (inRegion.Count > 0) return inRegion;

        // Only known names become labels and warnings: invented regions must not multiply series or log lines.
        var label = ownRegion.Known.Contains(region) ? region : OtherRegion;
        CasnMetrics.RegionPlacementFallbacks.Add(1, new KeyValuePair<string, object?>("region", label));
        if (_fallbackLogged.TryAdd(label, true))
        {
            if (label == OtherRegion) LogUnknownFallback(logger);
            else LogFallback(logger, region);
        }
        return candidates;
    }

    /// <summary>The label of a region not in <c>Casn:Orleans:Regions</c>.</summary>
    public const string OtherRegion = "other";

    [LoggerMessage(Level = LogLevel.Warning, Message = "No silo serves region {Region}; its grains are placed on any silo (counted in casn.placement.region_fallbacks)")]
    static partial void LogFallback(ILogger logger, string region);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grains of regions not in Casn:Orleans:Regions are placed on any silo (counted as region 'other' in casn.placement.region_fallbacks; logged once)")]
    static partial void LogUnknownFallback(ILogger logger);
}

/// <summary>
/// The region this silo serves (<c>Casn:Orleans:Region</c>; null for a silo that serves any) and the nation's
/// Kanregs (<c>Casn:Orleans:Regions</c>), the only names metrics and warnings use.
/// </summary>
public sealed record SiloRegion(string? Name, IReadOnlySet<string> Known);

/// <summary>
/// The region each silo serves, as this silo knows it: from the silo's metadata, and this silo's own from its settings,
/// since its metadata may not have reached its cache while it joins. Placement, the balancer and the operator view ask here.
/// </summary>
public sealed class SiloRegions(SiloRegion own, ILocalSiloDetails localSilo, ISiloMetadataCache metadata)
{
    public string? Of(SiloAddress silo) => silo.Equals(localSilo.SiloAddress)
        ? own.Name
        : metadata.GetSiloMetadata(silo).Metadata.GetValueOrDefault(KanregPlacementDirector.MetadataKey);
}
