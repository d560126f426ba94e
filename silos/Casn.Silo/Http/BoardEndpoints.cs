using System.Globalization;
using Casn.Domain;
using Casn.Domain.Boards;
using Casn.Grains.Abstractions;
using Casn.Silo.Boards;
using Microsoft.AspNetCore.Mvc;

namespace Casn.Silo.Http;

/// <summary>
/// Public boards: no login to read, and nothing private in them. A JSON snapshot, and a Server-Sent
/// Events stream whose event ids are board versions: a viewer that reconnects with Last-Event-ID gets
/// only newer versions, never an older one.
/// </summary>
public static class BoardEndpoints
{
    public static void MapBoardEndpoints(this IEndpointRouteBuilder app)
    {
        var rooms = app.MapGroup("/api/boards/rooms/" + RoomRoute.Template).WithTags("Boards").AllowPublic();
        rooms.MapGet("", GetRoomBoard)
            .Produces<BoardSnapshot>().WithSummary("The room's board now: rows sorted by total, version and the server's publishing time.");
        rooms.MapGet("/events", StreamRoomBoard)
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream").WithSummary("Server-Sent Events: 'board' events, id = version. Reconnect with Last-Event-ID to resume.");

        // A Kanreg's board and the nation's: counts and the distribution of totals, per room and per Kanreg.
        var kanreg = app.MapGroup("/api/boards/kanreg/{region}").WithTags("Boards").AllowPublic();
        kanreg.MapGet("", GetKanregBoard)
            .Produces<BoardSnapshot>().WithSummary("A Kanreg's board now: candidates by status and the distribution of totals, overall and per room.");
        kanreg.MapGet("/events", StreamKanregBoard)
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream").WithSummary("Server-Sent Events of a Kanreg's board.");

        var site = app.MapGroup("/api/boards/sites/{region}/{site}").WithTags("Boards").AllowPublic();
        site.MapGet("", GetSiteBoard)
            .Produces<BoardSnapshot>().WithSummary("A test site's board now: candidates by status and the distribution of totals, overall and per room.");
        site.MapGet("/events", StreamSiteBoard)
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream").WithSummary("Server-Sent Events of a test site's board.");

        var national = app.MapGroup("/api/boards/national").WithTags("Boards").AllowPublic();
        national.MapGet("", GetNationalBoard)
            .Produces<BoardSnapshot>().WithSummary("The national board: counts and distributions per Kanreg, no candidate.");
        national.MapGet("/events", StreamNationalBoard)
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream").WithSummary("Server-Sent Events of the national board.");
    }

    static async Task<IResult> GetRoomBoard([AsParameters] RoomRoute route, IGrainFactory grains, BoardDirectory directory)
    {
        var key = route.Key;
        if (!key.IsOk) return Problems.Of(key.Fault!);
        if (!await directory.RoomExists(key.Value!)) return NoRoom();
        var snapshot = await grains.GetGrain<ILiveBoardGrain>(key.Value!.ToString()).GetSnapshot();
        return snapshot.Sections.Length == 0 ? NoRoom() : Results.Ok(snapshot);
    }

    static async Task<IResult> StreamRoomBoard([AsParameters] RoomRoute route, [FromHeader(Name = "Last-Event-ID")] string? lastEventId,
        HttpContext http, BoardFeed feed, BoardDirectory directory, CancellationToken aborted) =>
        route.Key is not { IsOk: true } key ? Problems.Of(route.Key.Fault!)
        : !await directory.RoomExists(key.Value!) ? NoRoom()
        : await Stream(key.Value!.ToString(), lastEventId, http, feed, aborted);

    static async Task<IResult> GetKanregBoard(string region, IGrainFactory grains, BoardDirectory directory)
    {
        if (!Keys.IsValidToken(region, 32)) return Problems.Of(Keys.InvalidRegion);
        if (!await directory.KanregExists(region)) return NoKanreg();
        var snapshot = await grains.GetGrain<ISummaryBoardGrain>(ISummaryBoardGrain.KanregKey(region)).GetSnapshot();
        return snapshot.Parts is not { Length: > 0 } ? NoKanreg() : Results.Ok(snapshot);
    }

    static async Task<IResult> StreamKanregBoard(string region, [FromHeader(Name = "Last-Event-ID")] string? lastEventId, HttpContext http, BoardFeed feed,
        BoardDirectory directory, CancellationToken aborted) =>
        !Keys.IsValidToken(region, 32) ? Problems.Of(Keys.InvalidRegion)
        : !await directory.KanregExists(region) ? NoKanreg()
        : await Stream(ISummaryBoardGrain.KanregKey(region), lastEventId, http, feed, aborted);

    static async Task<IResult> GetSiteBoard(string region, string site, IGrainFactory grains, BoardDirectory directory)
    {
        if (!Keys.IsValidToken(region, 32) || !Keys.IsValidToken(site, 32)) return InvalidSite();
        if (!await directory.SiteExists(region, site)) return NoSite();
        var snapshot = await grains.GetGrain<ISummaryBoardGrain>(ISummaryBoardGrain.SiteKey(region, site)).GetSnapshot();
        return snapshot.Parts is not { Length: > 0 } ? NoSite() : Results.Ok(snapshot);
    }

    static async Task<IResult> StreamSiteBoard(string region, string site, [FromHeader(Name = "Last-Event-ID")] string? lastEventId, HttpContext http, BoardFeed feed,
        BoardDirectory directory, CancellationToken aborted) =>
        !Keys.IsValidToken(region, 32) || !Keys.IsValidToken(site, 32) ? InvalidSite()
        : !await directory.SiteExists(region, site) ? NoSite()
        : await Stream(ISummaryBoardGrain.SiteKey(region, site), lastEventId, http, feed, aborted);

    static async Task<IResult> GetNationalBoard(IGrainFactory grains) =>
        Results.Ok(await grains.GetGrain<ISummaryBoardGrain>(ISummaryBoardGrain.National).GetSnapshot());

    static Task<IResult> StreamNationalBoard([FromHeader(Name = "Last-Event-ID")] string? lastEventId, HttpContext http, BoardFeed feed, CancellationToken aborted) =>
        Stream(ISummaryBoardGrain.National, lastEventId, http, feed, aborted);

    static IResult InvalidSite() => Problems.Of(ErrorCodes.KeyInvalid, "Region and site must be 1-32 letters, digits or '-'.");

    // A board that does not exist, or shows no exam yet. Unknown keys are refused from the directory alone: no
    // board grain is activated for a made-up key.
    static IResult NoRoom() => Problems.Of(ErrorCodes.BoardNotFound, "No exam runs in this room.");

    static IResult NoKanreg() => Problems.Of(ErrorCodes.BoardNotFound, "No exam runs in this Kanreg.");

    static IResult NoSite() => Problems.Of(ErrorCodes.BoardNotFound, "No exam runs at this site.");

    /// <summary>One viewer's stream of a board: the current snapshot, then each newer one, with keep-alives.</summary>
    static async Task<IResult> Stream(string boardKey, string? lastEventId, HttpContext http, BoardFeed feed, CancellationToken aborted)
    {
        using var viewer = await feed.Watch(boardKey);
        if (viewer is null) return Problems.Of(ErrorCodes.BoardViewersFull, "This server has as many viewers as it can serve; try again shortly.");

        var lastSent = long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out var resumeFrom) ? resumeFrom : -1;
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        if (viewer.Board.Latest is { } current && current.Version > lastSent) lastSent = await Send(http, current, aborted);
        await http.Response.Body.FlushAsync(aborted);
        // One keep-alive timer per viewer, re-armed per wait rather than made anew: a publication wakes every
        // viewer at once, and 10,000 timers made and dropped per publication showed in the fan-out's time.
        var quiet = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        try
        {
            while (!aborted.IsCancellationRequested)
            {
                quiet.CancelAfter(feed.KeepAliveEvery);
                try
                {
                    if (!await viewer.Reader.WaitToReadAsync(quiet.Token)) break; // dropped as too slow: the browser resumes
                    while (viewer.Reader.TryRead(out var published))
                        if (published.Version > lastSent) lastSent = await Send(http, published, aborted);
                }
                catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                {
                    // No id: the viewer's resume point stays the last board version. The server time tells a
                    // quiet board from a stale one.
                    await http.Response.WriteAsync($"event: alive\ndata: {{\"serverTime\":\"{DateTimeOffset.UtcNow:O}\"}}\n\n", aborted);
                    await http.Response.Body.FlushAsync(aborted);
                }
                if (!quiet.TryReset())
                {
                    quiet.Dispose();
                    quiet = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                }
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The viewer left.
        }
        finally
        {
            quiet.Dispose();
        }
        return Results.Empty;
    }

    static async Task<long> Send(HttpContext http, BoardEvent published, CancellationToken aborted)
    {
        // The body's pipe writes and flushes in one call.
        await http.Response.BodyWriter.WriteAsync(published.Bytes, aborted);
        return published.Version;
    }
}
