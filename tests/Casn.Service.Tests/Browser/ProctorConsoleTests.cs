using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Casn.Service.Tests.Http;
using Casn.Service.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Casn.Service.Tests.Http.HttpExamDay;

namespace Casn.Service.Tests.Browser;

/// <summary>The proctor runs the room from proctor.html in Chromium: sign-in by link, live tiles, decisions, the report.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ProctorConsoleTests(BrowserFixture fixture, ITestOutputHelper output)
{
    static string Tile(string participantNo) => $".tile[data-participant='{participantNo}']";

    /// <summary>
    /// Waits for a condition in the page, asked from outside it: the page's CSP forbids the eval that Playwright's
    /// own polling (WaitForFunction) uses inside the page.
    /// </summary>
    internal static async Task WaitUntil(IPage page, string condition, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!await page.EvaluateAsync<bool>(condition))
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {timeoutMs} ms: {condition}");
            await Task.Delay(50);
        }
    }

    /// <summary>A workstation beats like the stock page (every few seconds), so a slow test run never reads as lost contact.</summary>
    internal static async Task KeepBeating(HttpClient workstation, string sessionPath, CancellationToken stop, TimeSpan? every = null)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                using var _ = await workstation.PostAsync(sessionPath + "/heartbeat", null, stop);
                await Task.Delay(every ?? TimeSpan.FromSeconds(3), stop);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The link an operator's page gives a proctor: the token rides in the fragment.</summary>
    public static string ConsoleLink(Uri baseAddress, string roomKey, string? token = null) =>
        $"{baseAddress}proctor.html#token={Uri.EscapeDataString(token ?? TestStaff.Proctor(roomKey))}&room={Uri.EscapeDataString(roomKey)}";

    [Fact]
    public async Task An_operator_issues_a_proctor_link_and_the_console_shows_an_answer_within_a_second_without_reloading()
    {
        var day = await new HttpExamDay(fixture.Silo.CreateClient).Prepare(candidates: 3);
        var workstation = await day.Start(1);
        using var stopBeating = new CancellationTokenSource();
        var beating = KeepBeating(workstation, day.SessionPath(1), stopBeating.Token);
        var item = day.PaperOf(1).Items[0].Item.Id;

        var operatorPage = await fixture.Browser.NewPageAsync();
        await operatorPage.GotoAsync($"{fixture.Silo.CreateClient().BaseAddress}operator.html");
        await operatorPage.FillAsync("#token", TestStaff.Operator(Kanreg));
        await operatorPage.FillAsync("#region", Kanreg);
        await operatorPage.ClickAsync("#setup button:not([type])");
        await operatorPage.ClickAsync($"button[data-action='proctor-link'][data-room='{day.RoomKey}']");
        await operatorPage.FillAsync("#link-proctor-id", "pr-sri");
        await operatorPage.FillAsync("#link-proctor-name", "Sri Wahyuni");
        await operatorPage.ClickAsync("button[data-action='issue-proctor-link']");
        await Assertions.Expect(operatorPage.Locator("#proctor-qr")).ToHaveAttributeAsync("data-qr", new Regex("^[0-9]+$"));
        var link = await operatorPage.InputValueAsync("#proctor-link-url");
        Assert.Contains("#token=", link);

        var page = await fixture.Browser.NewPageAsync();
        await page.GotoAsync(link);
        await Assertions.Expect(page.Locator(".tile")).ToHaveCountAsync(3);
        Assert.DoesNotContain("token", page.Url);
        await Assertions.Expect(page.Locator(Tile(day.ParticipantNo(1)))).ToHaveAttributeAsync("data-status", "in-progress");
        await Assertions.Expect(page.Locator(Tile(day.ParticipantNo(2)))).ToHaveAttributeAsync("data-status", "not-arrived");
        await page.EvaluateAsync("window.loadedOnce = 'yes'");

        var answeredAt = Stopwatch.StartNew();
        await Expect(200, await workstation.PutAsJsonAsync($"{day.SessionPath(1)}/answers/{item}", new { sequence = 1, choice = 0 }));
        await Assertions.Expect(page.Locator(Tile(day.ParticipantNo(1)))).ToHaveAttributeAsync("data-answered", "1", new() { Timeout = 1_000 });
        output.WriteLine($"answer on the proctor's tile {answeredAt.ElapsedMilliseconds} ms after it was sent");
        Assert.Equal("yes", await page.EvaluateAsync<string>("window.loadedOnce"));
        await Assertions.Expect(page.Locator(Tile(day.ParticipantNo(1)))).ToContainTextAsync("1/");
        await stopBeating.CancelAsync();
        await beating;
    }

    [Fact]
    public async Task The_proctor_suspends_and_resumes_a_candidate_and_prints_the_room_report()
    {
        var day = await new HttpExamDay(fixture.Silo.CreateClient).Prepare(candidates: 2);
        var workstation = await day.Start(1);
        using var stopBeating = new CancellationTokenSource();
        var beating = KeepBeating(workstation, day.SessionPath(1), stopBeating.Token);
        // A proctor's laptop: 1366x768, nothing wider than the screen.
        var page = await fixture.Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1366, Height = 768 } });
        await page.GotoAsync(ConsoleLink(fixture.Silo.CreateClient().BaseAddress!, day.RoomKey));
        var tile = page.Locator(Tile(day.ParticipantNo(1)));
        await Assertions.Expect(tile).ToHaveAttributeAsync("data-status", "in-progress");
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= 1366"), "the console fits 1366 px");

        // Keyboard: the tile is a button; the decision needs a reason.
        await tile.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#seat-panel")).ToHaveAttributeAsync("data-participant", day.ParticipantNo(1));
        await page.ClickAsync("#seat-panel button[data-action='suspend']");
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("alasan");
        await page.FillAsync("#reason", "Membuka ponsel");
        await page.ClickAsync("#seat-panel button[data-action='suspend']");
        await Assertions.Expect(tile).ToHaveAttributeAsync("data-status", "suspended");
        await ExpectProblem(409, "session.suspended", await workstation.GetAsync(day.SessionPath(1) + "/paper"));

        await page.FillAsync("#reason", "Ponsel sudah dititipkan");
        await page.ClickAsync("#seat-panel button[data-action='resume']");
        await Assertions.Expect(tile).ToHaveAttributeAsync("data-status", "in-progress");
        await Expect(200, await workstation.GetAsync(day.SessionPath(1) + "/paper"));
        await Assertions.Expect(page.Locator("#seat-events li[data-kind='resumed']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#incidents li[data-kind='resumed']")).ToHaveCountAsync(1);
        await stopBeating.CancelAsync();
        await beating;

        // The room report (berita acara): attendance, the incidents with their decisions, the proctor's name.
        await page.ClickAsync("button[data-action='report']");
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        await Assertions.Expect(page.Locator("#report")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#grid")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#report-seats tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator($"#report-seats tr[data-participant='{day.ParticipantNo(2)}']")).ToContainTextAsync("Belum hadir");
        await Assertions.Expect(page.Locator("#report-incidents tr[data-kind='suspended']")).ToContainTextAsync("Membuka ponsel");
        await Assertions.Expect(page.Locator("#report-incidents tr[data-kind='resumed']")).ToContainTextAsync("Ponsel sudah dititipkan");
        await Assertions.Expect(page.Locator("#report-proctor")).ToHaveTextAsync("Pengawas");
    }

    [Fact]
    public async Task A_face_check_in_that_passes_shows_the_pin_and_one_that_fails_shows_both_faces_for_a_decision()
    {
        var day = await new HttpExamDay(fixture.Silo.CreateClient).Prepare(candidates: 2);
        await Expect(200, await day.Operator.PutAsync($"/api/candidates/{day.ParticipantNo(1)}/photo", TestPhotos.Jpeg("kit_harington_1.jpg")));
        await Expect(200, await day.Operator.PutAsync($"/api/candidates/{day.ParticipantNo(2)}/photo", TestPhotos.Jpeg("rose_leslie_1.jpg")));

        // The desk's camera sees Kit Harington (another photo than his registration one).
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = BrowserFixture.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", .. FakeCamera.Arguments("kit_harington_3.jpg")],
        });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(ConsoleLink(fixture.Silo.CreateClient().BaseAddress!, day.RoomKey));
        await Assertions.Expect(page.Locator(".tile")).ToHaveCountAsync(2);
        await page.ClickAsync("button[data-action='camera']");
        await Assertions.Expect(page.Locator("#camera")).ToHaveAttributeAsync("data-live", "true");
        await WaitUntil(page, "document.getElementById('camera').videoWidth > 0");

        await page.FillAsync("#desk-participant", day.ParticipantNo(1));
        await page.ClickAsync("button[data-action='check-in']");
        await Assertions.Expect(page.Locator("#desk-result")).ToHaveAttributeAsync("data-result", "verified", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#pin")).ToHaveAttributeAsync("data-pin", new Regex("^[0-9]{6}$"));
        await Assertions.Expect(page.Locator("button[data-action='print-pin']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(Tile(day.ParticipantNo(1)))).ToHaveAttributeAsync("data-status", "checked-in");
        // The proctor opens the room from the console; the PIN on the slip logs the candidate in.
        var pin = await page.Locator("#pin").GetAttributeAsync("data-pin");
        await page.FillAsync("#reason", "Waktu mulai");
        await page.ClickAsync("button[data-action='open-room']");
        await Assertions.Expect(page.Locator("#room-status")).ToHaveAttributeAsync("data-room-status", "Open");
        await day.Login(1, pin!);
        await Assertions.Expect(page.Locator(Tile(day.ParticipantNo(1)))).ToHaveAttributeAsync("data-status", "in-progress");

        // Someone else's face for candidate 2: both faces side by side, the similarity, and the proctor decides.
        await page.FillAsync("#desk-participant", day.ParticipantNo(2));
        await page.ClickAsync("button[data-action='check-in']");
        await Assertions.Expect(page.Locator("#desk-result")).ToHaveAttributeAsync("data-result", "mismatch", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#compare")).ToBeVisibleAsync();
        await WaitUntil(page, "document.getElementById('registration-photo').naturalWidth > 0 && document.getElementById('capture-photo').naturalWidth > 0");
        await Assertions.Expect(page.Locator("#desk-verdict")).ToContainTextAsync(new Regex(@"kemiripan 0\.[0-9]{3}"));
        await Assertions.Expect(page.Locator(Tile(day.ParticipantNo(2)))).ToHaveAttributeAsync("data-status", "not-arrived");

        await page.FillAsync("#reason", "KTP dan wajah dicek langsung oleh dua pengawas");
        await page.ClickAsync("button[data-action='check-in-manual']");
        await Assertions.Expect(page.Locator("#pin")).ToHaveAttributeAsync("data-pin", new Regex("^[0-9]{6}$"));
        await Assertions.Expect(page.Locator(Tile(day.ParticipantNo(2)))).ToHaveAttributeAsync("data-status", "checked-in");
        await Assertions.Expect(page.Locator("#incidents li[data-kind='face_override']")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task A_national_operator_confirms_a_reported_stand_in_on_the_operator_page_and_the_nik_is_blocked()
    {
        var id = TestIds.Next();
        string Nik(int n) => $"998{id}{n:D6}";
        var day = await new HttpExamDay(fixture.Silo.CreateClient).Prepare(candidates: 2, nationalId: Nik);
        await day.Start(1);
        await Expect(200, await day.Proctor.PostAsJsonAsync($"{day.RoomPath}/candidates/{day.ParticipantNo(1)}/stand-in", new { reason = "Orang lain di kursi" }));
        var sessionKey = $"{day.RoomKey}/{day.ParticipantNo(1)}";

        var page = await fixture.Browser.NewPageAsync();
        await page.GotoAsync($"{fixture.Silo.CreateClient().BaseAddress}operator.html");
        await page.FillAsync("#token", TestStaff.Operator(Kanreg));
        await page.ClickAsync("button[data-action='load-stand-ins']");
        await Assertions.Expect(page.Locator("#message")).ToHaveTextAsync("Kasus joki hanya untuk operator nasional.");

        await page.FillAsync("#token", TestStaff.NationalOperator());
        await page.ClickAsync("button[data-action='load-stand-ins']");
        var row = page.Locator($"#stand-ins tr[data-session='{sessionKey}']");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "reported");
        await Assertions.Expect(row).ToContainTextAsync("Orang lain di kursi");
        await row.Locator("button[data-action='confirm-stand-in']").ClickAsync();
        await Assertions.Expect(page.Locator("#message")).ToHaveTextAsync("Isi alasan keputusan dulu.");
        await page.FillAsync("#stand-in-reason", "Rekaman CCTV dan KTP diperiksa");
        await row.Locator("button[data-action='confirm-stand-in']").ClickAsync();
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "confirmed");

        var profile = new
        {
            participantNo = $"N{id}9", name = "Peserta Lain", nationalId = Nik(1), birthDate = "1999-02-03", category = "general",
            positionId = "POS-9", accessible = false, kanreg = Kanreg, site = day.Site,
        };
        await ExpectProblem(403, "candidate.blocked", await day.Operator.PutAsJsonAsync($"/api/candidates/N{id}9", profile));
    }
}
