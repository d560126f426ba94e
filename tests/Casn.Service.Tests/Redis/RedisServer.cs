using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Casn.Service.Tests.Redis;

/// <summary>
/// A real redis-server for one test run: loopback only, a free port, a temporary directory, the
/// append-only file with fsync on every write (as in production). Killed and removed afterwards.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    Process _process;
    readonly string _directory;

    public int Port { get; }

    /// <summary>Redis commands give up after 1 s, well before the test clients' response timeout (see RedisClusterFixture).</summary>
    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=1000,syncTimeout=1000,asyncTimeout=1000";

    RedisServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public static async Task<RedisServer> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("casn-redis-").FullName;
        var port = FreePort();
        var server = new RedisServer(Launch(directory, port), directory, port);
        await server.WaitUntilReady();
        return server;
    }

    /// <summary>Kills the server as a crash would (no shutdown save), then starts it on the same port and files.</summary>
    public async Task CrashAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    public async Task StartAgainAsync()
    {
        _process = Launch(_directory, Port);
        await WaitUntilReady();
    }

    static Process Launch(string directory, int port)
    {
        var executable = FindOnPath("redis-server")
            ?? throw new InvalidOperationException("The Redis tests need redis-server on PATH (apt-get install redis-server; .ci/run installs it).");
        return Process.Start(new ProcessStartInfo(executable)
        {
            ArgumentList = { "--bind", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--dir", directory, "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--logfile", Path.Combine(directory, "redis.log") },
            UseShellExecute = false,
        })!;
    }

    async Task WaitUntilReady()
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{Port},abortConnect=true,connectTimeout=500");
                await connection.GetDatabase().PingAsync();
                return;
            }
            // Not listening yet, or listening but still replaying its append-only file ("LOADING"): both mean wait.
            catch (Exception error) when ((error is RedisConnectionException || error is RedisServerException { Message: var message } && message.StartsWith("LOADING", StringComparison.Ordinal))
                && DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { /* a log still open: left for the OS */ }
    }

    static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/bin", "/usr/sbin"])
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
