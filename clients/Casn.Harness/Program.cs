using Casn.Client;
using Casn.Harness;
using Microsoft.Extensions.DependencyInjection;

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
    var host = await CasnClientHosting.ConnectAsync(o =>
    {
        if (gateways.Count > 0) o.Gateways = [.. gateways];
        o.ClusterId = clusterId;
        o.ServiceId = serviceId;
    });
    var total = await HarnessRun.RunAsync(host.Services.GetRequiredService<IClusterClient>(), Console.Out);
    await host.StopAsync();
    host.Dispose();
    return total >= 0 ? 0 : 1;
}
catch (Exception exception) when (exception is CasnConnectException or CasnFaultException or ArgumentException or Orleans.Runtime.OrleansException
                                   or TimeoutException or OperationCanceledException)
{
    Console.Error.WriteLine($"harness: {exception.Message}");
    return 1;
}
