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
    readonly Process _process;
    readonly string _directory;

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=2000,syncTimeout=2000";

    RedisServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public static async Task<RedisServer> StartAsync()
    {
        var executable = FindOnPath("redis-server")
            ?? throw new InvalidOperationException("The Redis tests need redis-server on PATH (apt-get install redis-server; .ci/run installs it).");
        var directory = Directory.CreateTempSubdirectory("casn-redis-").FullName;
        var port = FreePort();
        var process = Process.Start(new ProcessStartInfo(executable)
        {
            ArgumentList = { "--bind", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--dir", directory, "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--logfile", Path.Combine(directory, "redis.log") },
            UseShellExecute = false,
        })!;
        var server = new RedisServer(process, directory, port);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},abortConnect=true,connectTimeout=500");
                await connection.GetDatabase().PingAsync();
                return server;
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline && !process.HasExited)
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
