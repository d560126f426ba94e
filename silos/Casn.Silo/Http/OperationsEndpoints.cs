using System.Security.Claims;
using Casn.Domain;
using Casn.Domain.Boards;
using Casn.Domain.Rooms;
using Casn.Grains.Abstractions;
using Casn.Silo.Hosting;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Casn.Silo.Http;

/// <summary>
/// A silo of the cluster. <c>State</c>: <c>joining</c>, <c>active</c> or <c>draining</c> (leaving on purpose: its
/// sittings are moving to the Kanreg's other silos). <c>Sittings</c>: sittings active on it now; <c>Share</c>: its part
/// of its Kanreg's sittings (0 to 1), for the silos of the Kanreg asked about; null for the others.
/// </summary>
public sealed record SiloLine(string Address, string Name, string Status, string? Region, DateTimeOffset StartedAt, string State, int Sittings, double? Share);

public sealed record RoomLine(RoomSummary Room, int InProgress, int Paused, int Finished, int NotStarted, DateTimeOffset? BoardPublishedAt);

public sealed record KanregTotals(int Rooms, int RoomsOpen, int Rostered, int CheckedIn, int InProgress, int Paused, int Finished,
    Dictionary<string, int> Incidents);

/// <summary>What an operator of one Kanreg watches on a test day.</summary>
public sealed record KanregOverview(string Region, DateTimeOffset At, SiloLine[] Silos, KanregTotals Totals, RoomLine[] Rooms, RoomIncident[] RecentIncidents);

/// <summary>
/// The operator view of a Kanreg: the cluster's silos (and which serve this region), its rooms with
/// candidates in progress, paused (suspended) and finished, face checks by outcome, and incidents.
/// Counts come from each room's own state and its live board, never from a call to every sitting.
/// </summary>
public static class OperationsEndpoints
{
    public static void MapOperationsEndpoints(this IEndpointRouteBuilder app)
    {
        var operations = app.MapGroup("/api/operations").WithTags("Operations");
        operations.MapGet("/{region}", GetKanregOverview).Allow(Access.KanregOperator)
            .Produces<KanregOverview>().WithSummary("A Kanreg's test day: silos, rooms, candidates in progress / paused / finished, face checks by outcome, incidents.");
        operations.MapPost("/dashboard-session", OpenDashboardSession).Allow(Access.NationalOperator)
            .Produces(StatusCodes.Status204NoContent).WithSummary("Opens the Orleans dashboard for this national operator's token: sets its HttpOnly cookie.");
    }

    static async Task<IResult> GetKanregOverview(string region, IGrainFactory grains, SiloRegions regions, TimeProvider clock)
    {
        if (!Keys.IsValidToken(region, 32)) return Problems.Of(Keys.InvalidRegion);
        var silos = await SiloLines(grains, regions, region);
        var roomKeys = await grains.GetGrain<IKanregGrain>(region).GetRooms();
        var rooms = await Task.WhenAll(roomKeys.Select(async key =>
        {
            var summary = await grains.GetGrain<IExamRoomGrain>(key).GetSummary();
            var board = await grains.GetGrain<ILiveBoardGrain>(key).GetSnapshot();
            // The room's board already counts its sittings by status (the same counts its Kanreg's board adds up).
            var counts = board.Summary ?? BoardSummary.Empty;
            return summary is null ? null : new RoomLine(summary, counts.InProgress, counts.Paused, counts.Finished, counts.NotStarted,
                board.Version > 0 ? board.PublishedAt : null);
        }));
        var lines = rooms.OfType<RoomLine>().ToArray();
        var incidents = lines.SelectMany(l => l.Room.IncidentsByKind).GroupBy(p => p.Key)
            .ToDictionary(g => g.Key, g => g.Sum(p => p.Value), StringComparer.Ordinal);
        var totals = new KanregTotals(lines.Length, lines.Count(l => l.Room.Status == RoomStatus.Open), lines.Sum(l => l.Room.Rostered),
            lines.Sum(l => l.Room.CheckedIn), lines.Sum(l => l.InProgress), lines.Sum(l => l.Paused), lines.Sum(l => l.Finished), incidents);
        var recent = lines.SelectMany(l => l.Room.RecentIncidents).OrderByDescending(i => i.At).Take(20).ToArray();
        return Results.Ok(new KanregOverview(region, clock.GetUtcNow(), silos, totals, lines, recent));
    }

    /// <summary>The silos that are joining, active or leaving, with their sittings and, for the Kanreg's own, their share of its sittings.</summary>
    static async Task<SiloLine[]> SiloLines(IGrainFactory grains, SiloRegions regions, string region)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = (await management.GetDetailedHosts(onlyActive: false)).Where(h => StateOf(h.Status) is not null).ToArray();
        // Asked one silo at a time: a silo on its way out may not answer, and must not hide the others.
        var sittings = await Task.WhenAll(hosts.Select(async h =>
        {
            try
            {
                var statistics = await management.GetSimpleGrainStatistics([h.SiloAddress]).WaitAsync(TimeSpan.FromSeconds(2));
                return KanregBalancer.SittingsOn(h.SiloAddress, statistics);
            }
            catch (Exception exception) when (exception is TimeoutException or OrleansException)
            {
                return 0;
            }
        }));
        var siloRegions = hosts.Select(h => regions.Of(h.SiloAddress)).ToArray();
        var regionTotal = sittings.Where((_, i) => siloRegions[i] == region).Sum();
        return [.. hosts.Select((h, i) =>
            {
                var siloRegion = siloRegions[i];
                double? share = siloRegion == region ? (regionTotal == 0 ? 0 : sittings[i] / (double)regionTotal) : null;
                return new SiloLine(h.SiloAddress.ToString(), h.SiloName, h.Status.ToString(), siloRegion, h.StartTime, StateOf(h.Status)!, sittings[i], share);
            })
            .OrderBy(s => s.Region != region).ThenBy(s => s.Name, StringComparer.Ordinal)];
    }

    static string? StateOf(SiloStatus status) => status switch
    {
        SiloStatus.Created or SiloStatus.Joining => "joining",
        SiloStatus.Active => "active",
        SiloStatus.ShuttingDown or SiloStatus.Stopping => "draining",
        _ => null,
    };

    // The Orleans dashboard is a browser page and cannot send a bearer header: the server puts the national
    // operator's token in a cookie that scripts cannot read (HttpOnly), sent only to /dashboard, only
    // from this site (SameSite=Strict), only over HTTPS when the request came over HTTPS, and no longer than the token.
    static IResult OpenDashboardSession(HttpContext http, ClaimsPrincipal user)
    {
        var token = http.Request.Headers.Authorization.ToString()["Bearer ".Length..].Trim();
        var expires = long.TryParse(user.FindFirst("exp")?.Value, out var exp) ? DateTimeOffset.FromUnixTimeSeconds(exp) : (DateTimeOffset?)null;
        http.Response.Cookies.Append(Access.DashboardCookie, token, new CookieOptions
        {
            HttpOnly = true, Secure = http.Request.IsHttps, SameSite = SameSiteMode.Strict, Path = Access.DashboardPath, Expires = expires,
        });
        return Results.NoContent();
    }
}
