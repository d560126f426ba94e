using System.Net.Http.Json;
using Casn.Service.Tests.Http;
using Microsoft.Playwright;
using static Casn.Service.Tests.Http.HttpExamDay;

namespace Casn.Service.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class WorkstationPageTests(BrowserFixture fixture)
{
    [Fact]
    public async Task A_candidate_sits_the_exam_in_a_browser_and_sees_the_final_score()
    {
        var http = fixture.Silo.CreateClient();
        var day = await new HttpExamDay(fixture.Silo.CreateClient).Prepare(candidates: 1);
        var pin = await day.CheckIn(1);
        await day.Open();
        var roomKey = day.RoomPath["/api/rooms/".Length..];

        var page = await fixture.Browser.NewPageAsync();
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await page.GotoAsync($"{http.BaseAddress}?room={roomKey}");
        await page.FillAsync("#participant", day.ParticipantNo(1));
        await page.FillAsync("#pin", "999999x");
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("#login-error")).ToHaveTextAsync("PIN salah.");

        await page.FillAsync("#pin", pin);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("#exam")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".grid button")).ToHaveCountAsync(110);
        await Assertions.Expect(page.Locator("#time-left")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^01:(39|40):"));

        // Answer the first three items with the first shown option; each turns green once acknowledged.
        for (var number = 1; number <= 3; number++)
        {
            await page.ClickAsync("#item-options label:nth-child(1) input");
            await Assertions.Expect(page.Locator($"#nav-{number}")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("answered"));
            await page.ClickAsync("#next");
        }
        // The proctor's room view follows within a second (answers close together are coalesced).
        await Cluster.ExamDay.Eventually(async () => (await Expect(200, await day.Proctor.GetAsync(day.RoomPath))).GetProperty("seats")[0].GetProperty("answered").GetInt32() == 3,
            TimeSpan.FromSeconds(10), "three answers on the proctor's view");

        // Suspended by the proctor: the next answer is refused, the items are hidden and the page says why.
        await Expect(200, await day.Proctor.PostAsJsonAsync($"{day.RoomPath}/candidates/{day.ParticipantNo(1)}/suspend", ProctorNote));
        await page.ClickAsync("#item-options label:nth-child(1) input");
        await Assertions.Expect(page.Locator("#blocked")).ToContainTextAsync("dihentikan sementara");
        await Assertions.Expect(page.Locator("#blocked")).ToHaveAttributeAsync("data-blocked", "suspended");
        await Assertions.Expect(page.Locator("#exam-body")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#nav-4")).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("answered"));
        await Expect(200, await day.Proctor.PostAsJsonAsync($"{day.RoomPath}/candidates/{day.ParticipantNo(1)}/resume", ProctorNote));
        // The next heartbeat (a third of the silence limit) brings the items back.
        await Assertions.Expect(page.Locator("#exam-body")).ToBeVisibleAsync(new() { Timeout = 20_000 });

        await page.ClickAsync("#submit");
        await Assertions.Expect(page.Locator("#result")).ToBeVisibleAsync();
        var expected = day.PaperOf(1).Items.Take(3).Sum(i => i.Item.Points[i.OptionOrder[0]]);
        await Assertions.Expect(page.Locator("#result-table")).ToContainTextAsync($"Total{expected}");

        // The receipt: a code anyone can check on the public certificate page, which shows the same total and a QR code.
        var code = page.Locator("#receipt-code");
        await Assertions.Expect(code).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$"));
        var certificate = await fixture.Browser.NewPageAsync();
        await certificate.GotoAsync($"{http.BaseAddress}certificate.html?code={await code.TextContentAsync()}");
        await Assertions.Expect(certificate.Locator("#total")).ToHaveTextAsync(expected.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(certificate.Locator("#qr img")).ToBeVisibleAsync();
        Assert.DoesNotContain(NationalId(1), await certificate.ContentAsync());
    }
}
