using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Casn.Service.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static Casn.Service.Tests.Http.HttpExamDay;

namespace Casn.Service.Tests.Http;

/// <summary>The host with every log line (down to Debug) kept, for the privacy test to read.</summary>
public sealed class CapturingSiloFactory : SiloFactory
{
    public ConcurrentQueue<string> Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Debug);
            // A rule for this provider wins over appsettings.json's category levels: this test reads every line.
            logging.AddFilter<CapturingProvider>((_, _) => true);
            logging.Services.AddSingleton<ILoggerProvider>(new CapturingProvider(Logs));
        });
    }

    sealed class CapturingProvider(ConcurrentQueue<string> logs) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, logs);

        public void Dispose() { }
    }

    sealed class CapturingLogger(string category, ConcurrentQueue<string> logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            logs.Enqueue($"{category} scope: {state}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            logs.Enqueue($"{category} {logLevel}: {formatter(state, exception)} [{values}] {exception}");
        }
    }
}

/// <summary>
/// National ID numbers and birth dates stay out of logs and traces. The test drives a whole sitting,
/// registration with bad data included, with every log line and every trace span captured, and looks
/// for the fixtures' values in all of it.
/// </summary>
public sealed class PrivacyTests(CapturingSiloFactory factory) : IClassFixture<CapturingSiloFactory>
{
    [Fact]
    public async Task No_national_id_or_birth_date_reaches_a_log_line_or_a_trace()
    {
        var spans = new ConcurrentQueue<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => spans.Enqueue(
                $"{activity.Source.Name} {activity.DisplayName} {string.Join(",", activity.TagObjects.Select(t => $"{t.Key}={t.Value}"))} " +
                $"{string.Join(",", activity.Events.Select(e => e.Name + string.Join(",", e.Tags.Select(t => $"{t.Key}={t.Value}"))))} " +
                $"{string.Join(",", activity.Baggage.Select(b => $"{b.Key}={b.Value}"))}"),
        };
        ActivitySource.AddActivityListener(listener);

        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 2);
        var nik = NationalId(1);
        // Bad registrations that carry the NIK: a wrong field type, a broken document, a wrong participant number.
        await day.Operator.PutAsync($"/api/candidates/{day.ParticipantNo(1)}",
            new StringContent($$"""{"participantNo":"{{day.ParticipantNo(1)}}","name":"X","nationalId":"{{nik}}","birthDate":"1999-02-03","category":5}""", Encoding.UTF8, "application/json"));
        await day.Operator.PutAsync($"/api/candidates/{day.ParticipantNo(1)}",
            new StringContent($$"""{"nationalId":"{{nik}}","birthDate":"1999-02-03",""", Encoding.UTF8, "application/json"));
        await day.Operator.PutAsJsonAsync($"/api/candidates/{day.ParticipantNo(2)}", new
        {
            participantNo = "SOMEONE-ELSE", name = "Y", nationalId = nik, birthDate = "1999-02-03", category = "general", positionId = "P", accessible = false,
        });
        var photo = new ByteArrayContent(TestPhotos.Bytes("biden_1.jpg")) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } };
        await Expect(200, await day.Operator.PutAsync($"/api/candidates/{day.ParticipantNo(1)}/photo", photo));
        await Expect(200, await day.Operator.GetAsync($"/api/candidates/{day.ParticipantNo(1)}"));
        var workstation = await day.Start(1);
        var item = day.PaperOf(1).Items[0];
        await Expect(200, await workstation.PutAsJsonAsync($"{day.SessionPath(1)}/answers/{item.Item.Id}", new { sequence = 1, choice = 0 }));
        await Expect(200, await workstation.PostAsync(day.SessionPath(1) + "/submit", null));
        await Expect(200, await workstation.GetAsync(day.SessionPath(1) + "/receipt"));
        await Expect(200, await day.Proctor.GetAsync(day.RoomPath));

        var logs = factory.Logs.ToArray();
        Assert.True(logs.Length > 100, $"only {logs.Length} log lines were captured: the capture is not working");
        Assert.Contains(logs, line => line.Contains(day.ParticipantNo(1), StringComparison.Ordinal));
        foreach (var secret in new[] { nik, "1999-02-03", "02/03/1999", "3 Feb 1999" })
        {
            var leaks = logs.Concat(spans).Where(line => line.Contains(secret, StringComparison.Ordinal)).ToList();
            Assert.True(leaks.Count == 0, $"{leaks.Count} log lines or spans carry '{secret}', first:\n{string.Join("\n", leaks.Take(3).Select(l => l.Length > 800 ? l[..800] : l))}");
        }
        Assert.NotEmpty(spans);
        // The same records still say everything else when printed, and what they hide they say they hide.
        Assert.Contains(logs, line => line.Contains("NationalId = (hidden)", StringComparison.Ordinal));
    }
}
