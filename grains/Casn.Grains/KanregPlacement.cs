using System.Diagnostics.Metrics;
using Orleans.Placement;

namespace Casn.Grains;

/// <summary>
/// Marks grains whose key starts with a region (Kanreg) code: they are placed on that region's silos,
/// or on any silo when the region has none. The director lives with the silo host.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class KanregPlacementAttribute() : PlacementFilterAttribute(new KanregPlacementStrategy());

/// <summary>Carries no settings: the region comes from each grain's key.</summary>
public sealed class KanregPlacementStrategy() : PlacementFilterStrategy(order: 0);

/// <summary>The service's own meters, next to Orleans' <c>Microsoft.Orleans</c> meter.</summary>
public static class CasnMetrics
{
    public const string MeterName = "Casn";

    public static readonly Meter Meter = new(MeterName);

    /// <summary>Grains placed outside their region because no silo of the region was up.</summary>
    public static readonly Counter<long> RegionPlacementFallbacks =
        Meter.CreateCounter<long>("casn.placement.region_fallbacks", description: "Grains placed outside their Kanreg because it had no silo");
}
