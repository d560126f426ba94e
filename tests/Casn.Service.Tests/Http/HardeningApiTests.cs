using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using System.Net.Http.Json;
using Casn.Domain.Exams;
using Casn.Service.Tests.Support;
using static Casn.Service.Tests.Http.HttpExamDay;

namespace Casn.Service.Tests.Http;

/// <summary>The web surface against a hostile visitor: what definitions may carry, bounds, and what a finished token still reads.</summary>
[Collection(SiloCollection.Name)]
public sealed class HardeningApiTests(SiloFactory factory)
{
    static ExamDefinition WithFirstSection(ExamDefinition exam, Func<SectionDefinition, SectionDefinition> change) =>
        exam with { Blueprint = exam.Blueprint with { Sections = [change(exam.Blueprint.Sections[0]), .. exam.Blueprint.Sections[1..]] } };

    [Fact]
    public async Task Codes_and_ids_in_an_exam_are_token_characters_and_durations_are_bounded()
    {
        var operatorClient = factory.CreateClient().As(TestStaff.NationalOperator());
        var exam = TestExams.Skd("X" + TestIds.Next());
        async Task<string> Refused(ExamDefinition definition)
        {
            using var response = await operatorClient.PutAsJsonAsync($"/api/exams/{definition.Blueprint.Id}", definition, Json);
            var body = await response.Content.ReadAsStringAsync();
            await ExpectProblem(400, "exam.invalid", response);
            return body;
        }

        Assert.Contains("sections[0].code", await Refused(WithFirstSection(exam, s => s with { Code = "<img src=x onerror=alert(1)>" })));
        Assert.Contains("items[].id", await Refused(exam with { Items = [exam.Items[0] with { Id = "TWK\"><script>" }, .. exam.Items[1..]] }));
        Assert.Contains("passingCategories[].code", await Refused(exam with
        {
            Blueprint = exam.Blueprint with { PassingCategories = [exam.Blueprint.PassingCategories[0] with { Code = "a b" }] },
        }));
        Assert.Contains("duration", await Refused(exam with { Blueprint = exam.Blueprint with { Duration = TimeSpan.FromDays(3650), AccessibleDuration = TimeSpan.FromDays(3650) } }));
        await Expect(200, await operatorClient.PutAsJsonAsync($"/api/exams/{exam.Id}", exam, Json));
    }

    [Fact]
    public async Task Sequence_numbers_are_bounded_and_a_finished_token_reads_only_the_result_and_receipt()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 1);
        var workstation = await day.Start(1);
        var item = day.PaperOf(1).Items[0].Item.Id;

        await ExpectProblem(400, "answer.sequence_invalid", await workstation.PutAsJsonAsync($"{day.SessionPath(1)}/answers/{item}", new { sequence = 2147483648L, choice = 0 }));
        await ExpectProblem(400, "answer.sequence_invalid", await workstation.PutAsJsonAsync($"{day.SessionPath(1)}/answers/{item}", new { sequence = long.MaxValue, choice = 0 }));
        await Expect(200, await workstation.PutAsJsonAsync($"{day.SessionPath(1)}/answers/{item}", new { sequence = 2147483647L, choice = 0 }));

        await Expect(200, await workstation.PostAsync(day.SessionPath(1) + "/submit", null));
        await ExpectProblem(409, "session.finished", await workstation.GetAsync(day.SessionPath(1) + "/paper"));
        await Expect(200, await workstation.GetAsync(day.SessionPath(1) + "/result"));
        await Expect(200, await workstation.GetAsync(day.SessionPath(1) + "/receipt"));
    }
}

/// <summary>Receipts' links and QR codes point at Casn:PublicBaseUrl, whatever Host a request claims.</summary>
[Collection(SiloCollection.Name)]
public sealed class PublicAddressTests(SiloFactory factory)
{
    [Fact]
    public async Task Receipt_links_and_qr_codes_use_the_configured_public_address_whatever_the_host_header_says()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 1);
        var workstation = await day.Start(1);
        await Expect(200, await workstation.PostAsync(day.SessionPath(1) + "/submit", null));
        var receipt = await Expect(200, await workstation.GetAsync(day.SessionPath(1) + "/receipt"));
        var code = receipt.GetProperty("certificateCode").GetString()!;
        Assert.Equal($"{SiloFactory.PublicBaseUrl}/certificate.html?code={code}", receipt.GetProperty("verifyUrl").GetString());

        var expected = Casn.Silo.Http.CertificateEndpoints.QrSvg($"{SiloFactory.PublicBaseUrl}/certificate.html?code={code}");
        foreach (var host in new[] { "evil.example", "ujian.example.id.evil.example:8443", new string('a', 3000) + ".example" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/certificates/{code}/qr.svg");
            request.Headers.TryAddWithoutValidation("Host", host);
            using var response = await day.Anonymous.SendAsync(request);
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal(expected, await response.Content.ReadAsStringAsync());
        }
    }
}

/// <summary>Security headers on pages and private answers, on the real host.</summary>
[Collection(SiloCollection.Name)]
public sealed class SecurityHeaderTests(SiloFactory factory)
{
    [Fact]
    public async Task Pages_run_only_their_own_scripts_cannot_be_framed_and_private_answers_are_never_stored()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 1);
        var pin = await day.CheckIn(1);
        await day.Open();
        foreach (var page in new[] { "/", "/index.html", "/board.html", "/certificate.html", "/operator.html", "/summary.html", "/results.html" })
        {
            using var response = await day.Anonymous.GetAsync(page);
            Assert.Equal(200, (int)response.StatusCode);
            var policy = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'self'", policy);
            Assert.DoesNotContain("unsafe-inline", policy);
            Assert.Contains("frame-ancestors 'none'", policy);
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        }

        using var login = await day.Anonymous.PostAsJsonAsync(day.SessionPath(1) + "/login", new { pin, workstationId = "ws-1", workstationKey = WorkstationKey(1) });
        var workstation = await day.Login(1, pin);
        foreach (var (client, path) in new[] { (workstation, day.SessionPath(1) + "/paper"), (day.Proctor, day.RoomPath), (day.Operator, $"/api/candidates/{day.ParticipantNo(1)}") })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(200, (int)response.StatusCode);
            Assert.True(response.Headers.CacheControl?.NoStore, $"{path}: Cache-Control {response.Headers.CacheControl}");
        }
        Assert.True(login.Headers.CacheControl?.NoStore);
        using var board = await day.Anonymous.GetAsync($"/api/boards/rooms/{day.RoomKey}");
        Assert.False(board.Headers.CacheControl?.NoStore ?? false);
    }
}

/// <summary>A wrong method or content type is answered for what it is (405, 415), before any credential is asked for.</summary>
[Collection(SiloCollection.Name)]
public sealed class ProtocolAnswerTests(SiloFactory factory)
{
    [Fact]
    public async Task A_wrong_method_answers_405_and_a_wrong_content_type_415_with_problem_details_before_authentication()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 1);
        var anonymous = factory.CreateClient();
        foreach (var (method, path) in new[]
        {
            ("DELETE", "/api/boards/national"), ("POST", $"/api/boards/rooms/{day.RoomKey}"), ("PUT", "/api/certificates/AAAA-BBBB-CCCC-DDDD"),
            ("GET", day.SessionPath(1) + "/login"), ("DELETE", day.SessionPath(1) + "/paper"), ("PATCH", day.RoomPath), ("GET", day.RoomPath + "/open"),
        })
            await ExpectProblem(405, "request.method_not_allowed", await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)));

        foreach (var path in new[] { day.SessionPath(1) + "/login", day.RoomPath + "/open", $"/api/candidates/{day.ParticipantNo(1)}/move" })
            await ExpectProblem(415, "request.unsupported_media_type",
                await anonymous.PostAsync(path, new StringContent("pin=123456", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded")));
    }
}

/// <summary>Production log levels: a flood of requests leaves no line per request unless request logging is turned on.</summary>
public sealed class LogLevelTests
{
    sealed class Capture : ILoggerProvider
    {
        public readonly System.Collections.Concurrent.ConcurrentQueue<(string Category, LogLevel Level)> Lines = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

        public void Dispose() { }

        sealed class Logger(string category, Capture capture) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                capture.Lines.Enqueue((category, logLevel));
        }
    }

    static async Task<List<(string Category, LogLevel Level)>> LinesAfterRequests(
        (string Key, string Value)? setting = null, Func<List<(string Category, LogLevel Level)>, bool>? settle = null)
    {
        var settings = setting is { } one ? new[] { one } : [];
        var capture = new Capture();
        await using var factory = new SiloFactory().WithWebHostBuilder(b =>
        {
            foreach (var (key, value) in settings) b.UseSetting(key, value);
            b.ConfigureLogging(logging => logging.AddProvider(capture));
        });
        var client = factory.CreateClient();
        Assert.Equal(200, (int)(await client.GetAsync("/health/live")).StatusCode);
        var before = capture.Lines.Count;
        for (var n = 0; n < 50; n++) await client.GetAsync($"/api/boards/rooms/KANREG-H/NOWHERE/2026-11-23/1/R{n:D2}");
        if (settle is not null)
            await Cluster.ExamDay.Eventually(() => Task.FromResult(settle([.. capture.Lines.Skip(before)])), TimeSpan.FromSeconds(5), "the last request's lines");
        return [.. capture.Lines.Skip(before)];
    }

    [Fact]
    public async Task Requests_are_not_logged_by_default_and_are_when_turned_on()
    {
        var quiet = await LinesAfterRequests();
        Assert.DoesNotContain(quiet, l => l.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) && l.Level < LogLevel.Warning);
        Assert.True(quiet.Count < 50, $"{quiet.Count} log lines for 50 requests");

        // The "request finished" line is written after the client has its answer: the last one may come a moment later.
        var verbose = await LinesAfterRequests(("Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics", "Information"),
            settle: lines => lines.Count(l => l.Category == "Microsoft.AspNetCore.Hosting.Diagnostics") >= 100);
        Assert.True(verbose.Count(l => l.Category == "Microsoft.AspNetCore.Hosting.Diagnostics") >= 100, "a start and an end line per request");
    }
}

/// <summary>
/// A silo of its own for the flood test: it counts the silo's activations, and on a shared silo another test's
/// sittings (a held-back board row or seat line, a clock that runs out) may rightly wake a grain meanwhile.
/// </summary>
public sealed class FloodSiloFactory : SiloFactory;

/// <summary>Made-up board keys are answered from the registries: no grain is activated for them, and sittings do not feel the flood.</summary>
public sealed class ActivationFloodTests(FloodSiloFactory factory, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<FloodSiloFactory>
{
    [Fact]
    public async Task Two_thousand_made_up_board_keys_activate_nothing_and_heartbeats_stay_fast()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 1);
        var workstation = await day.Start(1);
        var site = day.RoomKey.Split('/')[1];
        var date = day.RoomKey.Split('/')[2];
        // The real boards answer (and are active from here on).
        await Expect(200, await day.Anonymous.GetAsync($"/api/boards/rooms/{day.RoomKey}"));
        await Expect(200, await day.Anonymous.GetAsync($"/api/boards/sites/{Kanreg}/{site}"));
        await Expect(200, await day.Anonymous.GetAsync($"/api/boards/kanreg/{Kanreg}"));
        await Expect(200, await day.Anonymous.GetAsync("/api/boards/national"));
        var management = factory.Services.GetRequiredService<IGrainFactory>().GetGrain<Orleans.Runtime.IManagementGrain>(0);
        var before = await management.GetTotalActivationCount();
        var activeBefore = (await management.GetDetailedGrainStatistics()).Select(a => a.GrainId.ToString()).ToHashSet();

        string MadeUp(int n) => (n % 6) switch
        {
            0 => $"/api/boards/rooms/FAKE-{n}/SITE/{date}/1/R01",
            1 => $"/api/boards/rooms/{Kanreg}/{site}/{date}/1/R{n}",
            2 => $"/api/boards/rooms/{Kanreg}/NOSITE-{n}/{date}/2/R01/events",
            3 => $"/api/boards/sites/{Kanreg}/NOSITE-{n}",
            4 => $"/api/boards/kanreg/FAKE-{n}",
            _ => $"/api/boards/kanreg/FAKE-{n}/events",
        };
        using var flooding = new CancellationTokenSource();
        var beats = new List<double>();
        var heartbeats = Task.Run(async () =>
        {
            while (!flooding.IsCancellationRequested)
            {
                var started = System.Diagnostics.Stopwatch.StartNew();
                await Expect(200, await workstation.PostAsync(day.SessionPath(1) + "/heartbeat", null));
                beats.Add(started.Elapsed.TotalMilliseconds);
                await Task.Delay(20);
            }
        });
        var refused = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, 2_000), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (n, _) =>
        {
            using var response = await day.Anonymous.GetAsync(MadeUp(n));
            if ((int)response.StatusCode == 404) Interlocked.Increment(ref refused);
        });
        await flooding.CancelAsync();
        await heartbeats;

        Assert.Equal(2_000, refused);
        var activeAfter = (await management.GetDetailedGrainStatistics()).Select(a => a.GrainId.ToString()).ToHashSet();
        Assert.True(before == await management.GetTotalActivationCount(),
            $"activations went from {before} to {await management.GetTotalActivationCount()}; new: {string.Join(", ", activeAfter.Except(activeBefore))}; gone: {string.Join(", ", activeBefore.Except(activeAfter))}");
        var madeUpRooms = Enumerable.Range(0, 2_000).Where(n => n % 6 == 1).Select(n => $"{Kanreg}/{site}/{date}/1/R{n}").ToHashSet();
        var activated = (await management.GetDetailedGrainStatistics()).Select(a => a.GrainId.Key.ToString() ?? "").ToList();
        Assert.DoesNotContain(activated, key => key.Contains("FAKE-", StringComparison.Ordinal) || key.Contains("NOSITE-", StringComparison.Ordinal) || madeUpRooms.Contains(key));
        var sorted = beats.Order().ToList();
        var p95 = sorted[(int)(sorted.Count * 0.95)];
        output.WriteLine($"{beats.Count} heartbeats during the flood: p50 {sorted[sorted.Count / 2]:0.0} ms, p95 {p95:0.0} ms, max {sorted[^1]:0.0} ms");
        Assert.True(p95 < 500, $"heartbeat p95 {p95:0} ms during the flood");
    }
}
