using Casn.Client;
using Casn.Grains.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Casn.Service.Tests.Http;

/// <summary>
/// #17: a test harness drives grains over a real gateway: Casn.Client connects an Orleans client to a running silo (the
/// service's own host, on known ports), and the harness's run takes one candidate from check-in to a submitted sitting.
/// </summary>
public sealed class HarnessTests
{
    sealed class KnownPortsSilo : SiloFactory
    {
        public int GatewayPort { get; } = FreePort();
        public string ClusterId { get; } = "harness-" + Guid.NewGuid().ToString("N")[..8];

        protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
        {
            ["Casn:Orleans:GatewayPort"] = GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Casn:Orleans:ClusterId"] = ClusterId,
        };
    }

    [Fact]
    public async Task The_harness_drives_a_sitting_through_a_grain_client_on_the_gateway()
    {
        await using var silo = new KnownPortsSilo();
        _ = silo.Server; // starts the silo
        var builder = Host.CreateApplicationBuilder();
        builder.AddCasnClient(o =>
        {
            o.Gateways = [$"127.0.0.1:{silo.GatewayPort}"];
            o.ClusterId = silo.ClusterId;
        });
        using var client = builder.Build();
        await client.StartAsync();
        var grains = client.Services.GetRequiredService<IClusterClient>();

        var output = new StringWriter();
        var total = await Casn.Harness.HarnessRun.RunAsync(grains, output);

        Assert.Matches($"harness: finished, total {total}\\s*$", output.ToString());
        // What the harness saw is what the cluster holds: the sitting is finished with that total.
        var line = output.ToString().Split('\n')[0];
        var roomKey = line.Split(" in ")[1].Split(',')[0];
        var participantNo = line.Split(' ')[1];
        var view = (await grains.GetGrain<ICandidateSessionGrain>(CasnKeys.SessionKeyOf(roomKey, participantNo)).GetView())!;
        Assert.Equal((Casn.Domain.Sessions.SessionStatus.Finished, total), (view.Status, view.Result!.Scores.Total));
        Assert.True(total > 0, "the harness answers its first items with their best options");
        await client.StopAsync();
    }

    [Fact]
    public void A_gateway_is_host_and_port()
    {
        Assert.Equal(30000, CasnClientHosting.Gateway("127.0.0.1:30000").Port);
        Assert.Throws<ArgumentException>(() => CasnClientHosting.Gateway("127.0.0.1"));
        Assert.Throws<ArgumentException>(() => CasnClientHosting.Gateway("127.0.0.1:99999"));
    }
}
