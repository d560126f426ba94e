using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Casn.Service.Tests.Http;
using Casn.Service.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Casn.Service.Tests.Http.HttpExamDay;

namespace Casn.Service.Tests.Integrity;

/// <summary>
/// The sitting against the people it must guard against, over HTTP on the real host: a stranger with
/// the public board open, a candidate who wants a second machine, a candidate who pulls the cable.
/// </summary>
[Collection(IntegrityCollection.Name)]
public sealed class IntegrityApiTests(IntegrityFixture fixture, ITestOutputHelper output)
{
    async Task<HttpExamDay> Day(int candidates = 1) => await new HttpExamDay(fixture.Silo.CreateClient).Prepare(candidates);

    static object Login(string pin, int workstation) =>
        new { pin, workstationId = $"ws-{workstation}", workstationKey = $"stranger-workstation-key-{workstation:D4}" };

    static async Task<JsonElement[]> Incidents(HttpExamDay day) =>
        [.. (await Expect(200, await day.Proctor.GetAsync(day.RoomPath))).GetProperty("incidents").EnumerateArray()];

    /// <summary>Candidate 1's sitting as the proctor sees it, with its latest events.</summary>
    static async Task<JsonElement> Seat(HttpExamDay day) =>
        await Expect(200, await day.Proctor.GetAsync($"{day.RoomPath}/candidates/{day.ParticipantNo(1)}"));

    [Fact]
    public async Task Wrong_pins_from_ten_other_workstations_and_addresses_do_not_lock_the_seat_out()
    {
        var day = await Day();
        var pin = await day.CheckIn(1);
        await day.Open();

        for (var n = 1; n <= 10; n++)
        {
            using var stranger = fixture.From(10 + n);
            await ExpectProblem(401, "auth.pin_invalid", await stranger.PostAsJsonAsync(day.SessionPath(1) + "/login", Login("000000", n)));
        }

        var workstation = await day.Login(1, pin);
        await Expect(200, await workstation.GetAsync(day.SessionPath(1) + "/paper"));
        // The proctor sees the attempts: at the lock-out limit (5) and again at 10.
        await Cluster.ExamDay.Eventually(async () => (await Incidents(day)).Count(i => i.GetProperty("kind").GetString() == "pin_failures") == 2,
            TimeSpan.FromSeconds(5), "two pin_failures incidents");
        Assert.Equal(10, (await Seat(day)).GetProperty("pinFailures").GetInt32());
    }

    [Fact]
    public async Task One_address_that_keeps_guessing_is_locked_and_only_that_address()
    {
        var day = await Day();
        var pin = await day.CheckIn(1);
        await day.Open();
        using var guesser = fixture.From(40);
        for (var n = 1; n <= 5; n++)
            await ExpectProblem(401, "auth.pin_invalid", await guesser.PostAsJsonAsync(day.SessionPath(1) + "/login", Login("000000", n)));

        // Even with the right PIN and a fresh workstation, that address is locked out now.
        await ExpectProblem(403, "auth.pin_locked", await guesser.PostAsJsonAsync(day.SessionPath(1) + "/login", Login(pin, 99)));
        await day.Login(1, pin);
    }

    [Fact]
    public async Task The_login_rate_limit_is_per_sitting_whatever_the_path_looks_like()
    {
        var day = await Day();
        using var client = fixture.From(41);
        var path = day.SessionPath(1) + "/login";
        var variants = new[] { path, path.Replace("/2/R01/", "/02/R01/"), path.Replace("/2/R01/", "/002/R01/").Replace("/api/sessions/", "/API/SESSIONS/") };

        // 20 logins a minute per sitting and address (LimitSettings.LoginsPerMinute), spread over three spellings.
        for (var n = 0; n < 20; n++)
            Assert.NotEqual(429, (int)(await client.PostAsJsonAsync(variants[n % 3], Login("000000", n))).StatusCode);
        await ExpectProblem(429, "request.rate_limited", await client.PostAsJsonAsync(variants[2], Login("000000", 21)));
    }

    [Fact]
    public async Task A_second_workstation_waits_for_the_proctor_while_the_seat_keeps_working()
    {
        var day = await Day();
        var pin = await day.CheckIn(1);
        await day.Open();
        var seat = await day.Login(1, pin);
        var item = day.PaperOf(1).Items[0].Item.Id;
        using var other = fixture.From(42);

        await ExpectProblem(403, "auth.relogin_needs_proctor", await other.PostAsJsonAsync(day.SessionPath(1) + "/login", Login(pin, 2)));
        await Expect(200, await seat.PutAsJsonAsync($"{day.SessionPath(1)}/answers/{item}", new { sequence = 1, choice = 1 }));
        await Cluster.ExamDay.Eventually(async () => (await Incidents(day)).Any(i => i.GetProperty("kind").GetString() == "relogin_requested"),
            TimeSpan.FromSeconds(5), "the proctor sees the request");
        Assert.Equal("ws-2", (await Seat(day)).GetProperty("reloginRequest").GetProperty("workstationId").GetString());

        await Expect(200, await day.Proctor.PostAsJsonAsync($"{day.RoomPath}/candidates/{day.ParticipantNo(1)}/approve-login", new { reason = "workstation 1 froze" }));
        var grant = await Expect(200, await other.PostAsJsonAsync(day.SessionPath(1) + "/login", Login(pin, 2)));
        Assert.False(string.IsNullOrEmpty(grant.GetProperty("token").GetString()));
        await ExpectProblem(401, "auth.token_invalid", await seat.GetAsync(day.SessionPath(1) + "/paper"));
        var events = (await Seat(day)).GetProperty("events").EnumerateArray().ToArray();
        Assert.Contains(events, e => e.GetProperty("kind").GetString() == "relogin_approved" && e.GetProperty("by").GetString() == "proctor-3");

        // A new PIN from the proctor also lets a replacement workstation in.
        var newPin = await day.CheckIn(1);
        using var third = fixture.From(43);
        await Expect(200, await third.PostAsJsonAsync(day.SessionPath(1) + "/login", Login(newPin, 3)));
    }

    [Fact]
    public async Task A_long_silence_waits_for_the_proctor_who_gives_the_time_back()
    {
        var day = await Day();
        var workstation = await day.Start(1);
        var items = day.PaperOf(1).Items;
        var before = await Expect(200, await workstation.PostAsync(day.SessionPath(1) + "/heartbeat", null));

        await WaitSilent(day, IntegrityFixture.AutoResumeWithin + TimeSpan.FromSeconds(1));
        await ExpectProblem(409, "session.contact_lost", await workstation.PutAsJsonAsync($"{day.SessionPath(1)}/answers/{items[0].Item.Id}", new { sequence = 1, choice = 1 }));
        await ExpectProblem(409, "session.contact_lost", await workstation.GetAsync(day.SessionPath(1) + "/paper"));
        var waiting = await Expect(200, await workstation.PostAsync(day.SessionPath(1) + "/heartbeat", null));
        Assert.True(waiting.GetProperty("awaitingProctor").GetBoolean());
        await Cluster.ExamDay.Eventually(async () => (await Incidents(day)).Any(i => i.GetProperty("kind").GetString() == "contact_lost"),
            TimeSpan.FromSeconds(5), "the proctor sees the sitting waiting");

        var resumed = await Expect(200, await day.Proctor.PostAsJsonAsync($"{day.RoomPath}/candidates/{day.ParticipantNo(1)}/resume", ProctorNote));
        Assert.Contains(resumed.GetProperty("events").EnumerateArray(), e => e.GetProperty("kind").GetString() == "resumed" && e.GetProperty("detail").GetString()!.Contains("contact lost for"));
        await Expect(200, await workstation.PutAsJsonAsync($"{day.SessionPath(1)}/answers/{items[0].Item.Id}", new { sequence = 1, choice = 1 }));
        // The silence (over 9 s) was given back: at most the heartbeat limit of work time went by.
        var after = await Expect(200, await workstation.PostAsync(day.SessionPath(1) + "/heartbeat", null));
        Assert.InRange(before.GetProperty("remainingMs").GetInt64() - after.GetProperty("remainingMs").GetInt64(), 0, IntegrityFixture.HeartbeatTimeout.TotalMilliseconds + 1000);
    }

    [Fact]
    public async Task A_short_silence_resumes_on_its_own()
    {
        var day = await Day();
        var workstation = await day.Start(1);
        await WaitSilent(day, IntegrityFixture.HeartbeatTimeout + TimeSpan.FromSeconds(1));
        await Expect(200, await workstation.PutAsJsonAsync($"{day.SessionPath(1)}/answers/{day.PaperOf(1).Items[0].Item.Id}", new { sequence = 1, choice = 1 }));
        Assert.False((await Seat(day)).GetProperty("clock").GetProperty("contactLost").GetBoolean());
    }

    [Fact]
    public async Task A_frame_that_is_not_due_is_refused_before_any_face_work()
    {
        var day = await Day();
        var workstation = await day.Start(1);
        using var frame = new ByteArrayContent(Support.TestPhotos.Bytes("obama_1.jpg"));
        frame.Headers.ContentType = new("image/jpeg");
        await ExpectProblem(409, "face.not_due", await workstation.PostAsync(day.SessionPath(1) + "/face-frames", frame));
        Assert.DoesNotContain((await Seat(day)).GetProperty("events").EnumerateArray(), e => e.GetProperty("kind").GetString()!.StartsWith("face", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cycling_one_item_through_options_raises_an_answer_probe_incident()
    {
        var day = await Day();
        var workstation = await day.Start(1);
        var item = day.PaperOf(1).Items[0].Item.Id;
        for (var choice = 0; choice < 4; choice++)
            await Expect(200, await workstation.PutAsJsonAsync($"{day.SessionPath(1)}/answers/{item}", new { sequence = choice + 1, choice }));
        await Cluster.ExamDay.Eventually(async () => (await Incidents(day)).Count(i => i.GetProperty("kind").GetString() == "answer_probe") == 1,
            TimeSpan.FromSeconds(5), "one answer_probe incident");
    }

    [Fact]
    public async Task The_public_board_lags_by_the_configured_delay()
    {
        var day = await Day();
        var workstation = await day.Start(1);
        var item = day.PaperOf(1).Items.First(i => i.Item.Section == "TWK");
        var right = Array.FindIndex(item.OptionOrder, o => item.Item.Points[o] > 0);
        var board = $"/api/boards/rooms/{day.RoomKey}";
        async Task<int> Total() => (await Expect(200, await day.Anonymous.GetAsync(board))).GetProperty("rows")[0].GetProperty("total").GetInt32();
        Assert.Equal(0, await Total());

        var answeredAt = Stopwatch.StartNew();
        await Expect(200, await workstation.PutAsJsonAsync($"{day.SessionPath(1)}/answers/{item.Item.Id}", new { sequence = 1, choice = right }));
        await Task.Delay(IntegrityFixture.PublicDelay / 2);
        Assert.Equal(0, await Total());
        await Cluster.ExamDay.Eventually(async () => await Total() > 0, TimeSpan.FromSeconds(10), "the score appears after the delay");
        Assert.True(answeredAt.Elapsed >= IntegrityFixture.PublicDelay, $"shown after {answeredAt.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task In_the_browser_a_contact_lost_sitting_hides_its_items_until_the_proctor_resumes_it()
    {
        var day = await Day();
        var pin = await day.CheckIn(1);
        await day.Open();
        var context = await fixture.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{fixture.BaseAddress}?room={day.RoomKey}");
        await page.FillAsync("#participant", day.ParticipantNo(1));
        await page.FillAsync("#pin", pin);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("#exam-body")).ToBeVisibleAsync();

        await context.SetOfflineAsync(true);
        await Assertions.Expect(page.Locator("#blocked")).ToHaveAttributeAsync("data-blocked", "offline", new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#exam-body")).ToBeHiddenAsync();
        await WaitSilent(day, IntegrityFixture.AutoResumeWithin + TimeSpan.FromSeconds(1));
        await context.SetOfflineAsync(false);
        await Assertions.Expect(page.Locator("#blocked")).ToHaveAttributeAsync("data-blocked", "contact_lost", new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#exam-body")).ToBeHiddenAsync();

        var resumedAt = Stopwatch.StartNew();
        await Expect(200, await day.Proctor.PostAsJsonAsync($"{day.RoomPath}/candidates/{day.ParticipantNo(1)}/resume", ProctorNote));
        await Assertions.Expect(page.Locator("#exam-body")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        output.WriteLine($"contact-lost sitting back on screen {resumedAt.ElapsedMilliseconds} ms after the proctor resumed it");
        await page.ClickAsync("#item-options label:nth-child(1) input");
        await Assertions.Expect(page.Locator("#nav-1")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("answered"));
        await context.DisposeAsync();
    }

    /// <summary>Waits until the room view says the workstation has been silent for at least <paramref name="silence"/>.</summary>
    static async Task WaitSilent(HttpExamDay day, TimeSpan silence)
    {
        var seat = await Seat(day);
        var lastContact = seat.GetProperty("lastContact").GetDateTimeOffset();
        var wait = lastContact + silence - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        await Cluster.ExamDay.Eventually(async () => (await Seat(day)).GetProperty("clock").GetProperty("contactLost").GetBoolean(),
            TimeSpan.FromSeconds(10), "the silence stopped the clock");
    }
}

/// <summary>The press may frame the public boards (Casn:Boards:FrameAncestors); nothing else may be framed.</summary>
[Collection(IntegrityCollection.Name)]
public sealed class FramingTests(IntegrityFixture fixture)
{
    [Fact]
    public async Task Only_the_public_boards_may_be_framed_and_only_by_the_configured_press_origin()
    {
        var client = fixture.Silo.CreateClient();
        foreach (var page in new[] { "/board.html", "/summary.html" })
        {
            using var response = await client.GetAsync(page);
            Assert.Contains($"frame-ancestors {IntegrityFixture.PressOrigin}", string.Join(' ', response.Headers.GetValues("Content-Security-Policy")));
            Assert.False(response.Headers.Contains("X-Frame-Options"));
        }
        foreach (var page in new[] { "/index.html", "/operator.html", "/certificate.html" })
        {
            using var response = await client.GetAsync(page);
            Assert.Contains("frame-ancestors 'none'", string.Join(' ', response.Headers.GetValues("Content-Security-Policy")));
            Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        }
    }
}

/// <summary>TLS ends at the ingress: forwarded headers are believed from the trusted proxy only, and HTTPS answers carry HSTS.</summary>
[Collection(IntegrityCollection.Name)]
public sealed class EdgeTests(IntegrityFixture fixture)
{
    static HttpRequestMessage Forwarded(HttpMethod method, string path, string clientAddress, object? body = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("X-Forwarded-For", clientAddress);
        request.Headers.Add("X-Forwarded-Proto", "https");
        return request;
    }

    static object Login(string pin, int workstation) =>
        new { pin, workstationId = $"ws-{workstation}", workstationKey = $"edge-workstation-key-{workstation:D4}" };

    [Fact]
    public async Task Forwarded_addresses_and_scheme_are_believed_only_from_the_trusted_proxy()
    {
        using var proxy = fixture.From(IntegrityFixture.ProxyHost);
        using var stranger = fixture.From(60);
        using (var viaProxy = await proxy.SendAsync(Forwarded(HttpMethod.Get, "/index.html", "203.0.113.50")))
            Assert.Contains("max-age=", Assert.Single(viaProxy.Headers.GetValues("Strict-Transport-Security")));
        using (var claimed = await stranger.SendAsync(Forwarded(HttpMethod.Get, "/index.html", "203.0.113.50")))
            Assert.False(claimed.Headers.Contains("Strict-Transport-Security"));

        // A guesser who claims a new address with every wrong PIN is still one address, and is locked out.
        var day = await new HttpExamDay(fixture.Silo.CreateClient).Prepare(candidates: 2);
        var pin1 = await day.CheckIn(1);
        var pin2 = await day.CheckIn(2);
        await day.Open();
        for (var n = 1; n <= 5; n++)
            await ExpectProblem(401, "auth.pin_invalid", await stranger.SendAsync(Forwarded(HttpMethod.Post, day.SessionPath(1) + "/login", $"198.51.100.{n}", Login("000000", n))));
        await ExpectProblem(403, "auth.pin_locked", await stranger.SendAsync(Forwarded(HttpMethod.Post, day.SessionPath(1) + "/login", "198.51.100.99", Login(pin1, 9))));

        // Through the ingress, each candidate is their own address: five wrong PINs elsewhere do not lock this one out.
        for (var n = 1; n <= 5; n++)
            await ExpectProblem(401, "auth.pin_invalid", await proxy.SendAsync(Forwarded(HttpMethod.Post, day.SessionPath(2) + "/login", $"198.51.100.{n}", Login("000000", n))));
        await Expect(200, await proxy.SendAsync(Forwarded(HttpMethod.Post, day.SessionPath(2) + "/login", "198.51.100.99", Login(pin2, 9))));
    }
}

/// <summary>Proctor attribution: an id belongs to one proctor per Kanreg and day, and the issuing operator is on every record.</summary>
[Collection(IntegrityCollection.Name)]
public sealed class ProctorAttributionTests(IntegrityFixture fixture)
{
    [Fact]
    public async Task A_proctor_id_cannot_be_reissued_to_another_name_and_actions_name_the_issuing_operator()
    {
        var day = await new HttpExamDay(fixture.Silo.CreateClient).Prepare(candidates: 1);
        var issue = (string id, string name) => day.Operator.PostAsJsonAsync(day.RoomPath + "/proctors", new { proctorId = id, name, hours = 2 });

        var grant = await Expect(200, await issue("pr-ani", "Ani Lestari"));
        await ExpectProblem(409, "proctor.id_taken", await issue("pr-ani", "Budi Santoso"));
        // The same proctor again (a renewed token) is fine.
        await Expect(200, await issue("pr-ani", "Ani Lestari"));

        var proctor = fixture.Silo.CreateClient().As(grant.GetProperty("token").GetString()!);
        await Expect(200, await proctor.PostAsJsonAsync(day.RoomPath + "/checkins", new { participantNo = day.ParticipantNo(1), method = "manual", proctor = ProctorNote }));
        var room = await Expect(200, await day.Proctor.GetAsync(day.RoomPath));
        var checkIn = room.GetProperty("incidents").EnumerateArray().Single(i => i.GetProperty("kind").GetString() == "check_in");
        Assert.Equal("pr-ani (token by op-national)", checkIn.GetProperty("by").GetString());
        var sitting = await Expect(200, await day.Proctor.GetAsync($"{day.RoomPath}/candidates/{day.ParticipantNo(1)}"));
        var events = sitting.GetProperty("events").EnumerateArray();
        Assert.Contains(events, e => e.GetProperty("kind").GetString() == "checked_in" && e.GetProperty("by").GetString() == "pr-ani (token by op-national)");
    }
}

/// <summary>Where a candidate sits: with the Kanreg (and site) they registered with, once per exam, moved only by a national operator.</summary>
[Collection(IntegrityCollection.Name)]
public sealed class SeatingTests(IntegrityFixture fixture)
{
    [Fact]
    public async Task Another_kanregs_operator_cannot_seat_read_or_see_the_photo_of_a_candidate()
    {
        var day = await new HttpExamDay(fixture.Silo.CreateClient).Prepare(candidates: 1);
        await Expect(200, await day.Operator.PutAsync($"/api/candidates/{day.ParticipantNo(1)}/photo", TestPhotos.Jpeg("obama_2.jpg")));
        var intruder = fixture.Silo.CreateClient().As(TestStaff.Operator("KANREG-X"));
        var room = $"/api/rooms/KANREG-X/SITE-X/{day.RoomKey.Split('/')[2]}/1/R-{day.Site}";
        await Expect(200, await intruder.PutAsJsonAsync(room, new { examId = day.Exam.Id, name = "Ruang X", startsAt = day.StartsAt, seats = 5 }));

        await ExpectProblem(403, "candidate.other_kanreg", await intruder.PostAsJsonAsync(room + "/roster", new[] { new { participantNo = day.ParticipantNo(1), seat = "S1" } }));
        await ExpectProblem(403, "candidate.other_kanreg", await intruder.GetAsync($"/api/candidates/{day.ParticipantNo(1)}"));
        var grant = await Expect(200, await intruder.PostAsJsonAsync(room + "/proctors", new { proctorId = "x-proctor", name = "Orang X", hours = 1 }));
        var ownProctor = fixture.Silo.CreateClient().As(grant.GetProperty("token").GetString()!);
        await ExpectProblem(404, "room.not_on_roster", await ownProctor.GetAsync($"{room}/candidates/{day.ParticipantNo(1)}/faces/registration"));
        await ExpectProblem(403, "auth.forbidden", await intruder.PostAsJsonAsync($"/api/candidates/{day.ParticipantNo(1)}/move", new { kanreg = "KANREG-X", reason = "mine now" }));

        // The candidate's own Kanreg reads them, with where they sit and their seat.
        var own = await Expect(200, await fixture.Silo.CreateClient().As(TestStaff.Operator(Kanreg)).GetAsync($"/api/candidates/{day.ParticipantNo(1)}"));
        Assert.Equal((Kanreg, day.Site), (own.GetProperty("kanreg").GetString(), own.GetProperty("site").GetString()));
        Assert.Equal(day.RoomKey, own.GetProperty("seatByExam").GetProperty(day.Exam.Id).GetString());
    }

    [Fact]
    public async Task A_second_sitting_of_one_exam_is_refused_anywhere_until_a_national_operator_moves_the_candidate()
    {
        var day = await new HttpExamDay(fixture.Silo.CreateClient).Prepare(candidates: 2);
        var date = day.RoomKey.Split('/')[2];
        var secondRoom = $"/api/rooms/{Kanreg}/{day.Site}/{date}/3/R02";
        await Expect(200, await day.Operator.PutAsJsonAsync(secondRoom, new { examId = day.Exam.Id, name = "Ruang 2", startsAt = day.StartsAt, seats = 5 }));
        await ExpectProblem(409, "candidate.already_seated", await day.Operator.PostAsJsonAsync(secondRoom + "/roster", new[] { new { participantNo = day.ParticipantNo(1), seat = "S1" } }));

        var moved = await Expect(200, await day.Operator.PostAsJsonAsync($"/api/candidates/{day.ParticipantNo(1)}/move",
            new { kanreg = "KANREG-Y", site = "SITE-Y", reason = "lives in Y now (letter 12/2026)" }));
        Assert.Equal("KANREG-Y", moved.GetProperty("kanreg").GetString());
        var move = moved.GetProperty("moves")[0];
        Assert.Equal("op-national", move.GetProperty("by").GetString());
        Assert.Equal(day.RoomKey, move.GetProperty("releasedRooms")[0].GetString());
        var roomView = await Expect(200, await day.Proctor.GetAsync(day.RoomPath));
        Assert.Equal(1, roomView.GetProperty("attendance").GetProperty("rostered").GetInt32());
        Assert.Contains(roomView.GetProperty("incidents").EnumerateArray(), i => i.GetProperty("kind").GetString() == "moved_out");
        await ExpectProblem(404, "session.not_found", await day.Anonymous.PostAsJsonAsync(day.SessionPath(1) + "/login", new { pin = "000000", workstationId = "ws", workstationKey = "some-workstation-key-0001" }));

        var yRoom = $"/api/rooms/KANREG-Y/SITE-Y/{date}/1/R01";
        var yOperator = fixture.Silo.CreateClient().As(TestStaff.Operator("KANREG-Y"));
        await Expect(200, await yOperator.PutAsJsonAsync(yRoom + "-" + day.Site, new { examId = day.Exam.Id, name = "Ruang Y", startsAt = day.StartsAt, seats = 5 }));
        await Expect(200, await yOperator.PostAsJsonAsync(yRoom + "-" + day.Site + "/roster", new[] { new { participantNo = day.ParticipantNo(1), seat = "S1" } }));
        await ExpectProblem(403, "candidate.other_kanreg", await fixture.Silo.CreateClient().As(TestStaff.Operator(Kanreg)).GetAsync($"/api/candidates/{day.ParticipantNo(1)}"));
    }

    [Fact]
    public async Task Registrations_name_their_kanreg_and_rooms_their_true_date()
    {
        var day = new HttpExamDay(fixture.Silo.CreateClient);
        await Expect(200, await day.Operator.PutAsJsonAsync($"/api/exams/{day.Exam.Id}", day.Exam, Json));
        await ExpectProblem(400, "candidate.invalid", await day.Operator.PutAsJsonAsync($"/api/candidates/{day.ParticipantNo(1)}", new
        {
            participantNo = day.ParticipantNo(1), name = "Tanpa Kanreg", nationalId = NationalId(1), birthDate = "1999-02-03", category = "general", positionId = "POS-9",
        }));
        await ExpectProblem(400, "room.invalid", await day.Operator.PutAsJsonAsync($"/api/rooms/{Kanreg}/{day.Site}/9999-12-31/1/R01",
            new { examId = day.Exam.Id, name = "Forever", startsAt = "9999-12-31T09:00:00+07:00", seats = 5 }));
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await ExpectProblem(400, "room.invalid", await day.Operator.PutAsJsonAsync($"/api/rooms/{Kanreg}/{day.Site}/{today}/1/R02",
            new { examId = day.Exam.Id, name = "Wrong day", startsAt = DateTimeOffset.UtcNow.AddDays(2), seats = 5 }));
    }
}
