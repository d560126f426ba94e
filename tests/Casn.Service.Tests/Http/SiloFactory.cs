using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Casn.Service.Tests.Http;

/// <summary>
/// The real silo host (Program: Orleans + ASP.NET Core, embedded profile) in the test process, on free
/// ports so that it never collides with a silo someone runs on the defaults.
/// </summary>
public class SiloFactory : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Casn:Orleans:SiloPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Casn:Orleans:GatewayPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Casn:Orleans:ClusterId", "http-tests-" + Guid.NewGuid().ToString("N")[..8]);
        builder.UseSetting("Casn:Sessions:HeartbeatTimeout", "00:00:30");
        builder.UseSetting("Casn:Auth:SigningKey", Support.TestStaff.SigningKey);
        builder.UseSetting("Casn:PublicBaseUrl", PublicBaseUrl);
        builder.UseEnvironment("Production");
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
    }

    /// <summary>Where the test hosts say the public reaches them: every receipt link and QR code points here.</summary>
    public const string PublicBaseUrl = "https://ujian.example.id";

    /// <summary>Settings a derived host changes (limits, storage), applied over the defaults above.</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    protected static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class SiloCollection : ICollectionFixture<SiloFactory>
{
    public const string Name = "silo over http";
}
