using System.Net.Http.Json;
using System.Text.Json;
using Casn.Domain.Exams;
using Casn.Domain.Papers;

using Casn.Service.Tests.Support;

namespace Casn.Service.Tests.Http;

/// <summary>
/// Sets up and drives a test day over the public HTTP API only, as the operator tool, the proctor and
/// the workstation do, each with their own credentials.
/// </summary>
public sealed class HttpExamDay(Func<HttpClient> newClient, TimeSpan? duration = null)
{
    readonly string _id = TestIds.Next();

    /// <summary>A national operator: defines the exam, registers candidates, sets up the room.</summary>
    public HttpClient Operator { get; } = newClient().As(TestStaff.NationalOperator());

    HttpClient? _proctor;

    /// <summary>The proctor of this day's room, and of no other.</summary>
    public HttpClient Proctor => _proctor ??= newClient().As(TestStaff.Proctor(RoomKey));

    /// <summary>No credentials at all.</summary>
    public HttpClient Anonymous { get; } = newClient();

    public string RoomKey => RoomPath["/api/rooms/".Length..];

    public static readonly JsonSerializerOptions Json = CasnJson.Options;

    public ExamDefinition Exam { get; } = TestExams.Skd("H", duration);

    public const string Kanreg = "KANREG-H";

    public string Site => $"SITE-{_id}";

    /// <summary>When the room starts (an hour from now unless <see cref="Prepare"/> is told otherwise); the room key carries its date.</summary>
    public DateTimeOffset StartsAt { get; private set; } = DateTimeOffset.UtcNow.AddHours(1);

    string RoomDate => DateOnly.FromDateTime(StartsAt.UtcDateTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public string RoomPath => $"/api/rooms/{Kanreg}/{Site}/{RoomDate}/2/R01";

    public string ParticipantNo(int n) => $"H{_id}{n:D3}";

    public string SessionPath(int n) => $"/api/sessions/{RoomKey}/{ParticipantNo(n)}";

    public Paper PaperOf(int n) => PaperAssembler.Assemble(Exam, PaperAssembler.SeedFor(Exam.Id, Exam.BankVersion, ParticipantNo(n)));

    /// <summary>The body of a proctor action; who acted comes from the proctor's token.</summary>
    public static readonly object ProctorNote = new { reason = "ID card and face seen" };

    public async Task<HttpExamDay> Prepare(int candidates = 2, DateTimeOffset? startsAt = null, Func<int, string>? name = null, Func<int, string>? nationalId = null)
    {
        if (startsAt is { } start) StartsAt = start;
        var http = Operator;
        await Expect(200, await http.PutAsJsonAsync($"/api/exams/{Exam.Id}", Exam, Json));
        // Registration names a defined position (position.unknown otherwise).
        await Expect(200, await http.PutAsJsonAsync($"/api/exams/{Exam.Id}/positions/{PositionId}", new { agency = "Kementerian Uji", title = "Analis Uji", openings = 10 }));
        for (var n = 1; n <= candidates; n++)
            await Expect(200, await http.PutAsJsonAsync($"/api/candidates/{ParticipantNo(n)}", new
            {
                participantNo = ParticipantNo(n), name = name?.Invoke(n) ?? $"Peserta {n}", nationalId = nationalId?.Invoke(n) ?? NationalId(n),
                birthDate = "1999-02-03", category = "general", positionId = PositionId, accessible = false, kanreg = Kanreg, site = Site,
            }));
        await Expect(200, await http.PutAsJsonAsync(RoomPath, new { examId = Exam.Id, name = "Ruang H", startsAt = StartsAt, seats = 10 }));
        if (candidates > 0)
            await Expect(200, await http.PostAsJsonAsync(RoomPath + "/roster",
                Enumerable.Range(1, candidates).Select(n => new { participantNo = ParticipantNo(n), seat = $"S{n}" })));
        return this;
    }

    /// <summary>The position every candidate of the day applied for.</summary>
    public string PositionId { get; init; } = "POS-9";

    public static string NationalId(int n) => $"32010000000{n:D5}";

    public async Task<string> CheckIn(int n)
    {
        var response = await Proctor.PostAsJsonAsync(RoomPath + "/checkins", new { participantNo = ParticipantNo(n), method = "manual", proctor = ProctorNote });
        return (await Expect(200, response)).GetProperty("pin").GetString()!;
    }

    public async Task Open() => await Expect(200, await Proctor.PostAsJsonAsync(RoomPath + "/open", ProctorNote));

    /// <summary>Checks candidate n in, opens the room if needed, logs in; returns the workstation's client.</summary>
    public async Task<HttpClient> Start(int n)
    {
        var pin = await CheckIn(n);
        var room = await Expect(200, await Proctor.GetAsync(RoomPath));
        if (room.GetProperty("status").GetString() == "Scheduled") await Open();
        return await Login(n, pin);
    }

    public static string WorkstationKey(int n) => $"test-workstation-key-{n:D4}";

    /// <summary>Logs candidate n in from workstation n; the client carries the token and that workstation's key.</summary>
    public async Task<HttpClient> Login(int n, string pin)
    {
        var login = await Expect(200, await Anonymous.PostAsJsonAsync(SessionPath(n) + "/login",
            new { pin, workstationId = $"ws-{n}", workstationKey = WorkstationKey(n) }));
        var workstation = newClient().As(login.GetProperty("token").GetString()!);
        workstation.DefaultRequestHeaders.Add("X-Workstation-Key", WorkstationKey(n));
        return workstation;
    }

    public static async Task<JsonElement> Expect(int status, HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Asserts a ProblemDetails with this status and stable code, and no trace of server internals.</summary>
    public static async Task<JsonElement> ExpectProblem(int status, string code, HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status} {code}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.DoesNotContain("   at ", body);
        Assert.DoesNotContain("Exception", body);
        return problem;
    }
}
