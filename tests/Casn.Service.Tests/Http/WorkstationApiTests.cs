using System.Net.Http.Json;
using Casn.Service.Tests.Support;
using static Casn.Service.Tests.Http.HttpExamDay;

namespace Casn.Service.Tests.Http;

[Collection(SiloCollection.Name)]
public sealed class WorkstationApiTests(SiloFactory factory)
{
    readonly HttpClient _anonymous = factory.CreateClient();

    [Fact]
    public async Task Health_and_the_openapi_document_are_served()
    {
        Assert.Equal("Healthy", await _anonymous.GetStringAsync("/health/live"));
        Assert.Equal("Healthy", await _anonymous.GetStringAsync("/health/ready"));
        var openApi = await Expect(200, await _anonymous.GetAsync("/openapi/v1.json"));
        var paths = openApi.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/sessions/{region}/{site}/{date}/{slot}/{room}/{participantNo}/answers/{itemId}", out _));
        Assert.True(paths.TryGetProperty("/api/rooms/{region}/{site}/{date}/{slot}/{room}/checkins", out _));
        var page = await _anonymous.GetStringAsync("/");
        Assert.Contains("workstation.js", page);
    }

    [Fact]
    public async Task A_candidate_is_driven_from_check_in_to_final_score_over_http()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare();
        var workstation = await day.Start(1);

        var paper = await Expect(200, await workstation.GetAsync(day.SessionPath(1) + "/paper"));
        Assert.Equal(110, paper.GetProperty("items").GetArrayLength());
        var raw = await (await workstation.GetAsync(day.SessionPath(1) + "/paper")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("points", raw, StringComparison.OrdinalIgnoreCase);

        // TWK and TIU all right, TKP all at weight 3 where the item offers it, else its best.
        var sequence = 0;
        var expected = 0;
        foreach (var item in day.PaperOf(1).Items)
        {
            var want = item.Item.Section == "TKP" && item.Item.Points.Contains(3) ? 3 : item.Item.Points.Max();
            expected += want;
            var choice = Array.FindIndex(item.OptionOrder, o => item.Item.Points[o] == want);
            var ack = await Expect(200, await workstation.PutAsJsonAsync($"{day.SessionPath(1)}/answers/{item.Item.Id}", new { sequence = ++sequence, choice }));
            Assert.True(ack.GetProperty("applied").GetBoolean());
        }
        var result = await Expect(200, await workstation.PostAsync(day.SessionPath(1) + "/submit", null));

        Assert.Equal(expected, result.GetProperty("scores").GetProperty("total").GetInt32());
        Assert.Equal("Submitted", result.GetProperty("reason").GetString());
        var again = await Expect(200, await workstation.GetAsync(day.SessionPath(1) + "/result"));
        Assert.Equal(expected, again.GetProperty("scores").GetProperty("total").GetInt32());
        var room = await Expect(200, await day.Proctor.GetAsync(day.RoomPath));
        Assert.Equal(1, room.GetProperty("attendance").GetProperty("finished").GetInt32());
        Assert.DoesNotContain(NationalId(1), room.ToString());
    }

    [Fact]
    public async Task Metrics_show_acknowledged_answers_and_orleans_itself()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 1);
        var workstation = await day.Start(1);
        await Expect(200, await workstation.PutAsJsonAsync($"{day.SessionPath(1)}/answers/{day.PaperOf(1).Items[0].Item.Id}", new { sequence = 1, choice = 0 }));

        // The room's board publishes the new score within its interval; the publish lag is measured then.
        var metrics = "";
        await Cluster.ExamDay.Eventually(async () => (metrics = await day.Operator.GetStringAsync("/metrics")).Contains("casn_boards_publish_lag_milliseconds_bucket", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), "the board publish lag is exported");
        Assert.Matches(@"(?m)^casn_answers_acknowledged_total\{[^}]*\} [1-9]", metrics);
        Assert.Contains("casn_answers_ack_duration_milliseconds_bucket", metrics);
        Assert.Contains("le=\"0.5\"", metrics);
        Assert.Matches("(?m)^orleans_", metrics);
    }

    [Fact]
    public async Task Answer_errors_have_stable_codes()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare();
        var workstation = await day.Start(1);
        var answers = day.SessionPath(1) + "/answers/";
        var mine = day.PaperOf(1).Items[0].Item.Id;
        var foreign = day.Exam.Items.First(i => day.PaperOf(1).Find(i.Id) is null).Id;

        await Expect(200, await workstation.PutAsJsonAsync(answers + mine, new { sequence = 1, choice = 2 }));
        var replay = await Expect(200, await workstation.PutAsJsonAsync(answers + mine, new { sequence = 1, choice = 2 }));
        Assert.True(replay.GetProperty("replayed").GetBoolean());
        await ExpectProblem(409, "answer.sequence_conflict", await workstation.PutAsJsonAsync(answers + mine, new { sequence = 1, choice = 3 }));
        await ExpectProblem(422, "item.unknown", await workstation.PutAsJsonAsync(answers + foreign, new { sequence = 2, choice = 0 }));
        await ExpectProblem(422, "option.out_of_range", await workstation.PutAsJsonAsync(answers + mine, new { sequence = 3, choice = 9 }));
        await ExpectProblem(400, "answer.sequence_invalid", await workstation.PutAsJsonAsync(answers + mine, new { sequence = 0, choice = 1 }));
        await ExpectProblem(400, "request.invalid", await workstation.PutAsync(answers + mine,
            new StringContent("{\"sequence\": \"many\"", System.Text.Encoding.UTF8, "application/json")));
        await ExpectProblem(401, "auth.token_missing", await day.Anonymous.PutAsJsonAsync(answers + mine, new { sequence = 4, choice = 1 }));

        var stranger = factory.CreateClient().As("not-a-real-token");
        stranger.DefaultRequestHeaders.Add("X-Workstation-Key", WorkstationKey(1));
        await ExpectProblem(401, "auth.token_invalid", await stranger.PutAsJsonAsync(answers + mine, new { sequence = 4, choice = 1 }));
        // The real token, copied to another machine: without the workstation's key it is refused.
        var copied = factory.CreateClient().As(workstation.DefaultRequestHeaders.Authorization!.Parameter!);
        await ExpectProblem(401, "auth.workstation_key_invalid", await copied.PutAsJsonAsync(answers + mine, new { sequence = 4, choice = 1 }));
        copied.DefaultRequestHeaders.Add("X-Workstation-Key", WorkstationKey(7));
        await ExpectProblem(401, "auth.token_invalid", await copied.PutAsJsonAsync(answers + mine, new { sequence = 4, choice = 1 }));
        // Another candidate's token does not open this candidate's session.
        var other = await day.Start(2);
        await ExpectProblem(401, "auth.token_invalid", await other.PutAsJsonAsync(answers + mine, new { sequence = 4, choice = 1 }));

        await ExpectProblem(400, "request.invalid_key", await workstation.GetAsync("/api/sessions/KANREG-H/SITE/2026-02-30/2/R01/X/paper"));
        await ExpectProblem(400, "request.invalid_key", await workstation.GetAsync("/api/sessions/KANREG-H/SITE/2026-02-03/9/R01/X/paper"));
        await ExpectProblem(404, "request.route_not_found", await workstation.GetAsync("/api/nothing-here"));

        var paper = await Expect(200, await workstation.GetAsync(day.SessionPath(1) + "/paper"));
        Assert.Equal(1, paper.GetProperty("answers").GetArrayLength());
        Assert.Equal(2, paper.GetProperty("answers")[0].GetProperty("choice").GetInt32());
    }

    [Fact]
    public async Task A_suspended_session_refuses_answers_until_resumed()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 1);
        var workstation = await day.Start(1);
        var answer = $"{day.SessionPath(1)}/answers/{day.PaperOf(1).Items[0].Item.Id}";

        await Expect(200, await day.Proctor.PostAsJsonAsync($"{day.RoomPath}/candidates/{day.ParticipantNo(1)}/suspend", ProctorNote));
        await ExpectProblem(409, "session.suspended", await workstation.PutAsJsonAsync(answer, new { sequence = 1, choice = 0 }));
        await ExpectProblem(409, "session.state_conflict", await day.Proctor.PostAsJsonAsync($"{day.RoomPath}/candidates/{day.ParticipantNo(1)}/suspend", ProctorNote));
        await Expect(200, await day.Proctor.PostAsJsonAsync($"{day.RoomPath}/candidates/{day.ParticipantNo(1)}/resume", ProctorNote));
        await Expect(200, await workstation.PutAsJsonAsync(answer, new { sequence = 1, choice = 0 }));
    }

    [Fact]
    public async Task A_timed_out_session_refuses_answers_and_shows_its_result()
    {
        var day = await new HttpExamDay(factory.CreateClient, duration: TimeSpan.FromSeconds(3)).Prepare(candidates: 1);
        var workstation = await day.Start(1);

        await Task.Delay(TimeSpan.FromSeconds(3.5));
        await ExpectProblem(409, "answer.too_late", await workstation.PutAsJsonAsync($"{day.SessionPath(1)}/answers/{day.PaperOf(1).Items[0].Item.Id}", new { sequence = 1, choice = 0 }));
        var result = await Expect(200, await workstation.GetAsync(day.SessionPath(1) + "/result"));
        Assert.Equal("TimedOut", result.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Login_and_check_in_errors_have_stable_codes()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 3);
        var pin = await day.CheckIn(1);

        var key = WorkstationKey(1);
        await ExpectProblem(409, "room.not_open", await day.Anonymous.PostAsJsonAsync(day.SessionPath(1) + "/login", new { pin, workstationId = "ws-1", workstationKey = key }));
        await ExpectProblem(401, "auth.pin_invalid", await day.Anonymous.PostAsJsonAsync(day.SessionPath(1) + "/login", new { pin = "000000x", workstationId = "ws-1", workstationKey = key }));
        await ExpectProblem(401, "auth.workstation_key_invalid", await day.Anonymous.PostAsJsonAsync(day.SessionPath(1) + "/login", new { pin, workstationId = "ws-1", workstationKey = "short" }));
        await ExpectProblem(409, "session.not_started", await day.Anonymous.PostAsJsonAsync(day.SessionPath(2) + "/login", new { pin, workstationId = "ws-2", workstationKey = key }));
        await ExpectProblem(404, "session.not_found", await day.Anonymous.PostAsJsonAsync((day.RoomPath + "/NOT-ON-ROSTER/login").Replace("/api/rooms", "/api/sessions"), new { pin, workstationId = "ws-9", workstationKey = key }));
        await ExpectProblem(404, "room.not_on_roster", await day.Proctor.PostAsJsonAsync(day.RoomPath + "/checkins", new { participantNo = "NOBODY", method = "manual", proctor = ProctorNote }));
        await ExpectProblem(400, "proctor.reason_required", await day.Proctor.PostAsJsonAsync(day.RoomPath + "/checkins", new { participantNo = day.ParticipantNo(3), method = "manual", proctor = new { reason = "" } }));
        await ExpectProblem(404, "exam.not_found", await day.Operator.GetAsync("/api/exams/NO-SUCH-EXAM"));
        await ExpectProblem(404, "candidate.not_found", await day.Operator.PostAsJsonAsync(day.RoomPath + "/roster", new[] { new { participantNo = "UNREGISTERED-1", seat = "S9" } }));
        await ExpectProblem(400, "candidate.invalid", await day.Operator.PutAsJsonAsync("/api/candidates/BAD-NIK", new
        {
            participantNo = "BAD-NIK", name = "X", nationalId = "12", birthDate = "1999-01-01", category = "general", positionId = "P", accessible = false,
        }));

        var soon = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 1, startsAt: DateTimeOffset.UtcNow.AddMinutes(3));
        await ExpectProblem(409, "checkin.closed", await soon.Proctor.PostAsJsonAsync(soon.RoomPath + "/checkins", new { participantNo = soon.ParticipantNo(1), method = "manual", proctor = ProctorNote }));
    }

    [Fact]
    public async Task An_exam_is_defined_once_and_a_different_bank_under_the_same_id_is_refused()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 1);
        await Expect(200, await day.Operator.PutAsJsonAsync($"/api/exams/{day.Exam.Id}", day.Exam, Json));
        var changed = day.Exam with { BankVersion = "other" };
        await ExpectProblem(409, "exam.already_defined", await day.Operator.PutAsJsonAsync($"/api/exams/{day.Exam.Id}", changed, Json));
        var broken = day.Exam with { Blueprint = day.Exam.Blueprint with { Id = "BROKEN-1", TieBreak = ["NOPE"] } };
        await ExpectProblem(400, "exam.invalid", await day.Operator.PutAsJsonAsync("/api/exams/BROKEN-1", broken, Json));
        var summary = await Expect(200, await day.Operator.GetAsync($"/api/exams/{day.Exam.Id}"));
        Assert.Equal(550, summary.GetProperty("maxScore").GetInt32());
        Assert.DoesNotContain("points", summary.ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
