using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Casn.Access;

namespace Casn.Bench;

/// <summary>
/// #19: a Kanreg gives a silo back and takes a new one while its workstations answer. Silo processes of one Redis-profile
/// cluster: a front silo with no Kanreg (the workstations' HTTP edge, as a load balancer would leave them once the
/// draining silo turns not-ready) and two silos of KANREG-B that hold the sittings. The one holding more is sent SIGTERM;
/// then a third KANREG-B silo starts, and its share of the Kanreg's sittings is read from the operator view 60 s later.
/// </summary>
public static class ElasticBench
{
    const string Kanreg = "KANREG-B";
    const int Workstations = 100;
    static readonly TimeSpan Think = TimeSpan.FromMilliseconds(250);

    public static async Task Run(BenchOptions options, Figures figures)
    {
        if (!BenchAzurite.IsInstalled)
        {
            Console.Error.WriteLine($"elastic skipped: it needs Azurite at {BenchAzurite.Executable} (npm install --prefix .ci/azurite azurite@3.37.0, as .ci/run does)");
            return;
        }
        await using var redis = await BenchRedis.StartAsync();
        await using var azurite = await BenchAzurite.StartAsync();
        var key = RandomNumberGenerator.GetBytes(32);
        var tokens = new StaffTokens(key);
        var archiveKey = Convert.ToBase64String(ECDsa.Create(ECCurve.NamedCurves.nistP256).ExportPkcs8PrivateKey());
        var biometricKey = RandomNumberGenerator.GetBytes(32);
        var clusterId = "elastic-" + Guid.NewGuid().ToString("N")[..8];
        var silos = new List<(int HttpPort, int SiloPort, Process Process)>();

        async Task<(int HttpPort, int SiloPort)> Start(string? region)
        {
            var (port, siloPort) = (BenchSilo.FreePort(), BenchSilo.FreePort());
            var settings = ScalingBench.RedisProfile(redis, azurite, clusterId, archiveKey, biometricKey, port);
            if (region is not null) settings["Casn__Orleans__Region"] = region;
            settings["Casn__Orleans__SiloPort"] = siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings["Casn__Orleans__DrainDelay"] = "00:00:02";
            silos.Add((port, siloPort, BoardBench.StartSilo(port, key, settings)));
            await BoardBench.WaitReady(ScalingBench.Client(port, null));
            return (port, siloPort);
        }

        try
        {
            var (front, _) = await Start(region: null);
            await Start(Kanreg);
            await Start(Kanreg);
            var national = ScalingBench.Client(front, tokens.Issue(StaffGrant.Operator("bench", "Bench", StaffClaims.National, TimeSpan.FromHours(2))).Token);
            var room = await BoardBench.Prepare(token => ScalingBench.Client(front, token), (_, token) => ScalingBench.Client(front, token), tokens, Workstations);

            // Every workstation answers, thinks a quarter of a second, answers again; each ack's time is kept.
            var clock = Stopwatch.StartNew();
            var acks = Enumerable.Range(0, Workstations).Select(_ => new List<long>()).ToArray();
            var errors = new ConcurrentBag<string>();
            using var stop = new CancellationTokenSource();
            var answering = Task.WhenAll(room.Workstations.Select(async (_, n) =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        using var response = await room.AnswerNext(n);
                        if (response.IsSuccessStatusCode) lock (acks[n]) acks[n].Add(clock.ElapsedMilliseconds);
                        else errors.Add($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    }
                    catch (HttpRequestException exception)
                    {
                        errors.Add(exception.Message);
                    }
                    await Task.Delay(Think);
                }
            }));

            await Task.Delay(TimeSpan.FromSeconds(10));
            var before = await Silos(national);
            var leaving = before.Where(s => s.Region == Kanreg).MaxBy(s => s.Sittings)!;
            var leavingProcess = silos.Single(s => leaving.Is(s.SiloPort)).Process;
            var drainStart = clock.ElapsedMilliseconds;
            Process.Start("kill", ["-TERM", leavingProcess.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            await leavingProcess.WaitForExitAsync();
            var drainEnd = clock.ElapsedMilliseconds;
            await Task.Delay(TimeSpan.FromSeconds(5));
            var gap = MaxGap(acks, drainStart, drainEnd + 2000);
            Console.Error.WriteLine($"  elastic: drained a silo holding {leaving.Sittings} of {before.Where(s => s.Region == Kanreg).Sum(s => s.Sittings)} sittings in {drainEnd - drainStart} ms (2 s of it not-ready)");
            figures.Add(new("drain_max_ack_gap_ms", gap, "ms",
                $"longest time between two acks of one of {Workstations} workstations while a silo drained (SIGTERM to exit, +2 s); each waits {Think.TotalMilliseconds:0} ms between answers"));
            figures.Add(new("drain_errors", errors.Count, "count", $"answers refused or failed over the whole run, drain and scale-out included; first: {errors.FirstOrDefault() ?? "none"}"));

            var (_, joinedSiloPort) = await Start(Kanreg);
            var joinedAt = Stopwatch.StartNew();
            double? secondsToShare = null;
            while (joinedAt.Elapsed < TimeSpan.FromSeconds(60))
            {
                if (secondsToShare is null && (await Silos(national)).Single(s => s.Is(joinedSiloPort)).Share >= 0.45) secondsToShare = joinedAt.Elapsed.TotalSeconds;
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
            figures.Add(new("scale_out_seconds_to_share", secondsToShare ?? 60, "s",
                "from the new silo being ready to it holding 45 % of the Kanreg's sittings (polled each second; 60 means not reached)"));
            var after = await Silos(national);
            var joined = after.Single(s => s.Is(joinedSiloPort));
            figures.Add(new("scale_out_share_after_60s", joined.Share ?? 0, "ratio",
                $"the new KANREG-B silo's share of the Kanreg's {after.Where(s => s.Region == Kanreg).Sum(s => s.Sittings)} sittings 60 s after it was ready (fair: 0.5); balancer every 5 s"));
            stop.Cancel();
            await answering;
            if (!errors.IsEmpty) Console.Error.WriteLine($"  elastic: {errors.Count} errors, e.g. {string.Join(" | ", errors.Distinct().Take(3))}");
        }
        finally
        {
            foreach (var (_, _, process) in silos)
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                process.Dispose();
            }
        }
    }

    /// <summary>The longest wait between two acks of one workstation, counting the acks on either side of the window.</summary>
    static long MaxGap(List<long>[] acks, long from, long to)
    {
        var longest = 0L;
        foreach (var times in acks)
        {
            long[] copy;
            lock (times) copy = [.. times];
            for (var i = 1; i < copy.Length; i++)
                if (copy[i] >= from && copy[i - 1] <= to) longest = Math.Max(longest, copy[i] - copy[i - 1]);
        }
        return longest;
    }

    sealed record SiloShare(string Address, string? Region, int Sittings, double? Share)
    {
        /// <summary>Whether this is the silo on <paramref name="siloPort"/> (an address reads S127.0.0.1:PORT:GENERATION).</summary>
        public bool Is(int siloPort) => Address.Contains($":{siloPort}:", StringComparison.Ordinal);
    }

    static async Task<SiloShare[]> Silos(HttpClient national)
    {
        var overview = await national.GetFromJsonAsync<JsonElement>($"/api/operations/{Kanreg}");
        return [.. overview.GetProperty("silos").EnumerateArray().Select(s => new SiloShare(s.GetProperty("address").GetString()!,
            s.GetProperty("region").GetString(), s.GetProperty("sittings").GetInt32(),
            s.GetProperty("share").ValueKind == JsonValueKind.Null ? null : s.GetProperty("share").GetDouble()))];
    }
}
