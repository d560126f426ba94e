using Casn.Service.Tests.Browser;
using Casn.Service.Tests.Http;
using Microsoft.Playwright;
using static Casn.Service.Tests.Http.HttpExamDay;

namespace Casn.Service.Tests.Integrity;

/// <summary>A workstation that went silent for too long waits for the proctor; the console shows it and resumes it.</summary>
[Collection(IntegrityCollection.Name)]
public sealed class ProctorConsoleContactTests(IntegrityFixture fixture)
{
    [Fact]
    public async Task A_contact_lost_sitting_is_flagged_on_its_tile_and_resumed_from_the_console()
    {
        var day = await new HttpExamDay(fixture.Silo.CreateClient).Prepare(candidates: 2);
        var workstation = await day.Start(1);
        var page = await fixture.Browser.NewPageAsync();
        await page.GotoAsync(ProctorConsoleTests.ConsoleLink(fixture.BaseAddress, day.RoomKey));
        var tile = page.Locator($".tile[data-participant='{day.ParticipantNo(1)}']");
        await Assertions.Expect(tile).ToHaveAttributeAsync("data-status", "in-progress");

        // Silent past the heartbeat limit: the clock stops and the tile says so, without anyone reloading.
        await Assertions.Expect(tile).ToHaveAttributeAsync("data-status", "contact-lost", new() { Timeout = 10_000 });
        // Back only after the auto-resume window: the sitting waits for the proctor.
        await Task.Delay(IntegrityFixture.AutoResumeWithin + TimeSpan.FromSeconds(1));
        var beat = await Expect(200, await workstation.PostAsync(day.SessionPath(1) + "/heartbeat", null));
        Assert.True(beat.GetProperty("awaitingProctor").GetBoolean());
        await Assertions.Expect(tile).ToHaveAttributeAsync("data-alert", new System.Text.RegularExpressions.Regex("contact-lost"));

        await tile.ClickAsync();
        await page.FillAsync("#reason", "Kabel jaringan tercabut, sudah dipasang lagi");
        await page.ClickAsync("#seat-panel button[data-action='resume']");
        await Assertions.Expect(tile).ToHaveAttributeAsync("data-status", "in-progress");
        Assert.False((await Expect(200, await workstation.PostAsync(day.SessionPath(1) + "/heartbeat", null))).GetProperty("awaitingProctor").GetBoolean());
    }
}
