using System.Net.Http.Json;
using System.Text.Json;
using Casn.Service.Tests.Support;
using static Casn.Service.Tests.Http.HttpExamDay;

namespace Casn.Service.Tests.Http;

/// <summary>#15 over HTTP: a national operator defines a position, and its standing collects the finished sittings.</summary>
[Collection(SiloCollection.Name)]
public sealed class PositionApiTests(SiloFactory factory)
{
    [Fact]
    public async Task A_defined_positions_standing_lists_finished_sittings_with_their_certificates_and_no_national_id()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 1);
        var position = $"/api/exams/{day.Exam.Id}/positions/POS-9";
        await Expect(200, await day.Operator.PutAsJsonAsync(position, new { agency = "Kementerian Contoh", title = "Analis", openings = 2 }));
        var workstation = await day.Start(1);
        var submitted = await Expect(200, await workstation.PostAsync(day.SessionPath(1) + "/submit", null));

        JsonElement line = default;
        await Cluster.ExamDay.Eventually(async () =>
        {
            var standing = await Expect(200, await day.Operator.GetAsync(position + "/standing"));
            var found = standing.GetProperty("lines").EnumerateArray().Where(l => l.GetProperty("participantNo").GetString() == day.ParticipantNo(1)).ToList();
            if (found.Count == 1) line = found[0];
            return found.Count == 1;
        }, TimeSpan.FromSeconds(15), "the sitting in its position's standing");
        Assert.Equal(submitted.GetProperty("scores").GetProperty("total").GetInt32(), line.GetProperty("total").GetInt32());
        Assert.Matches("^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$", line.GetProperty("certificateCode").GetString());
        var raw = await (await day.Operator.GetAsync(position + "/standing")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(NationalId(1), raw);
        Assert.DoesNotContain("nationalId", raw, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Bad_positions_and_unknown_ones_get_their_codes()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 1);
        var exam = $"/api/exams/{day.Exam.Id}/positions";
        await ExpectProblem(400, "request.invalid", await day.Operator.PutAsJsonAsync($"{exam}/POS-X", new { agency = "A", title = "T", openings = 0 }));
        await ExpectProblem(400, "request.invalid", await day.Operator.PutAsJsonAsync($"{exam}/POS-X", new { agency = "", title = "T", openings = 1 }));
        await ExpectProblem(400, "request.invalid_key", await day.Operator.PutAsJsonAsync($"{exam}/POS%20X", new { agency = "A", title = "T", openings = 1 }));
        await ExpectProblem(404, "exam.not_found", await day.Operator.PutAsJsonAsync("/api/exams/NO-SUCH-EXAM/positions/POS-X", new { agency = "A", title = "T", openings = 1 }));
        await ExpectProblem(400, "position.unknown", await day.Operator.GetAsync($"{exam}/POS-NEVER-DEFINED/standing"));
    }
}
