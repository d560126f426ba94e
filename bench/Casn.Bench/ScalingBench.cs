using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Casn.Access;

namespace Casn.Bench;

/// <summary>
/// Acknowledged answers per second over HTTP with 1 silo and with 3 silos of one cluster (Redis profile:
/// Redis membership and state with fsync always, Azurite for blobs), silos in processes of their own,
/// workstations spread over the silos. On this 2-core machine three silos share the same cores, so the
/// ratio says what the cluster costs here; on a machine with cores to spare it says what it buys.
/// </summary>
public static class ScalingBench
{
    public static async Task Run(BenchOptions options, Figures figures)
    {
        if (!BenchAzurite.IsInstalled)
        {
            // bench/run installs it when npm is there; without it the step says why it did not run, and the rest stands.
            Console.Error.WriteLine($"scaling skipped: it needs Azurite at {BenchAzurite.Executable} (npm install --prefix .ci/azurite azurite@3.37.0, as .ci/run does)");
            return;
        }
        // #14's figure: 50 closed-loop workstations on one silo, with the ack's p99 as the workstation sees it.
        var (http50, http50P50, http50P99) = await AnswersPerSecond(1, 50, options);
        figures.Add(new("http_answers_per_s_50", http50, "1/s", $"HTTP, 50 workstations back to back, 1 silo, Redis profile (fsync always); p50 {http50P50:0.0} ms, p99 {http50P99:0.0} ms"));
        figures.Add(new("http_ack_p99_ms_50", http50P99, "ms", "the same run: answer PUT to its 200, as the workstation sees it"));
        var (one, _, _) = await AnswersPerSecond(1, options.Workstations, options);
        var (three, _, _) = await AnswersPerSecond(3, options.Workstations, options);
        figures.Add(new("answers_per_s_1_silo", one, "1/s", $"HTTP, {options.Workstations} workstations, Redis profile, {Environment.ProcessorCount} cores"));
        figures.Add(new("answers_per_s_3_silos", three, "1/s", "same load spread over 3 silo processes of one cluster"));
        figures.Add(new("scaling_ratio_3_vs_1", three / one, "ratio", "3 silos / 1 silo on this machine"));
    }

    const int WarmUpSeconds = 5;

    static async Task<(double Rate, double P50, double P99)> AnswersPerSecond(int siloCount, int workstations, BenchOptions options)
    {
        await using var redis = await BenchRedis.StartAsync();
        await using var azurite = await BenchAzurite.StartAsync();
        var key = RandomNumberGenerator.GetBytes(32);
        var archiveKey = Convert.ToBase64String(ECDsa.Create(ECCurve.NamedCurves.nistP256).ExportPkcs8PrivateKey());
        var clusterId = "scale-" + Guid.NewGuid().ToString("N")[..8];
        var biometricKey = RandomNumberGenerator.GetBytes(32);
        var ports = Enumerable.Range(0, siloCount).Select(_ => BenchSilo.FreePort()).ToArray();
        var silos = new List<Process>();
        try
        {
            foreach (var port in ports)
            {
                silos.Add(BoardBench.StartSilo(port, key, RedisProfile(redis, azurite, clusterId, archiveKey, biometricKey, port)));
                // One silo at a time: a silo still joining when the next starts slows membership (infra.md).
                await BoardBench.WaitReady(Client(port, null));
            }
            var tokens = new StaffTokens(key);
            var room = await BoardBench.Prepare(token => Client(ports[0], token), (n, token) => Client(ports[n % ports.Length], token),
                tokens, workstations);
            var acked = 0;
            var latencies = new Latencies();
            // 5 s not counted: with 1 s, the JIT was still optimising the answer path in the silo and in the bench
            // well into the timed seconds (a tenth of the silo's CPU in a profile 4 s in).
            var warm = Stopwatch.GetTimestamp() + WarmUpSeconds * Stopwatch.Frequency;
            var deadline = warm + (long)(options.Step.TotalSeconds * Stopwatch.Frequency);
            await Task.WhenAll(room.Workstations.Select(async (_, n) =>
            {
                while (Stopwatch.GetTimestamp() < deadline)
                {
                    var start = Stopwatch.GetTimestamp();
                    using var response = await room.AnswerNext(n);
                    if (response.IsSuccessStatusCode && start > warm)
                    {
                        Interlocked.Increment(ref acked);
                        latencies.Add(Latencies.Since(start));
                    }
                }
            }));
            Console.Error.WriteLine($"  scaling: {siloCount} silo(s), {workstations} workstations, {acked / options.Step.TotalSeconds:0} acknowledged answers/s, p99 {latencies.Percentile(99):0.0} ms");
            return (acked / options.Step.TotalSeconds, latencies.Percentile(50), latencies.Percentile(99));
        }
        finally
        {
            foreach (var silo in silos)
            {
                if (!silo.HasExited) silo.Kill(entireProcessTree: true);
                await silo.WaitForExitAsync();
                silo.Dispose();
            }
        }
    }

    /// <summary>The settings of one silo process of a Redis-profile cluster: membership and state in Redis, blobs in Azurite.</summary>
    public static Dictionary<string, string> RedisProfile(BenchRedis redis, BenchAzurite azurite, string clusterId, string archiveKey, byte[] biometricKey, int port) => new()
    {
        ["Casn__Orleans__Profile"] = "Redis",
        ["Casn__Orleans__ClusterId"] = clusterId,
        ["Casn__Redis__ConnectionString"] = redis.ConnectionString,
        ["Casn__Storage__BlobConnectionString"] = azurite.ConnectionString,
        ["Casn__Archive__SigningKey"] = archiveKey,
        ["Casn__PublicBaseUrl"] = $"http://127.0.0.1:{port}",
        ["Casn__Biometrics__Key"] = Convert.ToBase64String(biometricKey),
        ["Casn__Sessions__MaxAnswers"] = "1000000",
    };

    static readonly SocketsHttpHandler Handler = new() { MaxConnectionsPerServer = int.MaxValue };

    public static HttpClient Client(int port, string? token)
    {
        var client = new HttpClient(Handler, disposeHandler: false) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(2) };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}

/// <summary>Azurite (from .ci/azurite, as CI installs it) on a free port, for the Redis profile's blob storage.</summary>
public sealed class BenchAzurite : IAsyncDisposable
{
    readonly Process _process;
    readonly string _directory;

    public string ConnectionString { get; }

    BenchAzurite(Process process, string directory, int port)
    {
        (_process, _directory) = (process, directory);
        ConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
            $"BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
    }

    public static string Executable => Path.Combine(Benchmarks.RepoRoot(), ".ci", "azurite", "node_modules", ".bin", "azurite-blob");

    public static bool IsInstalled => File.Exists(Executable);

    public static async Task<BenchAzurite> StartAsync()
    {
        var executable = Executable;
        if (!IsInstalled) throw new InvalidOperationException("The scaling bench needs Azurite: npm install --prefix .ci/azurite azurite@3.37.0");
        var directory = Directory.CreateTempSubdirectory("casn-bench-azurite-").FullName;
        var port = BenchSilo.FreePort();
        var process = Process.Start(new ProcessStartInfo(executable)
        {
            ArgumentList = { "--blobHost", "127.0.0.1", "--blobPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--location", directory,
                "--skipApiVersionCheck", "--disableTelemetry", "--silent" },
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var tcp = new System.Net.Sockets.TcpClient();
                await tcp.ConnectAsync("127.0.0.1", port);
                return new BenchAzurite(process, directory, port);
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(100);
            }
        }
        throw new InvalidOperationException("Azurite did not start.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
