using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Casn.Access;
using Casn.Service.Tests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using static Casn.Service.Tests.Http.HttpExamDay;

namespace Casn.Service.Tests.Http;

/// <summary>
/// Every endpoint the host maps, called as every role: the expected allow/deny is written here by
/// hand, not read from the code under test, and an endpoint missing from this table fails the test.
/// "Denied" means 401/403 with an auth code; "allowed" means the request got past access control
/// (it may still be refused for what it carries), and never a 5xx.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class RoleMatrixTests(SiloFactory factory)
{
    enum Role { Public, Candidate, OtherCandidate, Proctor, OtherRoomProctor, KanregOperator, OtherKanregOperator, NationalOperator }

    static readonly Role[] Everyone = Enum.GetValues<Role>();
    static readonly Role[] Operators = [Role.KanregOperator, Role.OtherKanregOperator, Role.NationalOperator];
    static readonly Role[] ThisKanreg = [Role.KanregOperator, Role.NationalOperator];
    static readonly Role[] National = [Role.NationalOperator];
    static readonly Role[] RoomProctor = [Role.Proctor];
    static readonly Role[] Candidate = [Role.Candidate];

    const string Room = "/api/rooms/{region}/{site}/{date}/{slot}/{room}";
    const string Session = "/api/sessions/{region}/{site}/{date}/{slot}/{room}/{participantNo}";

    static readonly Dictionary<string, Role[]> Allowed = new(StringComparer.Ordinal)
    {
        ["GET /health/live"] = Everyone,
        ["GET /health/ready"] = Everyone,
        ["GET /openapi/{documentName}.json"] = Everyone,
        ["GET /api-docs/{documentName?}"] = Everyone,
        ["GET /api-docs/scalar.js"] = Everyone,
        ["GET /api-docs/scalar.aspnetcore.js"] = Everyone,
        ["GET /api-docs/favicon.svg"] = Everyone,
        ["GET /metrics"] = Operators,
        ["PUT /api/exams/{examId}"] = National,
        ["GET /api/exams/{examId}"] = Operators,
        ["PUT /api/exams/{examId}/positions/{positionId}"] = National,
        ["GET /api/exams/{examId}/positions/{positionId}/standing"] = National,
        ["POST /api/exams/{examId}/positions/{positionId}/skb"] = National,
        ["GET /api/exams/{examId}/positions/{positionId}/final"] = National,
        ["POST /api/exams/{examId}/positions/{positionId}/announcements"] = National,
        ["GET /api/exams/{examId}/positions/{positionId}/announcements/latest"] = Everyone,
        ["GET /api/exams/{examId}/positions/{positionId}/announcements/latest/csv"] = Everyone,
        ["PUT /api/candidates/{participantNo}"] = National,
        // Another Kanreg's operator is refused by the candidate's own record (403 candidate.other_kanreg).
        ["GET /api/candidates/{participantNo}"] = ThisKanreg,
        ["POST /api/candidates/{participantNo}/move"] = National,
        ["PUT /api/candidates/{participantNo}/photo"] = National,
        ["POST /api/imports/candidates"] = National,
        ["POST /api/imports/photos"] = National,
        // Any operator gets past access control; each line's room must be their Kanreg's (auth.forbidden per line otherwise).
        ["POST /api/imports/rosters"] = Operators,
        [$"PUT {Room}"] = ThisKanreg,
        [$"GET {Room}"] = [Role.Proctor, Role.KanregOperator, Role.NationalOperator],
        [$"GET {Room}/events"] = [Role.Proctor, Role.KanregOperator, Role.NationalOperator],
        [$"GET {Room}/candidates/{{participantNo}}"] = [Role.Proctor, Role.KanregOperator, Role.NationalOperator],
        [$"POST {Room}/roster"] = ThisKanreg,
        [$"POST {Room}/proctors"] = ThisKanreg,
        [$"POST {Room}/checkins"] = RoomProctor,
        [$"POST {Room}/checkins/{{participantNo}}/face"] = RoomProctor,
        [$"POST {Room}/checkins/{{participantNo}}/refuse"] = RoomProctor,
        [$"GET {Room}/candidates/{{participantNo}}/faces/{{image}}"] = RoomProctor,
        [$"POST {Room}/open"] = RoomProctor,
        [$"POST {Room}/close"] = RoomProctor,
        [$"POST {Room}/candidates/{{participantNo}}/suspend"] = RoomProctor,
        [$"POST {Room}/candidates/{{participantNo}}/resume"] = RoomProctor,
        [$"POST {Room}/candidates/{{participantNo}}/extend"] = RoomProctor,
        [$"POST {Room}/candidates/{{participantNo}}/disqualify"] = RoomProctor,
        [$"POST {Room}/candidates/{{participantNo}}/approve-login"] = RoomProctor,
        [$"POST {Room}/candidates/{{participantNo}}/stand-in"] = RoomProctor,
        ["GET /api/stand-in-cases"] = National,
        [$"POST /api/stand-in-cases/{{region}}/{{site}}/{{date}}/{{slot}}/{{room}}/{{participantNo}}/confirm"] = National,
        [$"POST /api/stand-in-cases/{{region}}/{{site}}/{{date}}/{{slot}}/{{room}}/{{participantNo}}/dismiss"] = National,
        // The PIN is the credential for logging in; the HTTP layer lets anybody try (and the grain counts failures).
        [$"POST {Session}/login"] = Everyone,
        [$"GET {Session}/paper"] = Candidate,
        [$"PUT {Session}/answers/{{itemId}}"] = Candidate,
        [$"POST {Session}/heartbeat"] = Candidate,
        [$"POST {Session}/submit"] = Candidate,
        [$"GET {Session}/result"] = Candidate,
        [$"POST {Session}/face-frames"] = Candidate,
        ["GET /api/boards/rooms/{region}/{site}/{date}/{slot}/{room}"] = Everyone,
        ["GET /api/boards/rooms/{region}/{site}/{date}/{slot}/{room}/events"] = Everyone,
        [$"GET {Session}/receipt"] = Candidate,
        ["GET /api/boards/kanreg/{region}"] = Everyone,
        ["GET /api/boards/kanreg/{region}/events"] = Everyone,
        ["GET /api/boards/sites/{region}/{site}"] = Everyone,
        ["GET /api/boards/sites/{region}/{site}/events"] = Everyone,
        ["GET /api/boards/national"] = Everyone,
        ["GET /api/boards/national/events"] = Everyone,
        ["GET /api/archive/public-key"] = Everyone,
        ["GET /api/operations/{region}"] = ThisKanreg,
        ["POST /api/operations/dashboard-session"] = National,
        ["GET /api/certificates/{code}"] = Everyone,
        ["GET /api/certificates/{code}/qr.svg"] = Everyone,
    };

    static readonly HashSet<string> DenialCodes =
        ["auth.required", "auth.forbidden", "auth.token_expired", "auth.token_missing", "auth.token_invalid", "auth.workstation_key_invalid", "candidate.other_kanreg"];

    /// <summary>The Orleans dashboard maps its own pages and API under /dashboard: every one of them is for national operators (it shows the whole cluster).</summary>
    const string Dashboard = "/dashboard";

    static Role[]? AllowedFor(string name) =>
        Allowed.TryGetValue(name, out var roles) ? roles
        : name[(name.IndexOf(' ', StringComparison.Ordinal) + 1)..].StartsWith(Dashboard, StringComparison.Ordinal) ? National
        : null;

    [Fact]
    public void Every_mapped_endpoint_is_in_the_matrix_and_names_an_access_policy()
    {
        var mapped = MappedEndpoints().Where(e => !e.Name.Contains(" " + Dashboard, StringComparison.Ordinal)).ToList();
        var dashboard = MappedEndpoints().Where(e => e.Name.Contains(" " + Dashboard, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(dashboard);
        Assert.All(dashboard, e => Assert.Equal(Casn.Silo.Http.Access.NationalOperator, e.Policy));
        Assert.Empty(mapped.Select(e => e.Name).Except(Allowed.Keys));
        Assert.Empty(Allowed.Keys.Except(mapped.Select(e => e.Name)));
        Assert.Empty(mapped.Where(e => e.Policy is null).Select(e => e.Name));
    }

    [Fact]
    public async Task Every_endpoint_allows_exactly_its_roles()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 2);
        var candidate = await day.Start(1);
        var otherCandidate = await day.Start(2);
        var roomKey = day.RoomKey;
        var otherRoom = roomKey[..roomKey.LastIndexOf('/')] + "/R99";
        var clients = new Dictionary<Role, HttpClient>
        {
            [Role.Public] = factory.CreateClient(),
            [Role.Candidate] = candidate,
            [Role.OtherCandidate] = otherCandidate,
            [Role.Proctor] = day.Proctor,
            [Role.OtherRoomProctor] = factory.CreateClient().As(TestStaff.Proctor(otherRoom)),
            [Role.KanregOperator] = factory.CreateClient().As(TestStaff.Operator("KANREG-H")),
            [Role.OtherKanregOperator] = factory.CreateClient().As(TestStaff.Operator("KANREG-I")),
            [Role.NationalOperator] = day.Operator,
        };
        var item = day.PaperOf(1).Items[0].Item.Id;
        var parts = roomKey.Split('/');
        string Fill(string pattern) => pattern
            .Replace("{region}", parts[0], StringComparison.Ordinal).Replace("{site}", parts[1], StringComparison.Ordinal)
            .Replace("{date}", parts[2], StringComparison.Ordinal).Replace("{slot}", parts[3], StringComparison.Ordinal)
            .Replace("{room}", parts[4], StringComparison.Ordinal).Replace("{participantNo}", day.ParticipantNo(1), StringComparison.Ordinal)
            .Replace("{itemId}", item, StringComparison.Ordinal).Replace("{examId}", day.Exam.Id, StringComparison.Ordinal)
            .Replace("{documentName}", "v1", StringComparison.Ordinal).Replace("{code}", "AAAA-BBBB-CCCC-DDDD", StringComparison.Ordinal)
            .Replace("{image}", "registration", StringComparison.Ordinal).Replace("{positionId}", "POS-1", StringComparison.Ordinal);

        // Without a cookie jar: a cookie one role is given (the dashboard session) must not travel with the next role's requests.
        var direct = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var wrong = new List<string>();
        // The dashboard's own endpoints without parameters are called too (as each role); the rest share their policy (checked above).
        var endpoints = Allowed.Keys.Concat(MappedEndpoints().Select(e => e.Name)
                .Where(n => n.Contains(" " + Dashboard, StringComparison.Ordinal) && !n.Contains('{', StringComparison.Ordinal)))
            .Distinct().Select(name => (Name: name, Allowed: AllowedFor(name)!));
        // Closing the room and submitting change what later calls see, so they go last.
        foreach (var (name, allowed) in endpoints.OrderBy(e => e.Name.EndsWith("/close", StringComparison.Ordinal) || e.Name.EndsWith("/submit", StringComparison.Ordinal)))
        {
            var method = name[..name.IndexOf(' ', StringComparison.Ordinal)];
            var path = Fill(name[(method.Length + 1)..]);
            foreach (var role in Everyone)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = BodyFor(name, method) };
                // The role's credentials, sent by a client that does not follow redirects (a redirect drops them).
                foreach (var header in clients[role].DefaultRequestHeaders) request.Headers.TryAddWithoutValidation(header.Key, header.Value);
                using var response = await direct.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                var status = (int)response.StatusCode;
                var code = status is 401 or 403 ? await CodeOf(response) : null;
                var denied = code is not null && DenialCodes.Contains(code);
                if (status >= 500) wrong.Add($"{name} as {role}: {status}");
                else if (denied == allowed.Contains(role)) wrong.Add($"{name} as {role}: {(denied ? $"denied ({status} {code})" : $"allowed ({status})")}");
            }
        }
        Assert.True(wrong.Count == 0, "Role matrix:\n" + string.Join('\n', wrong));
    }

    [Fact]
    public async Task Expired_forged_and_malformed_staff_tokens_are_refused_with_codes()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 1);
        var clock = new FixedClock(DateTimeOffset.UtcNow.AddHours(-3));
        var expired = new StaffTokens(Convert.FromBase64String(TestStaff.SigningKey), clock)
            .Issue(StaffGrant.Proctor("p-old", "Old", [day.RoomKey], TimeSpan.FromHours(1))).Token;
        var forged = new StaffTokens(new byte[32])
            .Issue(StaffGrant.Operator("intruder", "X", StaffClaims.National, TimeSpan.FromHours(1))).Token;
        var unsigned = string.Join('.', TestStaff.NationalOperator().Split('.')[..2]) + ".";

        await ExpectProblem(401, "auth.token_expired", await factory.CreateClient().As(expired).GetAsync(day.RoomPath));
        await ExpectProblem(401, "auth.required", await factory.CreateClient().As(forged).GetAsync(day.RoomPath));
        await ExpectProblem(401, "auth.required", await factory.CreateClient().As(unsigned).GetAsync(day.RoomPath));
        await ExpectProblem(401, "auth.required", await factory.CreateClient().As("a.b.c").GetAsync(day.RoomPath));
        await ExpectProblem(403, "auth.forbidden", await factory.CreateClient().As(TestStaff.Operator("KANREG-I")).GetAsync(day.RoomPath));

        // The proctor acting is the token's subject, whatever the body claims.
        var proctor = factory.CreateClient().As(TestStaff.Proctor(day.RoomKey, id: "proctor-77"));
        await Expect(200, await proctor.PostAsync(day.RoomPath + "/checkins",
            new StringContent($$$"""{"participantNo":"{{{day.ParticipantNo(1)}}}","method":"manual","proctor":{"by":"somebody-else","reason":"ID seen"}}""", Encoding.UTF8, "application/json")));
        var view = await Expect(200, await proctor.GetAsync(day.RoomPath));
        Assert.Contains("proctor-77", view.ToString());
        Assert.DoesNotContain("somebody-else", view.ToString());
    }

    [Fact]
    public async Task An_operator_issues_a_proctor_token_that_opens_that_room_only()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 1);
        var regional = factory.CreateClient().As(TestStaff.Operator("KANREG-H"));
        var grant = await Expect(200, await regional.PostAsync(day.RoomPath + "/proctors",
            new StringContent("""{"proctorId":"nip-1987","name":"Ibu Sari","hours":8}""", Encoding.UTF8, "application/json")));
        var proctor = factory.CreateClient().As(grant.GetProperty("token").GetString()!);

        await Expect(200, await proctor.GetAsync(day.RoomPath));
        var other = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 1);
        await ExpectProblem(403, "auth.forbidden", await proctor.GetAsync(other.RoomPath));
        await ExpectProblem(400, "request.invalid", await regional.PostAsync(day.RoomPath + "/proctors",
            new StringContent("""{"proctorId":"nip-1987","name":"Ibu Sari","hours":100}""", Encoding.UTF8, "application/json")));
    }

    sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    IEnumerable<(string Name, string? Policy)> MappedEndpoints()
    {
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();
        foreach (var endpoint in endpoints)
        {
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            var pattern = "/" + endpoint.RoutePattern.RawText!.Trim('/');
            foreach (var method in methods)
                yield return ($"{method} {pattern}", endpoint.Metadata.GetMetadata<Casn.Silo.Http.AccessPolicy>()?.Name);
        }
    }

    /// <summary>A body that gets past access control and is then refused or harmless, never a real change of note.</summary>
    static HttpContent? BodyFor(string name, string method)
    {
        if (method == "GET") return null;
        if (name.EndsWith("/photo", StringComparison.Ordinal) || name.EndsWith("/face", StringComparison.Ordinal) || name.EndsWith("/face-frames", StringComparison.Ordinal))
            return new ByteArrayContent("not a jpeg"u8.ToArray()) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } };
        var json = name.EndsWith("/roster", StringComparison.Ordinal) ? "[]"
            : name.Contains("/answers/", StringComparison.Ordinal) ? """{"sequence":1,"choice":0}"""
            : name.EndsWith("/login", StringComparison.Ordinal) ? """{"pin":"000000","workstationId":"ws-x","workstationKey":"matrix-workstation-key"}"""
            : "{}";
        return new StringContent(json, Encoding.UTF8, "application/json");
    }

    static async Task<string?> CodeOf(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        try
        {
            return JsonDocument.Parse(body).RootElement.GetProperty("code").GetString();
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return $"(no code: {body})";
        }
    }
}
