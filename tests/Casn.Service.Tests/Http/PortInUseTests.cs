using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;

namespace Casn.Service.Tests.Http;

/// <summary>A second silo on ports another silo holds must not start: Orleans' listeners share a port, and it used to start "healthy".</summary>
public sealed class PortInUseTests
{
    [Fact]
    public async Task A_second_silo_on_the_same_silo_or_gateway_port_fails_at_start_naming_the_port_and_the_setting()
    {
        var (siloPort, gatewayPort) = (FreePort(), FreePort());
        using var first = new SiloFactory().WithWebHostBuilder(b => b
            .UseSetting("Casn:Orleans:SiloPort", siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .UseSetting("Casn:Orleans:GatewayPort", gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var response = await first.CreateClient().GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        using var sameSiloPort = new SiloFactory().WithWebHostBuilder(b => b
            .UseSetting("Casn:Orleans:SiloPort", siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains($"Casn:Orleans:SiloPort {siloPort} is already in use", Assert.ThrowsAny<Exception>(() => sameSiloPort.CreateClient()).ToString());

        using var sameGatewayPort = new SiloFactory().WithWebHostBuilder(b => b
            .UseSetting("Casn:Orleans:GatewayPort", gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains($"Casn:Orleans:GatewayPort {gatewayPort} is already in use", Assert.ThrowsAny<Exception>(() => sameGatewayPort.CreateClient()).ToString());

        // The first silo is untouched by the attempts.
        Assert.Equal(HttpStatusCode.OK, (await first.CreateClient().GetAsync("/health/ready")).StatusCode);
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
