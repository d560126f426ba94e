using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Casn.Domain.Exams;
using Casn.Domain.Papers;

using Casn.Service.Tests.Support;

namespace Casn.Service.Tests.Http;

/// <summary>Sets up and drives a test day over the public HTTP API only, as the operator tool and workstation do.</summary>
public sealed class HttpExamDay(HttpClient http, TimeSpan? duration = null)
{
    readonly string _id = TestIds.Next();

    public static readonly JsonSerializerOptions Json = CasnJson.Options;

    public ExamDefinition Exam { get; } = TestExams.Skd("H", duration);

    public string RoomPath => $"/api/rooms/KANREG-H/SITE-{_id}/2026-11-23/2/R01";

    public string ParticipantNo(int n) => $"H{_id}{n:D3}";

    public string SessionPath(int n) => $"/api/sessions/KANREG-H/SITE-{_id}/2026-11-23/2/R01/{ParticipantNo(n)}";

    public Paper PaperOf(int n) => PaperAssembler.Assemble(Exam, PaperAssembler.SeedFor(Exam.Id, Exam.BankVersion, ParticipantNo(n)));

    public static readonly object Proctor = new { by = "proctor-3", reason = "ID card and face seen" };

    public async Task<HttpExamDay> Prepare(int candidates = 2, DateTimeOffset? startsAt = null)
    {
        await Expect(200, await http.PutAsJsonAsync($"/api/exams/{Exam.Id}", Exam, Json));
        for (var n = 1; n <= candidates; n++)
            await Expect(200, await http.PutAsJsonAsync($"/api/candidates/{ParticipantNo(n)}", new
            {
                participantNo = ParticipantNo(n), name = $"Peserta {n}", nationalId = NationalId(n),
                birthDate = "1999-02-03", category = "general", positionId = "POS-9", accessible = false,
            }));
        await Expect(200, await http.PutAsJsonAsync(RoomPath, new { examId = Exam.Id, name = "Ruang H", startsAt = startsAt ?? DateTimeOffset.UtcNow.AddHours(1), seats = 10 }));
        await Expect(200, await http.PostAsJsonAsync(RoomPath + "/roster",
            Enumerable.Range(1, candidates).Select(n => new { participantNo = ParticipantNo(n), seat = $"S{n}" })));
        return this;
    }

    public static string NationalId(int n) => $"32010000000{n:D5}";

    public async Task<string> CheckIn(int n)
    {
        var response = await http.PostAsJsonAsync(RoomPath + "/checkins", new { participantNo = ParticipantNo(n), method = "manual", proctor = Proctor });
        return (await Expect(200, response)).GetProperty("pin").GetString()!;
    }

    public async Task Open() => await Expect(200, await http.PostAsJsonAsync(RoomPath + "/open", Proctor));

    public async Task<HttpClient> Start(int n, WebApplicationFactoryClient client)
    {
        var pin = await CheckIn(n);
        var room = await Expect(200, await http.GetAsync(RoomPath));
        if (room.GetProperty("status").GetString() == "Scheduled") await Open();
        var login = await Expect(200, await http.PostAsJsonAsync(SessionPath(n) + "/login", new { pin, workstationId = $"ws-{n}" }));
        var workstation = client.Create();
        workstation.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.GetProperty("token").GetString());
        return workstation;
    }

    public static async Task<JsonElement> Expect(int status, HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Asserts a ProblemDetails with this status and stable code, and no trace of server internals.</summary>
    public static async Task ExpectProblem(int status, string code, HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status} {code}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
        Assert.DoesNotContain("   at ", body);
        Assert.DoesNotContain("Exception", body);
    }
}

/// <summary>Makes fresh clients of the shared host, one per simulated workstation.</summary>
public sealed class WebApplicationFactoryClient(SiloFactory factory)
{
    public HttpClient Create() => factory.CreateClient();
}
