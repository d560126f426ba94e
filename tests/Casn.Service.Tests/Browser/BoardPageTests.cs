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
}
