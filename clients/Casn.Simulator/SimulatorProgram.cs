using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Casn.Access;
using Casn.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Casn.Simulator;

/// <summary>
/// <c>casn-sim</c>: a rehearsal of a test day against a running cluster, over the real HTTP API (or grain calls).
/// Exit 0 when every acknowledged answer is stored; 1 when one is missing or the day could not run; 2 for bad arguments.
/// </summary>
public static class SimulatorProgram
{
    public static async Task<int> Main(string[] args)
    {
        var parsed = Command().Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) Console.Error.WriteLine(error.Message);
            Console.Error.WriteLine("See 'casn-sim --help'.");
            return 2;
        }
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (ArgumentException error)
        {
            Console.Error.WriteLine(error.Message);
            return 2;
        }
        catch (Exception error) when (error is InvalidOperationException or HttpRequestException or CasnConnectException or OrleansException)
        {
            // The service refused or could not be reached while setting the day up: its words, not a stack trace.
            Console.Error.WriteLine($"casn-sim: the day could not run: {error.Message}");
            return 1;
        }
    }

    static RootCommand Command()
    {
        // Parsed and range-checked in one step: a validator would run on a value that did not even parse.
        static Option<int> Count(string name, int fallback, int max, string description) => new(name)
        {
            Description = description,
            DefaultValueFactory = _ => fallback,
            CustomParser = r => int.TryParse(r.Tokens[0].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= max
                ? n : Refuse(r, $"{name} must be 1-{max}.", 0),
        };
        static Option<double> Share(string name, double fallback, string description) => new(name)
        {
            Description = description,
            DefaultValueFactory = _ => fallback,
            CustomParser = r => double.TryParse(r.Tokens[0].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d is >= 0 and <= 1
                ? d : Refuse(r, $"{name} must be between 0 and 1.", 0.0),
        };
        var mode = new Option<string>("--mode") { Description = "http: the public API, as tools, proctors and workstations use it; grains: grain calls through a gateway (Casn.Client), no HTTP and no token.", DefaultValueFactory = _ => "http" };
        mode.AcceptOnlyFromAmong("http", "grains");
        var url = new Option<string>("--url") { Description = "The service (mode http).", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        url.Validators.Add(r => { if (!Uri.TryCreate(r.GetValueOrDefault<string>(), UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https")) r.AddError("--url must be an http(s) address."); });
        var token = new Option<string?>("--operator-token") { Description = "A national operator token (the embedded default prints one at start)." };
        var keyFile = new Option<FileInfo?>("--key-file") { Description = "The cluster's signing key (base64), to sign a national operator token here." };
        var gateway = new Option<string>("--gateway") { Description = "A silo's gateway, host:port (mode grains). Casn__Client__Tls__CertificatePath in the environment when the silos require TLS.", DefaultValueFactory = _ => "127.0.0.1:30000" };
        var clusterId = new Option<string>("--cluster-id") { Description = "The cluster's id (mode grains).", DefaultValueFactory = _ => "casn" };
        var regions = Count("--regions", 1, 50, "Kanregs.");
        var sites = Count("--sites", 1, 100, "Test sites per Kanreg.");
        var rooms = Count("--rooms", 2, 100, "Rooms per site.");
        var candidates = Count("--candidates", 20, 1000, "Candidates per room.");
        var minutes = Count("--minutes", 2, 200, "Exam length in minutes (a real SKD is 100).");
        var standIns = Share("--stand-ins", 0.1, "Share of candidates who send a stand-in (joki) to check in.");
        var dropOuts = Share("--drop-outs", 0.1, "Share of workstations that crash mid-exam and log in again.");
        var viewers = Count("--viewers", 2, 10_000, "Public board viewers per room.");
        var photos = new Option<DirectoryInfo>("--photos") { Description = "Face photos named person_1.jpg (enrolled) and person_2.jpg (shown at check-in).", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("tests", "fixtures", "faces")) };
        var seed = Count("--seed", 2026, int.MaxValue, "Seed of the day's plan: the same seed gives the same day.");
        var report = new Option<FileInfo>("--report") { Description = "Where the JSON report is written.", DefaultValueFactory = _ => new FileInfo("sim-report.json") };

        var root = new RootCommand("casn-sim: a simulated test day against a running cluster; checks that every acknowledged answer is stored.")
        {
            mode, url, token, keyFile, gateway, clusterId, regions, sites, rooms, candidates, minutes, standIns, dropOuts, viewers, photos, seed, report,
        };
        root.SetAction(async (parsed, cancellationToken) =>
        {
            var overGrains = parsed.GetValue(mode) == "grains";
            var photoFolder = parsed.GetValue(photos)!;
            if (!photoFolder.Exists) throw new ArgumentException($"No photo folder {photoFolder} (--photos).");
            var options = new SimulationOptions
            {
                Regions = parsed.GetValue(regions), Sites = parsed.GetValue(sites), Rooms = parsed.GetValue(rooms), Candidates = parsed.GetValue(candidates),
                Duration = TimeSpan.FromMinutes(parsed.GetValue(minutes)), StandInShare = parsed.GetValue(standIns), DropOutShare = parsed.GetValue(dropOuts),
                ViewersPerRoom = parsed.GetValue(viewers), Seed = parsed.GetValue(seed), PhotoFolder = photoFolder.FullName,
                OperatorToken = overGrains ? null : parsed.GetValue(token) ?? TokenFrom(parsed.GetValue(keyFile)),
            };
            return await Run(options, overGrains ? (parsed.GetValue(gateway)!, parsed.GetValue(clusterId)!) : null, new Uri(parsed.GetValue(url)!),
                parsed.GetValue(report)!.FullName, cancellationToken);
        });
        return root;
    }

    static T Refuse<T>(System.CommandLine.Parsing.ArgumentResult result, string message, T placeholder)
    {
        result.AddError(message);
        return placeholder;
    }

    static string TokenFrom(FileInfo? keyFile) => keyFile is null
        ? throw new ArgumentException("Over HTTP the day needs --operator-token or --key-file. See 'casn-sim --help'.")
        : StaffTokens.FromBase64(keyFile.Exists ? File.ReadAllText(keyFile.FullName).Trim() : throw new ArgumentException($"No key file {keyFile}."), "--key-file")
            .Issue(StaffGrant.Operator("casn-sim", "Simulator", StaffClaims.National, TimeSpan.FromHours(12))).Token;

    static async Task<int> Run(SimulationOptions options, (string Gateway, string ClusterId)? grains, Uri url, string reportPath, CancellationToken cancellationToken)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        void Progress(string line) => console.MarkupLineInterpolated($"[grey]{DateTime.Now:HH:mm:ss}[/] {line}");
        IHost? client = null;
        TestDay day;
        if (grains is { } cluster)
        {
            client = await CasnClientHosting.ConnectAsync(o =>
            {
                o.Gateways = [cluster.Gateway];
                o.ClusterId = cluster.ClusterId;
            });
            day = TestDay.OverGrains(client.Services.GetRequiredService<IClusterClient>(), options, Progress);
        }
        else
        {
            var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1000, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
            day = TestDay.OverHttp(() => new HttpClient(handler, disposeHandler: false) { BaseAddress = url, Timeout = TimeSpan.FromMinutes(5) }, options, Progress);
        }

        SimulationReport report = null!;
        await console.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var sittings = options.Regions * options.Sites * options.Rooms * options.Candidates;
                var bar = progress.AddTask("setting up", maxValue: sittings);
                var running = day.RunAsync(cancellationToken);
                while (await Task.WhenAny(running, Task.Delay(500, CancellationToken.None)) != running)
                {
                    var r = day.Report;
                    bar.Value = r.FinishedCount;
                    bar.Description = string.Create(CultureInfo.InvariantCulture,
                        $"finished {r.FinishedCount}/{sittings} · acked {r.AnswersAcknowledged:N0} · ack p99 {r.AckP99:0} ms · errors {r.Errors.Values.Sum()} · board events {r.ViewerEvents:N0}");
                }
                report = await running;
                bar.Value = bar.MaxValue;
            });
        if (client is not null) await client.StopAsync(CancellationToken.None);

        await File.WriteAllTextAsync(reportPath, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }), CancellationToken.None);
        Console.WriteLine(Summary(report));
        Console.WriteLine($"report: {reportPath}");
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
}
