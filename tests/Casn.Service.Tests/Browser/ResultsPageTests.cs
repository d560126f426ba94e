using System.Net.Http.Json;
using Casn.Service.Tests.Http;
using Casn.Service.Tests.Support;
using Microsoft.Playwright;
using static Casn.Service.Tests.Http.HttpExamDay;

namespace Casn.Service.Tests.Browser;

/// <summary>#15: the public results page finds a participant by number, and a candidate's certificate leads to their row.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ResultsPageTests(BrowserFixture fixture)
{
    [Fact]
    public async Task The_results_page_finds_a_participant_by_number_and_the_certificate_links_to_the_candidates_row()
    {
        var http = fixture.Silo.CreateClient();
        // A position of its own: announcements live in blob storage, which outlives one test host.
        var day = await new HttpExamDay(fixture.Silo.CreateClient) { PositionId = $"POS-{Guid.NewGuid():N}"[..20] }.Prepare(candidates: 3);
        var position = $"/api/exams/{day.Exam.Id}/positions/{day.PositionId}";
        await Expect(200, await day.Operator.PutAsJsonAsync(position, new { agency = "Kementerian <b>Contoh</b>", title = "Analis", openings = 1 }));
        // 1 answers a few items and submits, 2 submits at once, 3 never comes: the room's close makes them absent.
        var first = await day.Start(1);
        for (var i = 0; i < 3; i++)
        {
            var item = day.PaperOf(1).Items[i];
            await Expect(200, await first.PutAsJsonAsync($"{day.SessionPath(1)}/answers/{item.Item.Id}", new { sequence = i + 1, choice = item.BestChoice() }));
        }
        await Expect(200, await first.PostAsync(day.SessionPath(1) + "/submit", null));
        await Expect(200, await (await day.Start(2)).PostAsync(day.SessionPath(2) + "/submit", null));
        await Expect(200, await day.Proctor.PostAsJsonAsync(day.RoomPath + "/close", ProctorNote));
        await Cluster.ExamDay.Eventually(async () =>
            (await Expect(200, await day.Operator.GetAsync(position + "/standing"))).GetProperty("lines").GetArrayLength() == 3,
            TimeSpan.FromSeconds(20), "three results in the standing");

        var page = await fixture.Browser.NewPageAsync();
        var url = $"{http.BaseAddress}results.html?exam={day.Exam.Id}&position={day.PositionId}";
        await page.GotoAsync(url);
        await Assertions.Expect(page.Locator("#message")).ToHaveTextAsync("Hasil formasi ini belum diumumkan.");

        await Expect(200, await day.Operator.PostAsync(position + "/announcements", null));
        await page.GotoAsync(url);
        var rows = page.Locator("#body tr");
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        // Text from the data stays text: the agency's markup is shown, not obeyed.
        await Assertions.Expect(page.Locator("#position")).ToContainTextAsync("Kementerian <b>Contoh</b> — Analis (1 formasi)");
        await Assertions.Expect(page.Locator("#position b")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator($"tr[data-participant='{day.ParticipantNo(3)}']")).ToHaveAttributeAsync("data-status", "absent");

        // Searching by number shows that row alone; a number not in the announcement says so and shows everyone.
        await page.FillAsync("#participant", day.ParticipantNo(2));
        await page.ClickAsync("#search button");
        await Assertions.Expect(page.Locator("#body tr:visible")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#body tr:visible")).ToHaveAttributeAsync("data-participant", day.ParticipantNo(2));
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync($"Peserta {day.ParticipantNo(2)}:");
        await page.FillAsync("#participant", "NOBODY-1");
        await page.ClickAsync("#search button");
        await Assertions.Expect(page.Locator("#message")).ToHaveTextAsync("Nomor peserta NOBODY-1 tidak ada dalam pengumuman ini.");
        await Assertions.Expect(page.Locator("#body tr:visible")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#csv")).ToHaveAttributeAsync("href", position + "/announcements/latest/csv");
        var content = await page.ContentAsync();
        for (var n = 1; n <= 3; n++) Assert.DoesNotContain(NationalId(n), content);

        // The candidate's certificate page links to their own row.
        var standing = await Expect(200, await day.Operator.GetAsync(position + "/standing"));
        var code = standing.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("participantNo").GetString() == day.ParticipantNo(1))
            .GetProperty("certificateCode").GetString();
        var certificate = await fixture.Browser.NewPageAsync();
        await certificate.GotoAsync($"{http.BaseAddress}certificate.html?code={code}");
        await certificate.ClickAsync("#results");
        await Assertions.Expect(certificate.Locator("tr.found")).ToHaveAttributeAsync("data-participant", day.ParticipantNo(1));
        await Assertions.Expect(certificate.Locator("#body tr:visible")).ToHaveCountAsync(1);
    }
}

/// <summary>#17: the API reference page loads the OpenAPI document in a real browser, under its security headers.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ApiDocsPageTests(BrowserFixture fixture)
{
    [Fact]
    public async Task The_api_reference_page_shows_the_operations_of_the_document()
    {
        var page = await fixture.Browser.NewPageAsync();
        var blocked = new List<string>();
        page.Console += (_, message) => { if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal)) blocked.Add(message.Text); };
        await page.GotoAsync($"{fixture.Silo.CreateClient().BaseAddress}api-docs/");
        // The page has read the document: its operations are listed by their summaries.
        await Assertions.Expect(page.GetByText("Define an exam: blueprint and item bank.").First).ToBeVisibleAsync(new() { Timeout = 20_000 });
        Assert.Empty(blocked);
    }
}
