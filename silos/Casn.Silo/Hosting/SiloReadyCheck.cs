using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace Casn.Silo.Hosting;

/// <summary>Ready once this silo is an active member of the cluster, so a load balancer sends no work before.</summary>
public sealed class SiloReadyCheck(IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"silo {silo.SiloAddress} is active")
            : HealthCheckResult.Unhealthy($"silo {silo.SiloAddress} is {status}"));
    }
}
