using Casn.Service.Tests.Support;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Casn.Service.Tests.Http;
using Microsoft.Playwright;
using static Casn.Service.Tests.Http.HttpExamDay;

namespace Casn.Service.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class BoardPageTests(BrowserFixture fixture)
{
    [Fact]
    public async Task The_board_page_shows_a_new_score_without_reload()
    {
        var http = fixture.Silo.CreateClient();
        var day = await new HttpExamDay(fixture.Silo.CreateClient).Prepare(candidates: 2);
        var pin = await day.CheckIn(1);
        await day.Open();
        var workstation = await day.Login(1, pin);

        var page = await fixture.Browser.NewPageAsync();
        await page.GotoAsync($"{http.BaseAddress}board.html?room={day.RoomPath["/api/rooms/".Length..]}");
        var row = page.Locator($"tr[data-participant='{day.ParticipantNo(1)}']");
        await Assertions.Expect(row).ToContainTextAsync("Sedang ujian");
        await Assertions.Expect(page.Locator("#freshness")).ToHaveTextAsync(new Regex("^Diperbarui \\d+ detik lalu$"));
        await Assertions.Expect(page.Locator($"tr[data-participant='{day.ParticipantNo(2)}']")).ToContainTextAsync("Belum mulai");

        var item = day.PaperOf(1).Items[0];
        var best = item.BestChoice();
        await Expect(200, await workstation.PutAsJsonAsync($"{day.SessionPath(1)}/answers/{item.Item.Id}", new { sequence = 1, choice = best }));

        // The new total appears in the same page, and the leader moves to the top.
        await Assertions.Expect(row.Locator("td.total")).ToHaveTextAsync(item.Item.Points.Max().ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(page.Locator("tbody tr").First).ToHaveAttributeAsync("data-participant", day.ParticipantNo(1));

        await page.ClickAsync("#language");
        await Assertions.Expect(row).ToContainTextAsync("In progress");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "casn-board.png") });
    }

    [Fact]
    public async Task Markup_in_a_name_or_a_proctors_reason_shows_as_text_on_the_board_and_the_operator_page()
    {
        const string Hostile = "<img src=x onerror=\"window.pwned=1\">Rina";
        var http = fixture.Silo.CreateClient();
        var day = await new HttpExamDay(fixture.Silo.CreateClient).Prepare(candidates: 1, name: _ => Hostile);
        await Expect(200, await day.Proctor.PostAsJsonAsync(day.RoomPath + "/checkins",
            new { participantNo = day.ParticipantNo(1), method = "manual", proctor = new { reason = Hostile } }));

        var board = await fixture.Browser.NewPageAsync();
        await board.GotoAsync($"{http.BaseAddress}board.html?room={day.RoomKey}");
        var row = board.Locator($"tr[data-participant='{day.ParticipantNo(1)}']");
        await Assertions.Expect(row).ToContainTextAsync(Hostile);
        Assert.Equal(0, await row.Locator("img").CountAsync());
        var operatorPage = await fixture.Browser.NewPageAsync();
        await operatorPage.GotoAsync($"{http.BaseAddress}operator.html");
        await operatorPage.FillAsync("#token", TestStaff.NationalOperator());
        await operatorPage.FillAsync("#region", Kanreg);
        await operatorPage.ClickAsync("#setup button:not([type])");
        await Assertions.Expect(operatorPage.Locator("#incidents")).ToContainTextAsync(Hostile);

        Assert.Equal(0, await operatorPage.Locator("#incidents img").CountAsync());
        Assert.False(await board.EvaluateAsync<bool>("() => window.pwned === 1"));
        Assert.False(await operatorPage.EvaluateAsync<bool>("() => window.pwned === 1"));
    }

    /// <summary>Every page script in wwwroot builds from data with DOM nodes and text, never by parsing markup.</summary>
    [Fact]
    public void No_page_script_parses_markup()
    {
        var root = Path.Combine(TestPaths.RepositoryRoot(), "silos", "Casn.Silo", "wwwroot");
        // Vendored scripts (vendor/) too: they run in the same pages.
        var scripts = Directory.GetFiles(root, "*.js", SearchOption.AllDirectories);
        Assert.NotEmpty(scripts);
        var offenders = scripts.SelectMany(file => File.ReadLines(file).Select((line, n) => (File: Path.GetFileName(file), Line: n + 1, Text: line)))
            .Where(l => Regex.IsMatch(l.Text, @"\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write|srcdoc)\b|new\s+DOMParser"))
            .Select(l => $"{l.File}:{l.Line}: {l.Text.Trim()}").ToList();
        Assert.True(offenders.Count == 0, string.Join('\n', offenders));
    }
}
