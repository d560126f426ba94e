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
public sealed class KanregPlacementStrategy() : PlacementFilterStrategy(order: 0)
{
    /// <summary>The silo metadata that names a silo's region (Kanreg).</summary>
    public const string RegionMetadataKey = "casn.region";
}

