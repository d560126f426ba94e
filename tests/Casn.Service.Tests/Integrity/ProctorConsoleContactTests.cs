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
        // The workstation beats (the silence limit here is 3 s) until the console is up.
        using var stopBeating = new CancellationTokenSource();
        var beating = Beat(workstation, day.SessionPath(1), stopBeating.Token);
        var page = await fixture.Browser.NewPageAsync();
        await page.GotoAsync(ProctorConsoleTests.ConsoleLink(fixture.BaseAddress, day.RoomKey));
        var tile = page.Locator($".tile[data-participant='{day.ParticipantNo(1)}']");
        await Assertions.Expect(tile).ToHaveAttributeAsync("data-status", "in-progress");

        // Silent past the heartbeat limit: the clock stops and the tile says so, without anyone reloading.
        await stopBeating.CancelAsync();
        await beating;
        await Assertions.Expect(tile).ToHaveAttributeAsync("data-status", "contact-lost", new() { Timeout = 10_000 });
        // Back only after the auto-resume window: the sitting waits for the proctor.
        await Task.Delay(IntegrityFixture.AutoResumeWithin + TimeSpan.FromSeconds(1));
        var beat = await Expect(200, await workstation.PostAsync(day.SessionPath(1) + "/heartbeat", null));
        Assert.True(beat.GetProperty("awaitingProctor").GetBoolean());
        await Assertions.Expect(tile).ToHaveAttributeAsync("data-alert", new System.Text.RegularExpressions.Regex("contact-lost"));

        await tile.ClickAsync();
        await page.FillAsync("#reason", "Kabel jaringan tercabut, sudah dipasang lagi");
        await page.ClickAsync("#seat-panel button[data-action='resume']");
        // The console says so once the resume is done; only then is the workstation let back in.
        await Assertions.Expect(page.Locator("#message.ok")).ToContainTextAsync("berhasil");
        Assert.False((await Expect(200, await workstation.PostAsync(day.SessionPath(1) + "/heartbeat", null))).GetProperty("awaitingProctor").GetBoolean());
        using var stopAgain = new CancellationTokenSource();
        var beatingAgain = Beat(workstation, day.SessionPath(1), stopAgain.Token);
        await Assertions.Expect(tile).ToHaveAttributeAsync("data-status", "in-progress");
        await stopAgain.CancelAsync();
        await beatingAgain;
    }

    /// <summary>Beats every second, as the stock page does under a 3 s silence limit.</summary>
    static Task Beat(HttpClient workstation, string sessionPath, CancellationToken stop) =>
        ProctorConsoleTests.KeepBeating(workstation, sessionPath, stop, TimeSpan.FromSeconds(1));
}
