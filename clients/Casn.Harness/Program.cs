using Casn.Client;
using Casn.Harness;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// dotnet run --project clients/Casn.Harness -- --gateway 127.0.0.1:30000 [--gateway …] [--cluster-id casn] [--service-id casn]
// Sets up a room on a running silo and drives one candidate through check-in, answers and submit by grain calls only.
var gateways = new List<string>();
string clusterId = "casn", serviceId = "casn";
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--gateway" when i + 1 < args.Length: gateways.Add(args[++i]); break;
        case "--cluster-id" when i + 1 < args.Length: clusterId = args[++i]; break;
        case "--service-id" when i + 1 < args.Length: serviceId = args[++i]; break;
        case "--help" or "-h":
            Console.WriteLine("usage: casn-harness [--gateway HOST:PORT]... [--cluster-id ID] [--service-id ID]  (default gateway 127.0.0.1:30000)");
            return 0;
        default:
            Console.Error.WriteLine($"harness: unknown argument '{args[i]}' (--help lists them)");
            return 2;
    }
}

try
{
    var builder = Host.CreateApplicationBuilder();
    // The harness prints its own lines; the client's logs would put stack traces on the console.
    builder.Logging.ClearProviders();
    // A tool, not a service: no console lifetime, which would hold the process open after a failed start.
    builder.Services.AddSingleton<IHostLifetime, ToolLifetime>();
    builder.AddCasnClient(o =>
    {
        if (gateways.Count > 0) o.Gateways = [.. gateways];
        o.ClusterId = clusterId;
        o.ServiceId = serviceId;
    });
    // Not disposed when the connection fails: disposing a client that never connected waits on its retries.
    var host = builder.Build();
    try
    {
        using var connecting = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await host.StartAsync(connecting.Token);
    }
    catch (Exception exception) when (exception is not OutOfMemoryException)
    {
        Console.Error.WriteLine($"harness: could not connect to the cluster '{clusterId}' at {string.Join(", ", gateways.DefaultIfEmpty("127.0.0.1:30000"))}: " +
            "is a silo running there, with this cluster id?");
        return 1;
    }
    var total = await HarnessRun.RunAsync(host.Services.GetRequiredService<IClusterClient>(), Console.Out);
    await host.StopAsync();
    host.Dispose();
    return total >= 0 ? 0 : 1;
}
catch (Exception exception) when (exception is CasnFaultException or ArgumentException or Orleans.Runtime.OrleansException or TimeoutException
                                   or System.Net.Sockets.SocketException or OperationCanceledException)
{
    Console.Error.WriteLine($"harness: {exception.Message}");
    return 1;
}

/// <summary>Starts and stops with the harness's own code: Ctrl+C ends the process, nothing waits for a host.</summary>
sealed class ToolLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
