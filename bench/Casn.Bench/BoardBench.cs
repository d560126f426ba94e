using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Casn.Access;
using Casn.Domain.Exams;
using Casn.Domain.Papers;

namespace Casn.Bench;

/// <summary>
/// Answer-to-viewer latency on the public board: a silo in its own process (the Release build of
/// silos/Casn.Silo, embedded profile), viewers as Server-Sent Events connections from this process.
/// Each round one workstation sends an answer that raises its total; every viewer notes when its stream
/// first shows the new total. Also the publish rate of one board under a burst of answers.
/// </summary>
public static class BoardBench
{
    public static async Task Run(BenchOptions options, Figures figures)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var port = BenchSilo.FreePort();
        using var silo = StartSilo(port, key, new Dictionary<string, string> { ["Casn__Boards__MaxViewersPerSilo"] = "20000" });
        var clients = Clients(port);
        HttpClient Client(string? token = null) => clients(token);
        try
        {
            await WaitReady(Client());
            var tokens = new StaffTokens(key);
            var room = await Prepare(Client, (_, token) => Client(token), tokens, candidates: 30);
            // CASN_BENCH_VIEWERS=1000: one viewer count only (to look at one step).
            int[] counts = Environment.GetEnvironmentVariable("CASN_BENCH_VIEWERS") is { Length: > 0 } only
                ? [int.Parse(only, System.Globalization.CultureInfo.InvariantCulture)]
                : [1000, 10_000];
            foreach (var viewers in counts)
            {
                var (p50, p99, seen) = await Latency(Client, room, viewers, rounds: options.Quick ? 8 : 20);
                var suffix = viewers >= 10_000 ? "10k" : "1k";
                figures.Add(new($"board_p50_ms_{suffix}", p50, "ms", $"{viewers} SSE viewers in a separate process, {seen} deliveries measured"));
                figures.Add(new($"board_p99_ms_{suffix}", p99, "ms", $"{viewers} SSE viewers; publish interval 250 ms"));
            }
            figures.Add(new("board_publishes_per_s", await PublishRate(Client, room), "1/s", "one board while 30 workstations answer as fast as they can for 3 s (coalesced; the interval is 250 ms)"));
        }
        finally
        {
            if (!silo.HasExited) silo.Kill(entireProcessTree: true);
            await silo.WaitForExitAsync();
        }
    }

    static int _rooms;

    /// <summary>HTTP clients to a bench silo on <paramref name="port"/>, sharing one handler (as many connections as asked), each with an optional bearer token.</summary>
    public static Func<string?, HttpClient> Clients(int port)
    {
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10) };
        return token =>
        {
            var client = new HttpClient(handler, disposeHandler: false) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) };
            if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return client;
        };
    }

    public sealed record Room(string Key, string[] Participants, HttpClient[] Workstations, Paper[] Papers, long[] Sequences)
    {
        /// <summary>Workstation <paramref name="n"/> answers its next item, under its next sequence number, as a workstation does.</summary>
        public Task<HttpResponseMessage> AnswerNext(int n)
        {
            var seq = ++Sequences[n];
            var item = Papers[n].Items[(int)(seq % 110)].Item.Id;
            return Workstations[n].PutAsJsonAsync($"/api/sessions/{Key}/{Participants[n]}/answers/{item}", new { sequence = seq, choice = (int)(seq % 4) });
        }
    }

    /// <summary>The Release build of the silo in a process of its own, with the bench's signing key and limits fit for a bench.</summary>
    public static Process StartSilo(int port, byte[] key, IReadOnlyDictionary<string, string> settings)
    {
        // CASN_BENCH_SILO: a self-contained silo executable (bench/publish); otherwise the Release build, run by dotnet.
        var silo = Environment.GetEnvironmentVariable("CASN_BENCH_SILO")
            ?? Path.Combine(Benchmarks.RepoRoot(), "silos", "Casn.Silo", "bin", "Release", "net10.0", "Casn.Silo.dll");
        if (!File.Exists(silo)) throw new InvalidOperationException($"Build the silo first: {silo} (bench/run does).");
        var start = silo.EndsWith(".dll", StringComparison.Ordinal)
            ? new ProcessStartInfo("dotnet") { ArgumentList = { silo } }
            : new ProcessStartInfo(silo);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        (start.UseShellExecute, start.RedirectStandardOutput, start.RedirectStandardError) = (false, true, true);
        start.Environment["Casn__Auth__SigningKey"] = Convert.ToBase64String(key);
        start.Environment["Casn__Orleans__SiloPort"] = BenchSilo.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Casn__Orleans__GatewayPort"] = BenchSilo.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Every viewer comes from this one address; the per-address limit is for the internet, not for a bench.
        start.Environment["Casn__Limits__PerAddressPerSecond"] = "1000000";
        start.Environment["Casn__Limits__WorkstationBurst"] = "100000";
        start.Environment["Casn__Sessions__FaceCheckEvery"] = "00:00:00";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in settings) start.Environment[name] = value;
        var process = Process.Start(start)!;
        // CASN_BENCH_SILO_LOGS: a folder where each silo's output goes (silo-{port}.log), to see why a step failed.
        var logs = Environment.GetEnvironmentVariable("CASN_BENCH_SILO_LOGS");
        var log = logs is null ? null : TextWriter.Synchronized(new StreamWriter(Path.Combine(logs, $"silo-{port}.log"), append: true) { AutoFlush = true });
        process.OutputDataReceived += (_, line) => log?.WriteLine(line.Data);
        process.ErrorDataReceived += (_, line) => log?.WriteLine(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static async Task WaitReady(HttpClient client)
    {
        for (var i = 0; i < 240; i++)
        {
            try
            {
                if ((await client.GetAsync("/health/ready")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(250);
        }
        throw new InvalidOperationException("The silo did not become ready.");
    }

    /// <summary>A room of started sittings over HTTP; <paramref name="workstation"/> gives candidate n's client (which silo it talks to).</summary>
    public static async Task<Room> Prepare(Func<string?, HttpClient> client, Func<int, string?, HttpClient> workstation, StaffTokens tokens, int candidates)
    {
        var operatorClient = client(tokens.Issue(StaffGrant.Operator("bench", "Bench", StaffClaims.National, TimeSpan.FromHours(2))).Token);
        var exam = DemoItemBank.For(Blueprints.SkdCpns2024);
        await Ok(await Retrying(() => operatorClient.PutAsJsonAsync($"/api/exams/{exam.Id}", exam, CasnJson.Options)));
        await Ok(await Retrying(() => operatorClient.PutAsJsonAsync($"/api/exams/{exam.Id}/positions/POS-1", new { agency = "Bench", title = "Bench", openings = 10 })));
        var run = Interlocked.Increment(ref _rooms);
        var startsAt = DateTimeOffset.UtcNow.AddHours(1);
        var roomKey = $"KANREG-B/BOARD-{Environment.ProcessId}/{startsAt.UtcDateTime:yyyy-MM-dd}/1/R{run:D2}";
        var participants = Enumerable.Range(1, candidates).Select(n => $"V{Environment.ProcessId}{run:D2}{n:D4}").ToArray();
        for (var n = 0; n < candidates; n++)
            await Ok(await Retrying(() => operatorClient.PutAsJsonAsync($"/api/candidates/{participants[n]}", new
            {
                participantNo = participants[n], name = $"Peserta {n + 1}", nationalId = $"3201{run:D4}{n:D8}", birthDate = "1999-01-01",
                category = "general", positionId = "POS-1", accessible = false, kanreg = "KANREG-B",
            })));
        await Ok(await Retrying(() => operatorClient.PutAsJsonAsync($"/api/rooms/{roomKey}", new { examId = exam.Id, name = "Bench", startsAt, seats = candidates })));
        await Ok(await Retrying(() => operatorClient.PostAsJsonAsync($"/api/rooms/{roomKey}/roster", participants.Select((p, i) => new { participantNo = p, seat = $"S{i + 1}" }))));
        var proctor = client(tokens.Issue(StaffGrant.Proctor("bench", "Bench", [roomKey], TimeSpan.FromHours(2))).Token);
        var workstations = new HttpClient[candidates];
        for (var n = 0; n < candidates; n++)
        {
            var pin = (await Read(await proctor.PostAsJsonAsync($"/api/rooms/{roomKey}/checkins", new { participantNo = participants[n], method = "manual", proctor = new { reason = "bench" } }))).GetProperty("pin").GetString();
            if (n == 0) await Ok(await proctor.PostAsJsonAsync($"/api/rooms/{roomKey}/open", new { reason = "bench" }));
            var workstationKey = $"bench-board-workstation-{n:D4}";
            var login = await Read(await workstation(n, null).PostAsJsonAsync($"/api/sessions/{roomKey}/{participants[n]}/login", new { pin, workstationId = $"ws-{n}", workstationKey }));
            workstations[n] = workstation(n, login.GetProperty("token").GetString());
            workstations[n].DefaultRequestHeaders.Add("X-Workstation-Key", workstationKey);
        }
        var papers = participants.Select(p => PaperAssembler.Assemble(exam, PaperAssembler.SeedFor(exam.Id, exam.BankVersion, p))).ToArray();
        return new Room(roomKey, participants, workstations, papers, new long[candidates]);
    }

    /// <summary>
    /// Opens the viewers, then per round raises one candidate's total and times when each viewer sees it. The first
    /// <see cref="WarmUpRounds"/> rounds are not counted: they take the first publication through code the JIT has not
    /// yet optimised (in the silo and here), which cost a first round 3-5x a later one.
    /// </summary>
    static async Task<(double P50, double P99, int Seen)> Latency(Func<string?, HttpClient> client, Room room, int viewerCount, int rounds)
    {
        using var stop = new CancellationTokenSource();
        var watch = new Watch(viewerCount);
        var ready = 0;
        var viewers = Enumerable.Range(0, viewerCount).Select(v => Task.Run(async () =>
        {
            try
            {
                using var response = await client(null).GetAsync($"/api/boards/rooms/{room.Key}/events", HttpCompletionOption.ResponseHeadersRead, stop.Token);
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
                var counted = false;
                while (await reader.ReadLineAsync(stop.Token) is { } line)
                {
                    if (!line.StartsWith("data: {", StringComparison.Ordinal)) continue;
                    if (!counted) { Interlocked.Increment(ref ready); counted = true; }
                    // Viewer 0 keeps every total (the next round's expected total comes from it); the others look
                    // for the awaited line only.
                    if (v == 0) watch.Record(line);
                    watch.Saw(line);
                }
            }
            catch (Exception error) when (error is OperationCanceledException or HttpRequestException or IOException) { }
        })).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (Volatile.Read(ref ready) < viewerCount && DateTime.UtcNow < deadline) await Task.Delay(100);
        Console.Error.WriteLine($"  boards: {Volatile.Read(ref ready)} of {viewerCount} viewers connected");

        var latencies = new Latencies();
        for (var round = -WarmUpRounds; round < rounds; round++)
        {
            var n = (round + WarmUpRounds) % room.Participants.Length;
            var seq = ++room.Sequences[n];
            var item = room.Papers[n].Items[(int)seq - 1];
            var best = Array.FindIndex(item.OptionOrder, o => item.Item.Points[o] == item.Item.Points.Max());
            watch.Expect(room.Participants[n], watch.TotalOf(room.Participants[n]) + item.Item.Points.Max(), Volatile.Read(ref ready));
            await Ok(await room.Workstations[n].PutAsJsonAsync($"/api/sessions/{room.Key}/{room.Participants[n]}/answers/{item.Item.Id}", new { sequence = seq, choice = best }));
            await watch.AllSeen(TimeSpan.FromSeconds(10));
            var seen = watch.Collect();
            // CASN_BENCH_BOARD_ROUNDS=1: each round's spread, to tell a slow fan-out from a slow round.
            if (seen.Length > 0 && Environment.GetEnvironmentVariable("CASN_BENCH_BOARD_ROUNDS") is { Length: > 0 })
            {
                Array.Sort(seen);
                Console.Error.WriteLine($"  boards: round {round}: first {seen[0]:0.0} p50 {seen[seen.Length / 2]:0.0} p90 {seen[seen.Length * 9 / 10]:0.0} last {seen[^1]:0.0} ms");
            }
            if (round >= 0) foreach (var ms in seen) latencies.Add(ms);
            await Task.Delay(300);
        }
        await stop.CancelAsync();
        await Task.WhenAll(viewers);
        return (latencies.Percentile(50), latencies.Percentile(99), latencies.Count);
    }

    const int WarmUpRounds = 2;

    /// <summary>Counts the board events one viewer receives while every workstation answers back to back for 3 s.</summary>
    static async Task<double> PublishRate(Func<string?, HttpClient> client, Room room)
    {
        using var stop = new CancellationTokenSource();
        var events = 0;
        var viewer = Task.Run(async () =>
        {
            try
            {
                using var response = await client(null).GetAsync($"/api/boards/rooms/{room.Key}/events", HttpCompletionOption.ResponseHeadersRead, stop.Token);
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
                while (await reader.ReadLineAsync(stop.Token) is { } line)
                    if (line.StartsWith("event: board", StringComparison.Ordinal)) Interlocked.Increment(ref events);
            }
            catch (Exception error) when (error is OperationCanceledException or HttpRequestException or IOException) { }
        });
        await Task.Delay(1000);
        var before = Volatile.Read(ref events);
        var burst = Stopwatch.StartNew();
        await Task.WhenAll(room.Workstations.Select(async (_, n) =>
        {
            while (burst.Elapsed < TimeSpan.FromSeconds(3)) await room.AnswerNext(n);
        }));
        var rate = (Volatile.Read(ref events) - before) / burst.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await viewer;
        return rate;
    }

    /// <summary>What the viewers have seen: the latest total per participant (from viewer 0), and when each viewer first saw the awaited one.</summary>
    sealed class Watch(int viewers)
    {
        readonly Dictionary<string, int> _totals = new(StringComparer.Ordinal);
        readonly double[] _seen = new double[viewers];
        string _needle = "\u0000";
        int _expected;
        int _awaiting;
        int _count;
        long _start;
        TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int TotalOf(string participant)
        {
            lock (_totals) return _totals.GetValueOrDefault(participant);
        }

        /// <summary>Awaits <paramref name="total"/> for <paramref name="participant"/> from <paramref name="viewerCount"/> viewers, timed from now.</summary>
        public void Expect(string participant, int total, int viewerCount)
        {
            _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
            (_expected, _count) = (total, 0);
            Volatile.Write(ref _awaiting, Math.Min(viewerCount, _seen.Length));
            Volatile.Write(ref _start, Stopwatch.GetTimestamp());
            Volatile.Write(ref _needle, $"\"participantNo\":\"{participant}\"");
        }

        /// <summary>Keeps every participant's total from one event line.</summary>
        public void Record(string line)
        {
            foreach (var (who, total) in Totals(line))
                lock (_totals)
                    if (!_totals.TryGetValue(who, out var known) || known < total) _totals[who] = total;
        }

        /// <summary>One search of the line for the awaited participant (no JSON parse per viewer).</summary>
        public void Saw(string line)
        {
            var needle = Volatile.Read(ref _needle);
            var at = line.IndexOf(needle, StringComparison.Ordinal);
            if (at < 0 || Volatile.Read(ref _awaiting) <= 0 || TotalAt(line, at + needle.Length) < _expected) return;
            var ms = Stopwatch.GetElapsedTime(Volatile.Read(ref _start)).TotalMilliseconds;
            var slot = Interlocked.Increment(ref _count) - 1;
            if (slot < _seen.Length) _seen[slot] = ms;
            if (Interlocked.Decrement(ref _awaiting) == 0) _all.TrySetResult();
        }

        public Task AllSeen(TimeSpan within) => Task.WhenAny(_all.Task, Task.Delay(within));

        public double[] Collect() => _seen[..Math.Min(Volatile.Read(ref _count), _seen.Length)];

        static int TotalAt(string line, int from)
        {
            var totalAt = line.IndexOf("\"total\":", from, StringComparison.Ordinal) + 8;
            var totalEnd = totalAt;
            while (totalEnd < line.Length && char.IsAsciiDigit(line[totalEnd])) totalEnd++;
            return int.Parse(line.AsSpan(totalAt, totalEnd - totalAt), System.Globalization.CultureInfo.InvariantCulture);
        }

        static IEnumerable<(string Participant, int Total)> Totals(string line)
        {
            var at = 0;
            while ((at = line.IndexOf("\"participantNo\":\"", at, StringComparison.Ordinal)) >= 0)
            {
                at += 17;
                var end = line.IndexOf('"', at);
                yield return (line[at..end], TotalAt(line, end));
                at = end;
            }
        }
    }

    /// <summary>
    /// Set-up calls (all idempotent) are sent again after a 503, as the service asks: a cluster seconds old, with its silos
    /// sharing 2 cores, sometimes answers a roster of 64 with one (scaling step, 3 silos).
    /// </summary>
    static async Task<HttpResponseMessage> Retrying(Func<Task<HttpResponseMessage>> send)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await send();
            if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable || attempt == 5) return response;
            Console.Error.WriteLine($"  set-up: {response.RequestMessage?.RequestUri?.AbsolutePath} answered 503; sending it again ({attempt} of 4)");
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
        }
    }

    static async Task Ok(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    static async Task<JsonElement> Read(HttpResponseMessage response)
    {
        await Ok(response);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
