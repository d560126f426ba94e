using System.Net;
using System.Net.Sockets;
using Casn.Service.Tests.Browser;
using Casn.Service.Tests.Http;
using Microsoft.Playwright;

namespace Casn.Service.Tests.Integrity;

/// <summary>
/// The real host on a real Kestrel port with a short silence limit (3 s; the page then beats every
/// second) and auto-resume window (8 s), so that lost contact takes seconds to test, and public boards
/// that lag 2 s behind the sittings (Casn:Boards:PublicDelay); and Debian's
/// chromium. Requests can come from different loopback addresses (127.0.0.N), as strangers would.
/// </summary>
public sealed class IntegrityFixture : IAsyncLifetime
{
    public static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan AutoResumeWithin = TimeSpan.FromSeconds(8);
    public static readonly TimeSpan PublicDelay = TimeSpan.FromSeconds(2);

    /// <summary>A press site allowed to frame the public boards.</summary>
    public const string PressOrigin = "https://tv.example.id";

    /// <summary>The TLS-terminating ingress: connections from 127.0.0.9 (see <see cref="From"/>) are the trusted proxy.</summary>
    public const int ProxyHost = 9;

    public IntegritySiloFactory Silo { get; } = new();

    public IBrowser Browser { get; private set; } = null!;

    IPlaywright? _playwright;

    public Uri BaseAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Silo.StartServer();
        BaseAddress = Silo.CreateClient().BaseAddress!;
        _playwright = await Playwright.CreateAsync();
        Browser = await BrowserFixture.Launch(_playwright);
    }

    /// <summary>A client whose connections come from 127.0.0.<paramref name="host"/>: another address to the server.</summary>
    public HttpClient From(int host)
    {
        var source = IPAddress.Parse($"127.0.0.{host}");
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = BaseAddress };
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        await Silo.DisposeAsync();
    }
}

public sealed class IntegritySiloFactory : SiloFactory
{
    public IntegritySiloFactory() => UseKestrel(FreePort());

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Casn:Sessions:HeartbeatTimeout"] = IntegrityFixture.HeartbeatTimeout.ToString(),
        ["Casn:Sessions:AutoResumeWithin"] = IntegrityFixture.AutoResumeWithin.ToString(),
        ["Casn:Boards:PublicDelay"] = IntegrityFixture.PublicDelay.ToString(),
        ["Casn:Boards:FrameAncestors:0"] = IntegrityFixture.PressOrigin,
        ["Casn:Http:TrustedProxies:0"] = $"127.0.0.{IntegrityFixture.ProxyHost}",
    };
}

[CollectionDefinition(Name)]
public sealed class IntegrityCollection : ICollectionFixture<IntegrityFixture>
{
    public const string Name = "integrity";
}
