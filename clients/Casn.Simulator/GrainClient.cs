using Casn.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Casn.Simulator;

/// <summary>The grain client of <c>--mode grains</c>: connected through a gateway, or a clear message when none answers.</summary>
static class GrainClient
{
    public static async Task<IHost?> Connect(string gateway, string clusterId)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, ToolLifetime>();
        builder.AddCasnClient(o =>
        {
            o.Gateways = [gateway];
            o.ClusterId = clusterId;
        });
        var host = builder.Build();
        try
        {
            using var connecting = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await host.StartAsync(connecting.Token);
            return host;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Not disposed: a client that never connected waits on its retries.
            Console.Error.WriteLine($"casn-sim: could not connect to the cluster '{clusterId}' at {gateway}: is a silo running there, with this cluster id?");
            return null;
        }
    }

    /// <summary>A tool, not a service: no console lifetime holding the process open after a failed start.</summary>
    sealed class ToolLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
