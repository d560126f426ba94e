using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Casn.Service.Tests.Blobs;

/// <summary>
/// A real Azurite (Azure Blob Storage emulator) for one test run: loopback, a free port, a temporary
/// folder. Found in .ci/azurite (where .ci/run installs it from npm) or on PATH.
/// </summary>
public sealed class AzuriteServer : IAsyncLifetime
{
    /// <summary>Azurite's well-known development account key (public, documented by Microsoft).</summary>
    const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    Process? _process;
    readonly string _directory = Directory.CreateTempSubdirectory("casn-azurite-").FullName;

    public int Port { get; } = FreePort();

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevelopmentKey};BlobEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;";

    public async Task InitializeAsync() => await StartAsync();

    public async Task StartAsync()
    {
        var executable = Find() ?? throw new InvalidOperationException(
            "The blob tests need Azurite: npm install --prefix .ci/azurite azurite (.ci/run installs it).");
        _process = Process.Start(new ProcessStartInfo(executable)
        {
            ArgumentList = { "--blobHost", "127.0.0.1", "--blobPort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--location", _directory, "--skipApiVersionCheck", "--disableTelemetry", "--silent" },
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Stops Azurite as a crash would; its files stay, so <see cref="StartAsync"/> brings the same blobs back.</summary>
    public async Task CrashAsync()
    {
        if (_process is null) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    public async Task DisposeAsync()
    {
        await CrashAsync();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { /* a file still open: left for the OS */ }
    }

    static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ".ci", "azurite", "node_modules", ".bin", "azurite-blob");
            if (File.Exists(candidate)) return candidate;
        }
        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(dir => Path.Combine(dir, "azurite-blob")).FirstOrDefault(File.Exists);
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The real host (embedded profile) with its blobs in Azurite instead of a local folder.</summary>
public sealed class AzuriteSilo : IAsyncLifetime
{
    public AzuriteServer Azurite { get; } = new();

    public Http.SiloFactory Silo { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync();
        Silo = new BlobSiloFactory(Azurite.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        await Azurite.DisposeAsync();
    }

    sealed class BlobSiloFactory(string connectionString) : Http.SiloFactory
    {
        protected override IReadOnlyDictionary<string, string> Settings { get; } =
            new Dictionary<string, string> { ["Casn:Storage:BlobConnectionString"] = connectionString };
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteSilo>
{
    public const string Name = "azurite";
}
