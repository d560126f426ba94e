using System.Text.Json.Serialization;
using System.Security.Claims;
using Casn.Access;
using Casn.Domain;
using Casn.Domain.Exams;
using Casn.Domain.Rooms;
using Casn.Domain.Sessions;
using Casn.Faces;
using Casn.Grains;
using Casn.Grains.Abstractions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Casn.Silo.Http;

public sealed record ExtendTimeRequest(int Minutes, string Reason);

/// <summary>Why a proctor or operator acts (1-500 characters). Who acted is never a request's field: it is the staff token's subject.</summary>
public sealed record ActionNote(string? Reason);

/// <summary>How a candidate was identified at the desk: a face check against the registration photo, or by hand (ID card; a reason is required).</summary>
public enum CheckInMethod
{
    [JsonStringEnumMemberName("manual")] Manual,
    [JsonStringEnumMemberName("face")] Face,
}

/// <summary>
/// A check-in at the desk: <c>manual</c> here (a face check-in sends the live capture to <c>…/checkins/{participantNo}/face</c>).
/// Checking in a checked-in candidate again issues a new PIN.
/// </summary>
public sealed record CheckInBody(string ParticipantNo, CheckInMethod Method, ActionNote? Proctor)
{
    public CheckInRequest ToRequest(ProctorAction by) => new(ParticipantNo, Method == CheckInMethod.Face ? "face" : "manual", by);
}

/// <summary>An operator names a proctor for a room; the token lets that proctor run that room only.</summary>
public sealed record ProctorTokenRequest(string ProctorId, string Name, int? Hours);

public sealed record ProctorTokenGrant(string Token, DateTimeOffset ExpiresAt, string Room);

/// <summary>
/// Rooms: set-up, roster and proctor tokens (the Kanreg's operators), check-in and proctor actions
/// (the room's proctors). The proctor recorded with an action is the token's subject, never a field
/// of the request: a body's <c>by</c> is ignored.
/// </summary>
public static class RoomEndpoints
{
    /// <summary>A proctor token lasts a test day at most.</summary>
    public static readonly TimeSpan MaxProctorTokenLifetime = TimeSpan.FromHours(16);

    public static void MapRoomEndpoints(this IEndpointRouteBuilder app)
    {
        var rooms = app.MapGroup("/api/rooms/" + RoomRoute.Template).WithTags("Rooms").RequireRateLimiting(Limits.Staff);

        rooms.MapPut("", SetUp).Allow(Access.KanregOperator)
            .Produces<RoomView>().WithSummary("Set up a room for one session slot.");
        rooms.MapGet("", GetView).Allow(Access.RoomStaff)
            .Produces<RoomView>().WithSummary("The proctor's view: attendance, every candidate's status and time, incidents.");
        rooms.MapGet("/events", StreamRoom).Allow(Access.RoomStaff)
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream").WithSummary("The proctor console's live stream (server-sent events): the room view first, then only what changed, at most four times a second.");
        rooms.MapPost("/roster", AddToRoster).Allow(Access.KanregOperator)
            .Produces<RoomView>().WithSummary("Add registered candidates to the roster with their seats.");
        rooms.MapPost("/proctors", IssueProctorToken).Allow(Access.KanregOperator)
            .Produces<ProctorTokenGrant>().WithSummary("Issue a proctor's token for this room (at most 16 hours).");
        rooms.MapPost("/checkins", CheckIn).Allow(Access.RoomProctor)
            .Produces<CheckInReceipt>().WithSummary("Check a candidate in (or issue a new PIN); returns the PIN for the slip.");
        rooms.MapPost("/checkins/{participantNo}/face", CheckInByFace).Allow(Access.RoomProctor).LimitBody(ImageBodies.TransportLimit)
            .Produces<CheckInReceipt>().WithSummary("Check a candidate in by face: the live capture as the raw body. Returns the PIN when verified.");
        rooms.MapPost("/checkins/{participantNo}/refuse", RefuseCheckIn).Allow(Access.RoomProctor)
            .Produces<bool>().WithSummary("Turn a candidate away at the desk, with the reason (recorded for the room report).");
        rooms.MapPost("/open", Open).Allow(Access.RoomProctor)
            .Produces<RoomView>().WithSummary("Start the session in this room.");
        rooms.MapPost("/close", Close).Allow(Access.RoomProctor)
            .Produces<RoomView>().WithSummary("End the session: every sitting on the roster finishes, those going as they stand and those never checked in as absent. Closing again re-tells them and changes none twice.");

        var candidate = rooms.MapGroup("/candidates/{participantNo}");
        candidate.MapGet("", Sitting).Allow(Access.RoomStaff)
            .Produces<SessionView>().WithSummary("One sitting with its latest events (the room view has one line per seat, without events).");
        candidate.MapGet("/faces/{image}", FaceImage).Allow(Access.RoomProctor)
            .Produces<byte[]>(StatusCodes.Status200OK, "image/jpeg", "image/png").WithSummary("For the room's proctor: the registration photo ('registration') or a failed check's capture (its incident's evidence id).");
        candidate.MapPost("/suspend", Suspend).Allow(Access.RoomProctor)
            .Produces<SessionView>().WithSummary("Stop a candidate's questions and clock.");
        candidate.MapPost("/resume", Resume).Allow(Access.RoomProctor)
            .Produces<SessionView>().WithSummary("Resume; the suspended time is given back.");
        candidate.MapPost("/extend", Extend).Allow(Access.RoomProctor)
            .Produces<SessionView>().WithSummary("Give a candidate extra minutes, with a reason.");
        candidate.MapPost("/disqualify", Disqualify).Allow(Access.RoomProctor)
            .Produces<SessionView>().WithSummary("Disqualify, with a reason. Only a proctor can.");
        candidate.MapPost("/stand-in", ReportStandIn).Allow(Access.RoomProctor)
            .Produces<bool>().WithSummary("A stand-in (joki) in the seat: disqualify (or turn away) and report the case for the national operator to confirm.");
        candidate.MapPost("/approve-login", ApproveLogin).Allow(Access.RoomProctor)
            .Produces<SessionView>().WithSummary("Let the next login from another workstation take the candidate's seat over (reset login), with a reason.");
    }

    static Task<IResult> SetUp([AsParameters] RoomRoute route, RoomSetup setup, IGrainFactory grains) =>
        WithRoom(route, grains, room => room.Setup(setup));

    static Task<IResult> GetView([AsParameters] RoomRoute route, IGrainFactory grains) =>
        WithRoom(route, grains, room => room.GetView());

    static Task<IResult> AddToRoster([AsParameters] RoomRoute route, RosterEntry[] entries, IGrainFactory grains) =>
        WithRoom(route, grains, room => room.AddToRoster(entries));

    static Task<IResult> CheckIn([AsParameters] RoomRoute route, CheckInBody request, ClaimsPrincipal user, IGrainFactory grains) =>
        WithRoom(route, grains, room => room.CheckIn(request.ToRequest(By(user, request.Proctor))));

    static async Task<IResult> CheckInByFace([AsParameters] RoomRoute route, string participantNo, [FromQuery] string? reason,
        HttpRequest http, ClaimsPrincipal user, IGrainFactory grains, IOptions<FaceOptions> faces)
    {
        var key = route.Key;
        if (!key.IsOk) return Problems.Of(key.Fault!);
        var image = await ImageBodies.Read(http, faces.Value.MaxImageBytes);
        if (!image.IsOk) return Problems.Of(image.Fault!);
        var request = new CheckInRequest(participantNo, "face", new ProctorAction(user.StaffId(), reason ?? "face check-in"), image.Value);
        return Problems.From(await grains.GetGrain<IExamRoomGrain>(key.Value!.ToString()).CheckIn(request));
    }

    static Task<IResult> RefuseCheckIn([AsParameters] RoomRoute route, string participantNo, ActionNote action, ClaimsPrincipal user, IGrainFactory grains) =>
        WithRoom(route, grains, room => room.RefuseCheckIn(participantNo, By(user, action)));

    static Task<IResult> Open([AsParameters] RoomRoute route, ActionNote action, ClaimsPrincipal user, IGrainFactory grains) =>
        WithRoom(route, grains, room => room.Open(By(user, action)));

    static Task<IResult> Close([AsParameters] RoomRoute route, ActionNote action, ClaimsPrincipal user, IGrainFactory grains) =>
        WithRoom(route, grains, room => room.Close(By(user, action)));

    static Task<IResult> Suspend([AsParameters] RoomRoute route, string participantNo, ActionNote action, ClaimsPrincipal user, IGrainFactory grains) =>
        WithRoom(route, grains, room => room.Suspend(participantNo, By(user, action)));

    static Task<IResult> Resume([AsParameters] RoomRoute route, string participantNo, ActionNote action, ClaimsPrincipal user, IGrainFactory grains) =>
        WithRoom(route, grains, room => room.Resume(participantNo, By(user, action)));

    static Task<IResult> Extend([AsParameters] RoomRoute route, string participantNo, ExtendTimeRequest request, ClaimsPrincipal user, IGrainFactory grains) =>
        WithRoom(route, grains, room => room.ExtendTime(participantNo, TimeSpan.FromMinutes(request.Minutes), By(user, new ActionNote(request.Reason))));

    static Task<IResult> Disqualify([AsParameters] RoomRoute route, string participantNo, ActionNote action, ClaimsPrincipal user, IGrainFactory grains) =>
        WithRoom(route, grains, room => room.Disqualify(participantNo, By(user, action)));

    static Task<IResult> ReportStandIn([AsParameters] RoomRoute route, string participantNo, ActionNote action, ClaimsPrincipal user, IGrainFactory grains) =>
        WithRoom(route, grains, room => room.ReportStandIn(participantNo, By(user, action)));

    static Task<IResult> ApproveLogin([AsParameters] RoomRoute route, string participantNo, ActionNote action, ClaimsPrincipal user, IGrainFactory grains) =>
        WithRoom(route, grains, room => room.ApproveRelogin(participantNo, By(user, action)));

    /// <summary>
    /// The two faces a proctor compares before deciding on a mismatch: the registration photo and the capture kept as
    /// evidence (the incident's <c>evidence</c>). Only the room's proctor, only for a candidate of that room; never cached.
    /// </summary>
    static async Task<IResult> FaceImage([AsParameters] RoomRoute route, string participantNo, string image, HttpResponse response, IGrainFactory grains)
    {
        var key = route.Key;
        if (!key.IsOk) return Problems.Of(key.Fault!);
        if (!SessionKey.IsValidParticipantNo(participantNo) || (image != "registration" && !Keys.IsValidToken(image, 32)))
            return Problems.Of(ErrorCodes.KeyInvalid, "Participant number and image must be letters, digits or '-'.");
        if (await grains.GetGrain<ICandidateSessionGrain>(key.Value!.Session(participantNo).ToString()).GetView() is null)
            return Problems.Of(ErrorCodes.NotOnRoster, $"Candidate '{participantNo}' does not sit in this room.");
        var bytes = await grains.GetGrain<ICandidateGrain>(participantNo).GetFaceImage(image == "registration" ? null : image);
        if (bytes is null) return Problems.Of(ErrorCodes.FaceImageNotFound, "No such image for this candidate (deleted under retention, or never taken).");
        response.Headers.CacheControl = "no-store";
        return Results.File(bytes, bytes is [0x89, 0x50, ..] ? "image/png" : "image/jpeg");
    }

    /// <summary>The acting proctor is who the token says; the request supplies only the reason.</summary>
    static ProctorAction By(ClaimsPrincipal user, ActionNote? note) => new(user.Actor(), note?.Reason ?? "");

    static async Task<IResult> IssueProctorToken([AsParameters] RoomRoute route, ProctorTokenRequest request, ClaimsPrincipal user, StaffTokens tokens, IGrainFactory grains)
    {
        var key = route.Key;
        if (!key.IsOk) return Problems.Of(key.Fault!);
        if (!Keys.IsValidToken(request.ProctorId, 64) || string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 200)
            return Problems.Of(ErrorCodes.RequestInvalid, "A proctor id (1-64 letters, digits or '-') and a name are required.");
        var hours = request.Hours ?? 12;
        if (hours < 1 || TimeSpan.FromHours(hours) > MaxProctorTokenLifetime)
            return Problems.Of(ErrorCodes.RequestInvalid, $"Hours must be 1-{MaxProctorTokenLifetime.TotalHours}.");
        var room = key.Value!.ToString();
        var claimed = await grains.GetGrain<IKanregGrain>(key.Value.Region).ClaimProctorId(key.Value.Date, request.ProctorId, request.Name.Trim());
        if (!claimed.IsOk) return Problems.Of(claimed.Fault!);
        var (token, expires) = tokens.Issue(StaffGrant.Proctor(request.ProctorId, request.Name, [room], TimeSpan.FromHours(hours)) with { IssuedBy = user.StaffId() });
        return Results.Ok(new ProctorTokenGrant(token, expires, room));
    }

    /// <summary>A console is sent at most this many changes a second, however busy the room.</summary>
    static readonly TimeSpan StreamCoalesce = TimeSpan.FromMilliseconds(250);

    /// <summary>How long the room waits for a change before the stream sends a keep-alive.</summary>
    static readonly TimeSpan StreamKeepAlive = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The room view, then the room's changes as they come (<see cref="IExamRoomGrain.WatchChanges"/>): one grain call per
    /// message whatever the room's size, and the sittings are never asked. A browser that reconnects starts again with a view.
    /// </summary>
    static async Task<IResult> StreamRoom([AsParameters] RoomRoute route, HttpContext http, IGrainFactory grains, CancellationToken aborted)
    {
        var key = route.Key;
        if (!key.IsOk) return Problems.Of(key.Fault!);
        var room = grains.GetGrain<IExamRoomGrain>(key.Value!.ToString());
        var first = await room.GetView();
        if (!first.IsOk) return Problems.Of(first.Fault!);

        http.Response.ContentType = "text/event-stream";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        var view = first.Value!;
        await SendEvent(http, "view", view, aborted);
        var (version, incidents) = (view.Version, view.Incidents.Length);
        try
        {
            while (!aborted.IsCancellationRequested)
            {
                var watched = await room.WatchChanges(version, incidents, StreamKeepAlive);
                if (!watched.IsOk) break;
                var changes = watched.Value!;
                if (changes.Version == version && changes.IncidentCount == incidents)
                    await SendEvent(http, "alive", new { changes.ServerTime }, aborted);
                else
                    await SendEvent(http, "changes", changes, aborted);
                (version, incidents) = (changes.Version, changes.IncidentCount);
                await Task.Delay(StreamCoalesce, aborted);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The console left.
        }
        return Results.Empty;
    }

    static async Task SendEvent<T>(HttpContext http, string name, T data, CancellationToken aborted)
    {
        await http.Response.WriteAsync($"event: {name}\ndata: {System.Text.Json.JsonSerializer.Serialize(data, CasnJson.Options)}\n\n", aborted);
        await http.Response.Body.FlushAsync(aborted);
    }

    static async Task<IResult> Sitting([AsParameters] RoomRoute route, string participantNo, IGrainFactory grains)
    {
        var key = route.Key;
        if (!key.IsOk) return Problems.Of(key.Fault!);
        if (!SessionKey.IsValidParticipantNo(participantNo)) return Problems.Of(ErrorCodes.KeyInvalid, "A participant number is letters, digits or '-'.");
        var view = await grains.GetGrain<ICandidateSessionGrain>(key.Value!.Session(participantNo).ToString()).GetView();
        return view is null
            ? Problems.Of(ErrorCodes.SessionNotFound, $"Participant '{participantNo}' has no sitting in this room.")
            : Results.Ok(view);
    }

    static async Task<IResult> WithRoom<T>(RoomRoute route, IGrainFactory grains, Func<IExamRoomGrain, Task<Result<T>>> act)
    {
        var key = route.Key;
        if (!key.IsOk) return Problems.Of(key.Fault!);
        return Problems.From(await act(grains.GetGrain<IExamRoomGrain>(key.Value!.ToString())));
    }
}
