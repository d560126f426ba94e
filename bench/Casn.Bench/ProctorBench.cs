using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Casn.Access;

namespace Casn.Bench;

/// <summary>
/// The proctor's console on a full room: a silo in its own process (Release, embedded profile), a 450-seat room
/// whose sittings answer and beat at real pace over HTTP, one proctor console on the room's live stream, and the
/// proctor's room view read over HTTP every 200 ms.
/// <list type="bullet">
/// <item><c>room_view_p99_ms_450</c>: GET of the room view (one grain call on the seat projection).</item>
/// <item><c>proctor_event_p99_ms</c>: from sending an answer to the console's stream showing it on the seat's line
/// (includes the stream's coalescing of up to 250 ms).</item>
/// </list>
/// </summary>
public static class ProctorBench
{
    const int Seats = 450;

    public static async Task Run(BenchOptions options, Figures figures)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var port = BenchSilo.FreePort();
        // Setting up 450 seats from one address goes past the staff and login limits meant for people: lifted for the set-up.
        using var silo = BoardBench.StartSilo(port, key, new Dictionary<string, string>
        {
            ["Casn__Limits__StaffPerSecond"] = "100000",
            ["Casn__Limits__LoginsPerMinute"] = "100000",
        });
        var clients = BoardBench.Clients(port);
        HttpClient Client(string? token = null) => clients(token);
        try
        {
            await BoardBench.WaitReady(Client());
            var tokens = new StaffTokens(key);
            var room = await BoardBench.Prepare(Client, (_, token) => Client(token), tokens, candidates: Seats);
            var proctor = Client(tokens.Issue(StaffGrant.Proctor("bench", "Bench", [room.Key], TimeSpan.FromHours(2))).Token);
            var duration = options.Quick ? TimeSpan.FromSeconds(20) : TimeSpan.FromSeconds(60);
            var (views, events, answers) = await Measure(proctor, room, duration);
            figures.Add(new("room_view_p99_ms_450", views.Percentile(99), "ms",
                $"GET of a {Seats}-seat room's view every 200 ms over HTTP while its sittings answer (1 per 45 s) and beat (1 per 10 s); p50 {views.Percentile(50):0.0} ms, {views.Count} views"));
            figures.Add(new("proctor_event_p99_ms", events.Percentile(99), "ms",
                $"answer sent to its seat's line on the console's stream (coalesced to 4 messages/s); p50 {events.Percentile(50):0.0} ms, {events.Count} of {answers} answers seen"));
        }
        finally
        {
            if (!silo.HasExited) silo.Kill(entireProcessTree: true);
            await silo.WaitForExitAsync();
        }
    }

    static async Task<(Latencies Views, Latencies Events, int Answers)> Measure(HttpClient proctor, BoardBench.Room room, TimeSpan duration)
    {
        using var stop = new CancellationTokenSource();
        var views = new Latencies();
        var events = new Latencies();
        // Per seat: the answered count each sent answer leads to, and when it was sent.
        var pending = new ConcurrentDictionary<string, ConcurrentQueue<(int Answered, long SentAt)>>();
        var streamReady = new TaskCompletionSource();
        var console = Task.Run(async () =>
        {
            try
            {
                using var response = await proctor.GetAsync($"/api/rooms/{room.Key}/events", HttpCompletionOption.ResponseHeadersRead, stop.Token);
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
                streamReady.TrySetResult();
                while (await reader.ReadLineAsync(stop.Token) is { } line)
                {
                    if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
                    var seen = Stopwatch.GetTimestamp();
                    using var data = JsonDocument.Parse(line.AsMemory(6));
                    if (!data.RootElement.TryGetProperty("seats", out var seats)) continue;
                    foreach (var seat in seats.EnumerateArray())
                    {
                        if (!pending.TryGetValue(seat.GetProperty("participantNo").GetString()!, out var queue)) continue;
                        var answered = seat.GetProperty("answered").GetInt32();
                        while (queue.TryPeek(out var sent) && sent.Answered <= answered && queue.TryDequeue(out sent))
                        {
                            lock (events) events.Add(Stopwatch.GetElapsedTime(sent.SentAt, seen).TotalMilliseconds);
                        }
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                streamReady.TrySetResult();
            }
        });
        await streamReady.Task;

        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var answers = 0;
        // Real pace: each seat answers about every 45 s and beats every 10 s, starting at random moments.
        var seats = Enumerable.Range(0, room.Participants.Length).Select(async n =>
        {
            var random = new Random(n);
            var nextAnswer = Stopwatch.GetTimestamp() + (long)(random.NextDouble() * 45 * Stopwatch.Frequency);
            var nextBeat = Stopwatch.GetTimestamp() + (long)(random.NextDouble() * 10 * Stopwatch.Frequency);
            var answered = 0;
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var next = Math.Min(nextAnswer, nextBeat);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
                if (wait > TimeSpan.Zero) await Task.Delay(wait);
                if (Stopwatch.GetTimestamp() >= deadline) break;
                if (nextAnswer <= nextBeat)
                {
                    var seq = ++room.Sequences[n];
                    var item = room.Papers[n].Items[(int)((seq - 1) % room.Papers[n].Items.Count)].Item.Id;
                    var queue = pending.GetOrAdd(room.Participants[n], _ => new());
                    queue.Enqueue((++answered, Stopwatch.GetTimestamp()));
                    using var response = await room.Workstations[n].PutAsJsonAsync($"/api/sessions/{room.Key}/{room.Participants[n]}/answers/{item}", new { sequence = seq, choice = 0 });
                    response.EnsureSuccessStatusCode();
                    Interlocked.Increment(ref answers);
                    nextAnswer += (long)((30 + random.NextDouble() * 30) * Stopwatch.Frequency);
                }
                else
                {
                    using var response = await room.Workstations[n].PostAsync($"/api/sessions/{room.Key}/{room.Participants[n]}/heartbeat", null);
                    nextBeat += 10 * Stopwatch.Frequency;
                }
            }
        }).ToArray();
        var reader = Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var start = Stopwatch.GetTimestamp();
                using var response = await proctor.GetAsync($"/api/rooms/{room.Key}");
                await response.Content.ReadAsByteArrayAsync();
                response.EnsureSuccessStatusCode();
                views.Add(Latencies.Since(start));
                await Task.Delay(200);
            }
        });
        await Task.WhenAll([.. seats, reader]);
        await Task.Delay(1000);
        await stop.CancelAsync();
        await console;
        return (views, events, answers);
    }
}
