using System.Net.Http.Json;
using System.Text.Json;
using Casn.Service.Tests.Support;
using static Casn.Service.Tests.Http.HttpExamDay;

namespace Casn.Service.Tests.Http;

/// <summary>A proctor reports a stand-in (joki); a national operator confirms; the national ID is blocked from then on.</summary>
[Collection(SiloCollection.Name)]
public sealed class StandInTests(SiloFactory factory)
{
    [Fact]
    public async Task A_confirmed_stand_in_blocks_the_national_id_from_registration_and_seats_and_the_refusals_are_recorded()
    {
        // National IDs of this test only: the register is national, and other tests must not find theirs blocked.
        var id = TestIds.Next();
        string Nik(int n) => $"999{id}{n:D6}";
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 3, nationalId: Nik);
        await day.Start(1);
        var standIn = (int n) => $"{day.RoomPath}/candidates/{day.ParticipantNo(n)}/stand-in";

        await ExpectProblem(400, "proctor.reason_required", await day.Proctor.PostAsJsonAsync(standIn(1), new { reason = " " }));
        await ExpectProblem(404, "room.not_on_roster", await day.Proctor.PostAsJsonAsync($"{day.RoomPath}/candidates/NOBODY-1/stand-in", new { reason = "x" }));
        await Expect(200, await day.Proctor.PostAsJsonAsync(standIn(1), new { reason = "Wajah berbeda dari KTP dan foto pendaftaran" }));
        await Expect(200, await day.Proctor.PostAsJsonAsync(standIn(2), new { reason = "Datang dengan KTP orang lain" }));

        // Candidate 1 was sitting: disqualified. Candidate 2 was at the desk: turned away. Both recorded.
        var sitting = await Expect(200, await day.Proctor.GetAsync($"{day.RoomPath}/candidates/{day.ParticipantNo(1)}"));
        Assert.Equal(("Finished", "Disqualified"), (sitting.GetProperty("status").GetString(), sitting.GetProperty("finishReason").GetString()));
        var incidents = (await Expect(200, await day.Proctor.GetAsync(day.RoomPath))).GetProperty("incidents").EnumerateArray()
            .Where(i => i.GetProperty("kind").GetString() == "stand_in").Select(i => (i.GetProperty("participantNo").GetString(), i.GetProperty("outcome").GetString())).ToList();
        Assert.Equal([(day.ParticipantNo(1), "disqualified"), (day.ParticipantNo(2), "check_in_refused")], incidents);

        // The national operator's register: the cases, and no national ID in it.
        var national = day.Operator;
        var register = await national.GetStringAsync("/api/stand-in-cases");
        Assert.DoesNotContain(Nik(1), register);
        var cases = JsonDocument.Parse(register).RootElement.GetProperty("cases").EnumerateArray()
            .Where(c => c.GetProperty("roomKey").GetString() == day.RoomKey).ToList();
        Assert.Equal(["reported", "reported"], cases.Select(c => c.GetProperty("status").GetString()));
        var kanregOperator = factory.CreateClient().As(TestStaff.Operator(Kanreg));
        await ExpectProblem(403, "auth.forbidden", await kanregOperator.PostAsJsonAsync($"/api/stand-in-cases/{day.RoomKey}/{day.ParticipantNo(1)}/confirm", new { reason = "x" }));

        var decide = (int n, string what) => national.PostAsJsonAsync($"/api/stand-in-cases/{day.RoomKey}/{day.ParticipantNo(n)}/{what}", new { reason = "Dicek dengan rekaman CCTV dan dokumen" });
        var confirmed = await Expect(200, await decide(1, "confirm"));
        Assert.Equal("confirmed", confirmed.GetProperty("status").GetString());
        Assert.StartsWith("op-national", confirmed.GetProperty("decidedBy").GetString());
        await ExpectProblem(409, "stand_in.decided", await decide(1, "dismiss"));
        await Expect(200, await decide(2, "dismiss"));
        await ExpectProblem(404, "stand_in.not_found", await decide(3, "confirm"));

        // The blocked NIK: no new registration under any number, no update, no seat. The dismissed one is free.
        var profile = (string participantNo, string nik) => new
        {
            participantNo, name = "Peserta Lain", nationalId = nik, birthDate = "1999-02-03", category = "general",
            positionId = "POS-9", accessible = false, kanreg = Kanreg, site = day.Site,
        };
        var newcomer = $"N{id}1";
        await ExpectProblem(403, "candidate.blocked", await national.PutAsJsonAsync($"/api/candidates/{newcomer}", profile(newcomer, Nik(1))));
        await ExpectProblem(403, "candidate.blocked", await national.PutAsJsonAsync($"/api/candidates/{day.ParticipantNo(1)}", profile(day.ParticipantNo(1), Nik(1))));
        await Expect(200, await national.PutAsJsonAsync($"/api/candidates/{day.ParticipantNo(2)}", profile(day.ParticipantNo(2), Nik(2))));
        var otherSlot = day.RoomPath.Replace("/2/R01", "/3/R01", StringComparison.Ordinal);
        await Expect(200, await national.PutAsJsonAsync(otherSlot, new { examId = day.Exam.Id, name = "Ruang B", startsAt = day.StartsAt, seats = 5 }));
        await ExpectProblem(403, "candidate.blocked", await national.PostAsJsonAsync(otherSlot + "/roster", new[] { new { participantNo = day.ParticipantNo(1), seat = "S1" } }));

        // Refusals are recorded one way (a refusal never waits on the audit), so they arrive shortly after the answers.
        List<string?> refusals = [];
        await Cluster.ExamDay.Eventually(async () =>
        {
            refusals = [.. JsonDocument.Parse(await national.GetStringAsync("/api/stand-in-cases")).RootElement.GetProperty("refusals").EnumerateArray()
                .Where(r => r.GetProperty("participantNo").GetString() is { } p && (p == newcomer || p == day.ParticipantNo(1)))
                .Select(r => r.GetProperty("attempt").GetString())];
            return refusals.Count >= 3;
        }, TimeSpan.FromSeconds(10), "the three refusals in the register");
        Assert.Equal(["registration", "registration", "seat"], refusals);
    }
}
