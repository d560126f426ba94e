using Casn.Service.Tests.Http;
using Microsoft.Playwright;

namespace Casn.Service.Tests.Browser;

/// <summary>The real host on a real Kestrel port, and Debian's chromium driven by Playwright.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public KestrelSiloFactory Silo { get; } = new();

    public IBrowser Browser { get; private set; } = null!;

    IPlaywright? _playwright;

    public async Task InitializeAsync()
    {
        Silo.StartServer();
        _playwright = await Playwright.CreateAsync();
        Browser = await Launch(_playwright);
    }

    /// <summary>Debian's chromium, headless, quiet: the one browser every page test drives.</summary>
    public static async Task<IBrowser> Launch(IPlaywright playwright)
    {
        Assert.True(File.Exists(ChromiumPath), $"Browser tests need Debian's chromium at {ChromiumPath} (apt-get install chromium; .ci/run installs it).");
        return await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        await Silo.DisposeAsync();
    }
}

public sealed class KestrelSiloFactory : SiloFactory
{
    public KestrelSiloFactory() => UseKestrel(FreePort());
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
