using System.Net.Http.Json;
using Casn.Service.Tests.Support;
using Casn.Service.Tests.Http;
using Microsoft.Playwright;
using static Casn.Service.Tests.Http.HttpExamDay;

namespace Casn.Service.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class SummaryPageTests(BrowserFixture fixture)
{
    [Fact]
    public async Task The_kanreg_page_shows_the_room_and_a_new_candidate_in_progress_without_reload()
    {
        var http = fixture.Silo.CreateClient();
        var day = await new HttpExamDay(fixture.Silo.CreateClient).Prepare(candidates: 2);
        var first = await day.Start(1);
        var item = day.PaperOf(1).Items[0];
        await Expect(200, await first.PutAsJsonAsync($"{day.SessionPath(1)}/answers/{item.Item.Id}", new { sequence = 1, choice = item.BestChoice() }));

        var page = await fixture.Browser.NewPageAsync();
        await page.GotoAsync($"{http.BaseAddress}summary.html?kanreg=KANREG-H");
        var row = page.Locator($"tr[data-part='{day.RoomKey}']");
        await Assertions.Expect(row.Locator("td").Nth(2)).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("#freshness")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Diperbarui \\d+ detik lalu$"));

        await day.Start(2);
        await Assertions.Expect(row.Locator("td").Nth(2)).ToHaveTextAsync("2");
        Assert.DoesNotContain(day.ParticipantNo(1), await page.ContentAsync());

        var national = await fixture.Browser.NewPageAsync();
        await national.GotoAsync($"{http.BaseAddress}summary.html");
        await Assertions.Expect(national.Locator("tr[data-part='KANREG-H']")).ToBeVisibleAsync();
        // The nation's board counts per exam too, with a column for the SKB shortlists.
        await Assertions.Expect(national.Locator($"#exams-body tr[data-exam='{day.Exam.Id}'] td[data-figure='shortlisted']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("td[data-figure='shortlisted']")).ToHaveCountAsync(0);
        await national.ClickAsync("#language");
        await Assertions.Expect(national.Locator("#scope")).ToHaveTextAsync("National");
    }
}
