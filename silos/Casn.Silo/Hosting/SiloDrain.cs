using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Casn.Silo.Hosting;

/// <summary>
/// A silo asked to leave (SIGTERM, a Kubernetes rolling update, <c>deploy/local/scale remove</c>) first says it is not
/// ready and keeps serving for <see cref="ClusterSettings.DrainDelay"/>, so a load balancer that polls
/// <c>/health/ready</c> stops sending it new requests before it leaves the cluster. The delay runs in the host's
/// "stopping" phase, which every hosted service passes before any of them stops: the web server and Orleans serve on
/// through it (a plain <c>StopAsync</c> would run after the web server had already closed its port).
/// </summary>
public sealed partial class SiloDrain(IHostApplicationLifetime lifetime, IOptions<ClusterSettings> cluster, ILogger<SiloDrain> logger)
    : IHostedLifecycleService, IHealthCheck
{
    volatile bool _draining;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(() => _draining = true);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        var delay = cluster.Value.DrainDelay;
        if (delay <= TimeSpan.Zero) return;
        LogDraining(logger, delay.TotalSeconds);
        try
        {
            await Task.Delay(delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout came first: leave now.
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_draining ? HealthCheckResult.Unhealthy("draining: this silo is leaving the cluster") : HealthCheckResult.Healthy());

    [LoggerMessage(Level = LogLevel.Information, Message = "Leaving: not ready from now on; serving {Seconds} s more before the silo stops")]
    static partial void LogDraining(ILogger logger, double seconds);
}
