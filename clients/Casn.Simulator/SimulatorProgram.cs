using System.Globalization;
using System.Text.Json;
using Casn.Access;
using Casn.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Casn.Simulator;

/// <summary>
/// <c>casn-sim</c>: a rehearsal of a test day against a running cluster, over the real HTTP API.
/// Exit 0 when every acknowledged answer is stored; 1 when one is missing; 2 for bad arguments.
/// </summary>
public static class SimulatorProgram
{
    const string Usage = """
        usage: casn-sim --url http://127.0.0.1:5080 (--operator-token TOKEN | --key-file KEY)
                        [--regions 1] [--sites 1] [--rooms 2] [--candidates 20] [--minutes 2]
                        [--stand-ins 0.1] [--drop-outs 0.1] [--viewers 2] [--photos tests/fixtures/faces]
                        [--seed 2026] [--report sim-report.json]
               casn-sim --mode grains [--gateway 127.0.0.1:30000] [--cluster-id casn] [the same day flags]
          --operator-token: a national operator token (the embedded default prints one at start);
          --key-file: the cluster's signing key (base64), to sign one here.
          --mode grains: the same day by grain calls through a gateway (Casn.Client), no HTTP and no token;
            Casn__Client__Tls__CertificatePath in the environment when the silos require TLS.
        """;

    public static async Task<int> Main(string[] args)
    {
        Dictionary<string, string> flags;
        SimulationOptions options;
        try
        {
            flags = Flags(args);
            options = OptionsFrom(flags);
        }
        catch (ArgumentException error)
        {
            Console.Error.WriteLine(error.Message);
            return 2;
        }
        void Progress(string line) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");
        IHost? client = null;
        TestDay day;
        if (flags.GetValueOrDefault("mode", "http") == "grains")
        {
            try
            {
                client = await CasnClientHosting.ConnectAsync(o =>
                {
                    o.Gateways = [flags.GetValueOrDefault("gateway", "127.0.0.1:30000")];
                    o.ClusterId = flags.GetValueOrDefault("cluster-id", "casn");
                });
            }
            catch (Exception error) when (error is CasnConnectException or ArgumentException)
            {
                Console.Error.WriteLine($"casn-sim: {error.Message}");
                return 1;
            }
            day = TestDay.OverGrains(client.Services.GetRequiredService<IClusterClient>(), options, Progress);
        }
        else
        {
            var baseAddress = new Uri(flags.GetValueOrDefault("url", "http://127.0.0.1:5080"));
            var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1000, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
            day = TestDay.OverHttp(() => new HttpClient(handler, disposeHandler: false) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) },
                options, Progress);
        }
        using var ticker = new Timer(_ => Console.Error.WriteLine(
            $"[{DateTime.Now:HH:mm:ss}] acked {day.Report.AnswersAcknowledged}, errors {day.Report.Errors.Values.Sum()}, finished {day.Report.FinishedCount}, board events {day.Report.ViewerEvents}"),
            null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
        var report = await day.RunAsync();
        await ticker.DisposeAsync();
        if (client is not null) await client.StopAsync();

        var path = flags.GetValueOrDefault("report", "sim-report.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine(Summary(report));
        Console.WriteLine($"report: {path}");
        return report.AckMissing.Count == 0 ? 0 : 1;
    }

    public static string Summary(SimulationReport r) => string.Create(CultureInfo.InvariantCulture, $"""
        candidates {r.Candidates}, finished {r.FinishedCount}, drop-outs {r.DropOuts}
        answers acknowledged {r.AnswersAcknowledged}; ack p50 {r.AckP50:0.0} ms, p95 {r.AckP95:0.0} ms, p99 {r.AckP99:0.0} ms
        errors: {(r.Errors.Count == 0 ? "none" : string.Join(", ", r.Errors.Select(e => $"{e.Key} {e.Value}")))}
        stand-ins {r.StandIns}: caught {r.StandInsCaught}, missed {r.StandInsMissed}; false alarms {r.FalseAlarms}
        board events received {r.ViewerEvents}
        acknowledged answers missing: {r.AckMissing.Count}{(r.AckMissing.Count == 0 ? "" : " (" + string.Join("; ", r.AckMissing.Take(5)) + ")")}
        """);

    static Dictionary<string, string> Flags(string[] args)
    {
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length) throw new ArgumentException($"Expected '--name value', got '{args[i]}'.\n{Usage}");
            flags[args[i][2..]] = args[i + 1];
        }
        return flags;
    }

    public static SimulationOptions OptionsFrom(Dictionary<string, string> flags)
    {
        int Int(string name, int fallback, int max) => flags.TryGetValue(name, out var v)
            ? int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= max ? n : throw new ArgumentException($"--{name} must be 1-{max}.")
            : fallback;
        double Share(string name, double fallback) => flags.TryGetValue(name, out var v)
            ? double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d is >= 0 and <= 1 ? d : throw new ArgumentException($"--{name} must be between 0 and 1.")
            : fallback;
        var mode = flags.GetValueOrDefault("mode", "http");
        if (mode is not ("http" or "grains")) throw new ArgumentException($"--mode is http or grains.\n{Usage}");
        var token = mode == "grains" ? null : flags.GetValueOrDefault("operator-token")
            ?? (flags.TryGetValue("key-file", out var keyFile)
                ? StaffTokens.FromBase64(File.Exists(keyFile) ? File.ReadAllText(keyFile).Trim() : throw new ArgumentException($"No key file {keyFile}."), "--key-file")
                    .Issue(StaffGrant.Operator("casn-sim", "Simulator", StaffClaims.National, TimeSpan.FromHours(12))).Token
                : throw new ArgumentException($"--operator-token or --key-file is required.\n{Usage}"));
        var photos = flags.GetValueOrDefault("photos", Path.Combine("tests", "fixtures", "faces"));
        if (!Directory.Exists(photos)) throw new ArgumentException($"No photo folder {photos} (--photos).");
        return new SimulationOptions
        {
            Regions = Int("regions", 1, 50), Sites = Int("sites", 1, 100), Rooms = Int("rooms", 2, 100), Candidates = Int("candidates", 20, 1000),
            Duration = TimeSpan.FromMinutes(Int("minutes", 2, 200)), StandInShare = Share("stand-ins", 0.1), DropOutShare = Share("drop-outs", 0.1),
            ViewersPerRoom = flags.ContainsKey("viewers") ? Int("viewers", 2, 10_000) : 2, Seed = Int("seed", 2026, int.MaxValue),
            OperatorToken = token, PhotoFolder = photos,
        };
    }
}
