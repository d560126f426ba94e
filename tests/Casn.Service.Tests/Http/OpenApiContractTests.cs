using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using Casn.Domain;
using Casn.Silo.Http;
using Casn.Service.Tests.Support;
using static Casn.Service.Tests.Http.HttpExamDay;

namespace Casn.Service.Tests.Http;

/// <summary>#17: the OpenAPI document is the contract: every response described, errors coded, who may call what declared.</summary>
[Collection(SiloCollection.Name)]
public sealed class OpenApiContractTests(SiloFactory factory)
{
    readonly HttpClient _anonymous = factory.CreateClient();

    async Task<JsonElement> Document() => await Expect(200, await _anonymous.GetAsync("/openapi/v1.json"));

    static IEnumerable<(string Path, string Method, JsonElement Operation)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject().Select(op => (path.Name, op.Name, op.Value)));

    [Fact]
    public async Task Every_operation_describes_its_success_body_and_its_problems_and_who_may_call_it()
    {
        var document = await Document();
        var operations = Operations(document).ToList();
        Assert.True(operations.Count >= 50, $"{operations.Count} operations");
        foreach (var (path, method, operation) in operations)
        {
            var where = $"{method.ToUpperInvariant()} {path}";
            var responses = operation.GetProperty("responses").EnumerateObject().ToDictionary(r => r.Name, r => r.Value);
            Assert.True(responses.Any(r => r.Key == "204" || r.Key.StartsWith('2') && r.Value.TryGetProperty("content", out _)), $"{where}: no success body");
            foreach (var status in new[] { "400", "500", "503" })
            {
                Assert.True(responses.TryGetValue(status, out var problem), $"{where}: no {status}");
                Assert.Equal("#/components/schemas/Problem", problem.GetProperty("content").GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString());
            }
            // Public reads and the login need nothing; a workstation's calls need the session token and its key; staff calls a staff token.
            var schemes = operation.TryGetProperty("security", out var security)
                ? security.EnumerateArray().SelectMany(r => r.EnumerateObject().Select(s => s.Name)).Order().ToArray()
                : [];
            string[] expected = path.StartsWith("/api/boards", StringComparison.Ordinal) || path.StartsWith("/api/certificates", StringComparison.Ordinal)
                || path.Contains("/announcements/latest", StringComparison.Ordinal) || path == "/api/archive/public-key" || path.EndsWith("/login", StringComparison.Ordinal)
                ? []
                : path.StartsWith("/api/sessions/", StringComparison.Ordinal) && !path.EndsWith("/receipt", StringComparison.Ordinal) ? ["session", "workstationKey"]
                : path.EndsWith("/receipt", StringComparison.Ordinal) ? ["session", "workstationKey"]
                : ["staff"];
            Assert.True(expected.SequenceEqual(schemes), $"{where}: security [{string.Join(", ", schemes)}], expected [{string.Join(", ", expected)}]");
            if (schemes.Length > 0) Assert.True(responses.ContainsKey("401") && responses.ContainsKey("403"), $"{where}: no 401/403");
        }
        var schemesDeclared = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("bearer", schemesDeclared.GetProperty("staff").GetProperty("scheme").GetString());
        Assert.Equal("X-Workstation-Key", schemesDeclared.GetProperty("workstationKey").GetProperty("name").GetString());

        var answer = operations.Single(o => o.Method == "put" && o.Path.EndsWith("/answers/{itemId}", StringComparison.Ordinal)).Operation;
        Assert.Equal("#/components/schemas/AnswerAck", answer.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
    }

    [Fact]
    public async Task Every_error_code_is_in_the_document_with_its_status_and_when_it_occurs()
    {
        // Every code the domain, the face pipeline and the HTTP layer can give.
        var constants = new[] { typeof(ErrorCodes), typeof(Casn.Faces.FaceCodes), typeof(Problems) }
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static)).Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetValue(null)!).ToList();
        var catalog = ErrorCatalog.All.Select(e => e.Code).ToList();
        Assert.Empty(constants.Except(catalog));
        Assert.Equal(catalog.Count, catalog.Distinct().Count());
        Assert.All(ErrorCatalog.All, e => Assert.False(string.IsNullOrWhiteSpace(e.Description), e.Code));

        var schema = (await Document()).GetProperty("components").GetProperty("schemas").GetProperty("ErrorCode");
        Assert.Equal(catalog, schema.GetProperty("enum").EnumerateArray().Select(v => v.GetString()!));
        Assert.Contains("- `room.full` (409):", schema.GetProperty("description").GetString());
        // The status a client gets is the one documented.
        await ExpectProblem(ErrorCatalog.StatusOf(ErrorCodes.CertificateNotFound), ErrorCodes.CertificateNotFound,
            await _anonymous.GetAsync("/api/certificates/AAAA-BBBB-CCCC-DDDD"));
    }

    [Fact]
    public async Task The_rough_edges_are_in_the_schema_choice_counts_from_0_applied_is_explained_and_the_check_in_method_is_an_enum()
    {
        var schemas = (await Document()).GetProperty("components").GetProperty("schemas");
        Assert.Contains("counting from 0", schemas.GetProperty("AnswerRequest").GetProperty("properties").GetProperty("choice").GetProperty("description").GetString());
        Assert.Contains("newer answer", schemas.GetProperty("AnswerAck").GetProperty("properties").GetProperty("applied").GetProperty("description").GetString());
        var method = schemas.GetProperty("CheckInMethod");
        Assert.Equal(["manual", "face"], method.GetProperty("enum").EnumerateArray().Select(v => v.GetString()!));
        // No request body names who acts: that is the token's subject.
        Assert.False(schemas.GetProperty("ActionNote").GetProperty("properties").TryGetProperty("by", out _));
        Assert.True(schemas.GetProperty("AnswerRequest").TryGetProperty("examples", out _));
    }

    [Fact]
    public async Task An_exam_body_with_another_top_level_id_is_refused_and_a_wrong_check_in_method_is_a_bad_request()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 1);
        var body = JsonSerializer.SerializeToNode(day.Exam, Casn.Domain.Exams.CasnJson.Options)!.AsObject();
        body["id"] = "SOMETHING-ELSE";
        var refused = await ExpectProblem(400, ErrorCodes.ExamInvalid, await day.Operator.PutAsJsonAsync($"/api/exams/{day.Exam.Id}", body));
        Assert.Contains("SOMETHING-ELSE", refused.GetProperty("detail").GetString());
        body.Remove("id");
        await Expect(200, await day.Operator.PutAsJsonAsync($"/api/exams/{day.Exam.Id}", body));

        await ExpectProblem(400, ErrorCodes.RequestInvalid, await day.Proctor.PostAsJsonAsync(day.RoomPath + "/checkins",
            new { participantNo = day.ParticipantNo(1), method = "retina", proctor = ProctorNote }));
        // A body that still names who acts is read, and the name is ignored: the token says who acted.
        await Expect(200, await day.Proctor.PostAsJsonAsync(day.RoomPath + "/checkins",
            new { participantNo = day.ParticipantNo(1), method = "manual", proctor = new { by = "someone-else", reason = "KTP seen" } }));
        var view = await Expect(200, await day.Proctor.GetAsync(day.RoomPath));
        Assert.DoesNotContain("someone-else", view.ToString());

        // A category the position's exam does not know is refused at registration, not later at the roster.
        await ExpectProblem(400, ErrorCodes.CategoryUnknown, await day.Operator.PutAsJsonAsync($"/api/candidates/{day.ParticipantNo(5)}", new
        {
            participantNo = day.ParticipantNo(5), name = "Peserta 5", nationalId = NationalId(5), birthDate = "1999-02-03", category = "astronaut",
            positionId = day.PositionId, accessible = false, kanreg = Kanreg, site = day.Site,
        }));
    }

    [Fact]
    public async Task The_api_reference_page_is_served_and_a_setting_turns_it_off()
    {
        var page = await _anonymous.GetAsync("/api-docs/");
        Assert.Equal(200, (int)page.StatusCode);
        Assert.Contains("openapi/v1.json", await page.Content.ReadAsStringAsync());

        await using var off = new SiloFactory().WithWebHostBuilder(b => b.UseSetting("Casn:Api:Docs", "false"));
        await ExpectProblem(404, ErrorCatalog.RouteNotFound, await off.CreateClient().GetAsync("/api-docs/"));
    }
}
