using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Casn.Domain;
using Casn.Domain.Candidates;
using Casn.Domain.Exams;
using Casn.Domain.Rooms;
using Casn.Grains;
using Casn.Grains.Abstractions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Casn.Bench;

/// <summary>
/// A silo in this process with the service's own grains and options, in the embedded profile (memory
/// state) or with Redis state. Benchmarks call it through grain interfaces, as a test harness does.
/// </summary>
public sealed class BenchSilo : IAsyncDisposable
{
    readonly IHost _host;

    BenchSilo(IHost host) => _host = host;

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public IServiceProvider Services => _host.Services;

    public static async Task<BenchSilo> StartAsync(string? redis = null, Dictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Casn:Sessions:FaceCheckEvery"] = "00:00:00",
            ["Casn:Storage:Directory"] = Path.Combine(Path.GetTempPath(), "casn-bench-" + Guid.NewGuid().ToString("N")[..8]),
            ["Casn:Orleans:Region"] = "KANREG-B",
            ["Casn:Orleans:Profile"] = redis is null ? Casn.Silo.Hosting.SiloComposition.EmbeddedProfile : Casn.Silo.Hosting.SiloComposition.RedisProfile,
            ["Casn:Redis:ConnectionString"] = redis,
        });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(FreePort(), FreePort(), serviceId: "casn-bench", clusterId: "bench-" + Guid.NewGuid().ToString("N")[..8]);
            // The service's own composition (state for the profile, Kanreg placement, grains), under localhost clustering.
            Casn.Silo.Hosting.SiloComposition.AddCasnSilo(silo, builder.Configuration);
        });
        var host = builder.Build();
        await host.StartAsync();
        return new BenchSilo(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A room of started sittings, set up through the grains as the HTTP endpoints would.</summary>
public sealed record BenchRoom(string RoomKey, ExamDefinition Exam, string[] SessionKeys, string[] Credentials)
{
    static int _rooms;

    public static async Task<BenchRoom> StartAsync(IGrainFactory grains, int candidates, string region = "KANREG-B")
    {
        var exam = DemoItemBank.For(Blueprints.SkdCpns2024);
        Ok(await grains.GetGrain<IExamGrain>(exam.Id).Define(exam));
        Ok(await grains.GetGrain<IPositionRankingGrain>(PositionKey.Of(exam.Id, "POS-1")).Define(new Casn.Domain.Results.Position("POS-1", "Bench", "Bench", 10)));
        var roomNo = Interlocked.Increment(ref _rooms);
        var startsAt = DateTimeOffset.UtcNow.AddHours(1);
        var site = $"SITE-{Environment.ProcessId}";
        var roomKey = $"{region}/{site}/{startsAt.UtcDateTime:yyyy-MM-dd}/1/R{roomNo:D3}";
        var room = grains.GetGrain<IExamRoomGrain>(roomKey);
        Ok(await room.Setup(new RoomSetup(exam.Id, $"Bench {roomNo}", startsAt, candidates)));
        var participants = Enumerable.Range(1, candidates).Select(n => $"B{roomNo:D3}{n:D5}").ToArray();
        await Parallel.ForEachAsync(Enumerable.Range(0, candidates), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            Ok(await grains.GetGrain<ICandidateGrain>(participants[i]).Register(new CandidateProfile(participants[i], "Peserta " + participants[i],
                $"3201{roomNo:D4}{i:D8}", new DateOnly(1999, 1, 1), "general", "POS-1", false, region, site))));
        Ok(await room.AddToRoster([.. participants.Select((p, i) => new RosterEntry(p, $"S{i + 1}"))]));
        var pins = new string[candidates];
        for (var i = 0; i < candidates; i++)
            pins[i] = Ok(await room.CheckIn(new CheckInRequest(participants[i], "manual", new ProctorAction("bench", "bench check-in")))).Pin;
        Ok(await room.Open(new ProctorAction("bench", "bench start")));
        var sessionKeys = participants.Select(p => $"{roomKey}/{p}").ToArray();
        var credentials = new string[candidates];
        await Parallel.ForEachAsync(Enumerable.Range(0, candidates), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            var key = $"bench-workstation-key-{i:D6}";
            var grant = Ok(await grains.GetGrain<ICandidateSessionGrain>(sessionKeys[i]).Login(new LoginRequest(pins[i], $"ws-{i}", key), "127.0.0.1"));
            credentials[i] = WorkstationCredential.Of(grant.Token, key);
        });
        return new BenchRoom(roomKey, exam, sessionKeys, credentials);
    }

    public static T Ok<T>(Result<T> result) =>
        result.IsOk ? result.Value! : throw new InvalidOperationException($"{result.Fault!.Code}: {result.Fault.Message}");
}

/// <summary>Latencies in milliseconds, and their percentiles.</summary>
public sealed class Latencies
{
    readonly List<double> _values = [];

    public void Add(double milliseconds)
    {
        lock (_values) _values.Add(milliseconds);
    }

    public int Count
    {
        get { lock (_values) return _values.Count; }
    }

    public double Percentile(double p)
    {
        lock (_values)
        {
            if (_values.Count == 0) return double.NaN;
            _values.Sort();
            return _values[Math.Min(_values.Count - 1, (int)Math.Ceiling(p / 100 * _values.Count) - 1)];
        }
    }

    public static double Since(long startTimestamp) => Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;
}

/// <summary>A redis-server with the production settings (AOF, fsync on every write) on a free port.</summary>
public sealed class BenchRedis : IAsyncDisposable
{
    readonly Process _process;
    readonly string _directory;

    public string ConnectionString { get; }

    BenchRedis(Process process, string directory, int port)
    {
        (_process, _directory) = (process, directory);
        ConnectionString = $"127.0.0.1:{port},abortConnect=false";
    }

    public static async Task<BenchRedis> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("casn-bench-redis-").FullName;
        var port = BenchSilo.FreePort();
        var process = Process.Start(new ProcessStartInfo("redis-server")
        {
            ArgumentList = { "--bind", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--dir", directory,
                "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--logfile", Path.Combine(directory, "redis.log"),
                // No automatic rewrite during a bench: the AOF's growth is then exactly what was written (aof_bytes_per_answer).
                "--auto-aof-rewrite-percentage", "0",
                // Redis records each second's slowest fsync of 5 ms or more (LATENCY HISTORY aof-fsync-always): see FsyncStalls.
                "--latency-monitor-threshold", "5" },
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("redis-server did not start (apt-get install redis-server).");
        var redis = new BenchRedis(process, directory, port);
        for (var i = 0; i < 100; i++)
        {
            try
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},abortConnect=true,connectTimeout=300");
                await connection.GetDatabase().PingAsync();
                return redis;
            }
            catch (RedisConnectionException)
            {
                await Task.Delay(100);
            }
        }
        throw new InvalidOperationException("redis-server did not answer.");
    }

    /// <summary>
    /// Seconds since <paramref name="since"/> (unix seconds) in which an fsync of the append-only file took 5 ms or more,
    /// and the slowest: with appendfsync always every acknowledged answer waits for one.
    /// </summary>
    public async Task<(int Seconds, long MaxMs)> FsyncStalls(long since)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(ConnectionString + ",allowAdmin=true");
        var history = (RedisResult[])(await connection.GetDatabase().ExecuteAsync("LATENCY", "HISTORY", "aof-fsync-always"))!;
        var samples = history.Select(h => (RedisResult[])h!).Where(h => (long)h[0] >= since).Select(h => (long)h[1]).ToList();
        return (samples.Count, samples.Count == 0 ? 0 : samples.Max());
    }

    /// <summary>The append-only file's size on disk now (Redis 7 keeps it as parts in <c>appendonlydir</c>).</summary>
    public long AofBytes() =>
        Directory.EnumerateFiles(_directory, "*.aof*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
