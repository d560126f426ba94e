using Casn.Service.Tests.Http;
using Casn.Service.Tests.Support;
using Microsoft.Playwright;

namespace Casn.Service.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class OperatorPageTests(BrowserFixture fixture)
{
    [Fact]
    public async Task An_operator_sees_their_kanreg_and_a_token_for_another_is_refused_on_the_page()
    {
        var http = fixture.Silo.CreateClient();
        var day = await new HttpExamDay(fixture.Silo.CreateClient).Prepare(candidates: 2);
        await day.Start(1);

        var page = await fixture.Browser.NewPageAsync();
        await page.GotoAsync($"{http.BaseAddress}operator.html");
        await page.FillAsync("#token", TestStaff.Operator("KANREG-I"));
        await page.FillAsync("#region", "KANREG-H");
        await page.ClickAsync("#setup button:not([type])");
        await Assertions.Expect(page.Locator("#message")).ToHaveTextAsync("Token ini bukan untuk Kanreg ini.");

        await page.FillAsync("#token", TestStaff.Operator("KANREG-H"));
        await page.ClickAsync("#setup button:not([type])");
        await Assertions.Expect(page.Locator("#rooms")).ToContainTextAsync(day.RoomKey);
        await Assertions.Expect(page.Locator("#silos")).ToContainTextAsync("Active");
        // The one silo serves every Kanreg: it is active and holds this Kanreg's one running sitting.
        await Assertions.Expect(page.Locator("#silos tr[data-state=active]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#message")).ToBeHiddenAsync();
    }
}
