using System.Net.Http.Json;
using System.Text.Json;
using Casn.Service.Tests.Support;
using static Casn.Service.Tests.Http.HttpExamDay;

namespace Casn.Service.Tests.Http;

[Collection(SiloCollection.Name)]
public sealed class OperationsApiTests(SiloFactory factory)
{
    [Fact]
    public async Task A_kanreg_operator_sees_silos_rooms_candidates_and_incidents_of_their_office()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 3);
        var first = await day.Start(1);
        await day.Start(2);
        await Expect(200, await first.PutAsJsonAsync($"{day.SessionPath(1)}/answers/{day.PaperOf(1).Items[0].Item.Id}", new { sequence = 1, choice = 0 }));
        await Expect(200, await day.Proctor.PostAsJsonAsync($"{day.RoomPath}/candidates/{day.ParticipantNo(2)}/suspend", new { reason = "phone on the desk" }));
        var operatorH = factory.CreateClient().As(TestStaff.Operator("KANREG-H"));

        JsonElement room = default, overview = default;
        await Cluster.ExamDay.Eventually(async () =>
        {
            overview = await Expect(200, await operatorH.GetAsync("/api/operations/KANREG-H"));
            room = overview.GetProperty("rooms").EnumerateArray().Single(r => r.GetProperty("room").GetProperty("roomKey").GetString() == day.RoomKey);
            return room.GetProperty("paused").GetInt32() == 1 && room.GetProperty("inProgress").GetInt32() == 1;
        }, TimeSpan.FromSeconds(10), "the board behind the overview catches up");

        Assert.Equal("KANREG-H", overview.GetProperty("region").GetString());
        var silo = Assert.Single(overview.GetProperty("silos").EnumerateArray());
        Assert.Equal("Active", silo.GetProperty("status").GetString());
        Assert.Equal("active", silo.GetProperty("state").GetString());
        // This day's three sittings at least (the silo is shared with other tests); a silo serving every Kanreg has no share of one.
        Assert.True(silo.GetProperty("sittings").GetInt32() >= 3);
        Assert.Equal(JsonValueKind.Null, silo.GetProperty("share").ValueKind);
        Assert.Equal(3, room.GetProperty("room").GetProperty("rostered").GetInt32());
        Assert.Equal(2, room.GetProperty("room").GetProperty("checkedIn").GetInt32());
        Assert.Equal(1, room.GetProperty("notStarted").GetInt32());
        Assert.Equal("Open", room.GetProperty("room").GetProperty("status").GetString());
        Assert.Equal(1, room.GetProperty("room").GetProperty("incidentsByKind").GetProperty("suspended").GetInt32());
        Assert.Contains(overview.GetProperty("recentIncidents").EnumerateArray(), i => i.GetProperty("reason").GetString() == "phone on the desk");
        Assert.True(overview.GetProperty("totals").GetProperty("rooms").GetInt32() >= 1);
        Assert.DoesNotContain(NationalId(1), overview.ToString());

        await ExpectProblem(403, "auth.forbidden", await factory.CreateClient().As(TestStaff.Operator("KANREG-I")).GetAsync("/api/operations/KANREG-H"));
        var empty = await Expect(200, await factory.CreateClient().As(TestStaff.Operator("KANREG-EMPTY")).GetAsync("/api/operations/KANREG-EMPTY"));
        Assert.Equal(0, empty.GetProperty("rooms").GetArrayLength());
    }

    [Fact]
    public async Task The_orleans_dashboard_is_for_national_operators_only_and_takes_the_token_from_its_cookie()
    {
        var anonymous = factory.CreateClient();
        async Task<HttpResponseMessage> WithCookie(string path, string token)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("Cookie", $"casn_staff={token}");
            return await anonymous.SendAsync(request);
        }
        await ExpectProblem(401, "auth.required", await anonymous.GetAsync("/dashboard/index.html"));
        Assert.Equal(200, (int)(await WithCookie("/dashboard/index.html", TestStaff.NationalOperator())).StatusCode);
        // A Kanreg's operator would see every Kanreg's sittings (reminders) and the cluster's live log (trace).
        foreach (var path in new[] { "/dashboard/index.html", "/dashboard/Reminders", "/dashboard/Trace" })
            await ExpectProblem(403, "auth.forbidden", await WithCookie(path, TestStaff.Operator("KANREG-H")));
        await ExpectProblem(403, "auth.forbidden", await WithCookie("/dashboard/index.html", TestStaff.Proctor("KANREG-H/S/2026-11-23/1/R01")));
    }

    [Fact]
    public async Task The_dashboard_cookie_is_set_by_the_server_httponly_strict_and_for_dashboard_only()
    {
        var national = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false }).As(TestStaff.NationalOperator());
        using var response = await national.PostAsync("/api/operations/dashboard-session", null);
        Assert.Equal(204, (int)response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("casn_staff=", cookie);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/dashboard", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("expires=", cookie, StringComparison.OrdinalIgnoreCase);

        await ExpectProblem(403, "auth.forbidden", await factory.CreateClient().As(TestStaff.Operator("KANREG-H")).PostAsync("/api/operations/dashboard-session", null));
        await ExpectProblem(401, "auth.required", await factory.CreateClient().PostAsync("/api/operations/dashboard-session", null));
    }
}
