using System.Net.Http.Json;
using Casn.Domain.Exams;
using Casn.Service.Tests.Support;
using static Casn.Service.Tests.Http.HttpExamDay;

namespace Casn.Service.Tests.Http;

/// <summary>The web surface against a hostile visitor: what definitions may carry, bounds, and what a finished token still reads.</summary>
[Collection(SiloCollection.Name)]
public sealed class HardeningApiTests(SiloFactory factory)
{
    static ExamDefinition WithFirstSection(ExamDefinition exam, Func<SectionDefinition, SectionDefinition> change) =>
        exam with { Blueprint = exam.Blueprint with { Sections = [change(exam.Blueprint.Sections[0]), .. exam.Blueprint.Sections[1..]] } };

    [Fact]
    public async Task Codes_and_ids_in_an_exam_are_token_characters_and_durations_are_bounded()
    {
        var operatorClient = factory.CreateClient().As(TestStaff.NationalOperator());
        var exam = TestExams.Skd("X" + TestIds.Next());
        async Task<string> Refused(ExamDefinition definition)
        {
            using var response = await operatorClient.PutAsJsonAsync($"/api/exams/{definition.Blueprint.Id}", definition, Json);
            var body = await response.Content.ReadAsStringAsync();
            await ExpectProblem(400, "exam.invalid", response);
            return body;
        }

        Assert.Contains("sections[0].code", await Refused(WithFirstSection(exam, s => s with { Code = "<img src=x onerror=alert(1)>" })));
        Assert.Contains("items[].id", await Refused(exam with { Items = [exam.Items[0] with { Id = "TWK\"><script>" }, .. exam.Items[1..]] }));
        Assert.Contains("passingCategories[].code", await Refused(exam with
        {
            Blueprint = exam.Blueprint with { PassingCategories = [exam.Blueprint.PassingCategories[0] with { Code = "a b" }] },
        }));
        Assert.Contains("duration", await Refused(exam with { Blueprint = exam.Blueprint with { Duration = TimeSpan.FromDays(3650), AccessibleDuration = TimeSpan.FromDays(3650) } }));
        await Expect(200, await operatorClient.PutAsJsonAsync($"/api/exams/{exam.Id}", exam, Json));
    }

    [Fact]
    public async Task Sequence_numbers_are_bounded_and_a_finished_token_reads_only_the_result_and_receipt()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 1);
        var workstation = await day.Start(1);
        var item = day.PaperOf(1).Items[0].Item.Id;

        await ExpectProblem(400, "answer.sequence_invalid", await workstation.PutAsJsonAsync($"{day.SessionPath(1)}/answers/{item}", new { sequence = 2147483648L, choice = 0 }));
        await ExpectProblem(400, "answer.sequence_invalid", await workstation.PutAsJsonAsync($"{day.SessionPath(1)}/answers/{item}", new { sequence = long.MaxValue, choice = 0 }));
        await Expect(200, await workstation.PutAsJsonAsync($"{day.SessionPath(1)}/answers/{item}", new { sequence = 2147483647L, choice = 0 }));

        await Expect(200, await workstation.PostAsync(day.SessionPath(1) + "/submit", null));
        await ExpectProblem(409, "session.finished", await workstation.GetAsync(day.SessionPath(1) + "/paper"));
        await Expect(200, await workstation.GetAsync(day.SessionPath(1) + "/result"));
        await Expect(200, await workstation.GetAsync(day.SessionPath(1) + "/receipt"));
    }
}

/// <summary>Security headers on pages and private answers, on the real host.</summary>
[Collection(SiloCollection.Name)]
public sealed class SecurityHeaderTests(SiloFactory factory)
{
    [Fact]
    public async Task Pages_run_only_their_own_scripts_cannot_be_framed_and_private_answers_are_never_stored()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 1);
        var pin = await day.CheckIn(1);
        await day.Open();
        foreach (var page in new[] { "/", "/index.html", "/board.html", "/certificate.html", "/operator.html", "/summary.html" })
        {
            using var response = await day.Anonymous.GetAsync(page);
            Assert.Equal(200, (int)response.StatusCode);
            var policy = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'self'", policy);
            Assert.DoesNotContain("unsafe-inline", policy);
            Assert.Contains("frame-ancestors 'none'", policy);
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        }

        using var login = await day.Anonymous.PostAsJsonAsync(day.SessionPath(1) + "/login", new { pin, workstationId = "ws-1", workstationKey = WorkstationKey(1) });
        var workstation = await day.Login(1, pin);
        foreach (var (client, path) in new[] { (workstation, day.SessionPath(1) + "/paper"), (day.Proctor, day.RoomPath), (day.Operator, $"/api/candidates/{day.ParticipantNo(1)}") })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(200, (int)response.StatusCode);
            Assert.True(response.Headers.CacheControl?.NoStore, $"{path}: Cache-Control {response.Headers.CacheControl}");
        }
        Assert.True(login.Headers.CacheControl?.NoStore);
        using var board = await day.Anonymous.GetAsync($"/api/boards/rooms/{day.RoomKey}");
        Assert.False(board.Headers.CacheControl?.NoStore ?? false);
    }
}
