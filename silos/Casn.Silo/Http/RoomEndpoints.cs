using Casn.Domain;
using Casn.Grains.Abstractions;
using Microsoft.AspNetCore.Mvc;

namespace Casn.Silo.Http;

public sealed record ExtendTimeRequest(int Minutes, string By, string Reason);

/// <summary>Rooms: set-up and roster (operators), check-in and proctor actions (proctors).</summary>
public static class RoomEndpoints
{
    public static void MapRoomEndpoints(this IEndpointRouteBuilder app)
    {
        var rooms = app.MapGroup("/api/rooms/" + RoomRoute.Template).WithTags("Rooms");

        rooms.MapPut("", ([AsParameters] RoomRoute route, RoomSetup setup, IGrainFactory grains) =>
            WithRoom(route, grains, room => room.Setup(setup))).WithSummary("Set up a room for one session slot.");
        rooms.MapGet("", ([AsParameters] RoomRoute route, IGrainFactory grains) =>
            WithRoom(route, grains, room => room.GetView())).WithSummary("The proctor's view: attendance, every candidate's status and time, incidents.");
        rooms.MapPost("/roster", ([AsParameters] RoomRoute route, RosterEntry[] entries, IGrainFactory grains) =>
            WithRoom(route, grains, room => room.AddToRoster(entries))).WithSummary("Add registered candidates to the roster with their seats.");
        rooms.MapPost("/checkins", ([AsParameters] RoomRoute route, CheckInRequest request, IGrainFactory grains) =>
            WithRoom(route, grains, room => room.CheckIn(request))).WithSummary("Check a candidate in (or issue a new PIN); returns the PIN for the slip.");
        rooms.MapPost("/open", ([AsParameters] RoomRoute route, ProctorAction action, IGrainFactory grains) =>
            WithRoom(route, grains, room => room.Open(action))).WithSummary("Start the session in this room.");
        rooms.MapPost("/close", ([AsParameters] RoomRoute route, ProctorAction action, IGrainFactory grains) =>
            WithRoom(route, grains, room => room.Close(action))).WithSummary("End the session: every open sitting is submitted.");

        var candidate = rooms.MapGroup("/candidates/{participantNo}");
        candidate.MapPost("/suspend", ([AsParameters] RoomRoute route, string participantNo, ProctorAction action, IGrainFactory grains) =>
            WithRoom(route, grains, room => room.Suspend(participantNo, action))).WithSummary("Stop a candidate's questions and clock.");
        candidate.MapPost("/resume", ([AsParameters] RoomRoute route, string participantNo, ProctorAction action, IGrainFactory grains) =>
            WithRoom(route, grains, room => room.Resume(participantNo, action))).WithSummary("Resume; the suspended time is given back.");
        candidate.MapPost("/extend", ([AsParameters] RoomRoute route, string participantNo, ExtendTimeRequest request, IGrainFactory grains) =>
            WithRoom(route, grains, room => room.ExtendTime(participantNo, TimeSpan.FromMinutes(request.Minutes), new ProctorAction(request.By, request.Reason))))
            .WithSummary("Give a candidate extra minutes, with a reason.");
        candidate.MapPost("/disqualify", ([AsParameters] RoomRoute route, string participantNo, ProctorAction action, IGrainFactory grains) =>
            WithRoom(route, grains, room => room.Disqualify(participantNo, action))).WithSummary("Disqualify, with a reason. Only a proctor can.");
    }

    static async Task<IResult> WithRoom<T>([AsParameters] RoomRoute route, IGrainFactory grains, Func<IExamRoomGrain, Task<Result<T>>> act)
    {
        var key = route.Key;
        if (!key.IsOk) return Problems.Of(key.Fault!);
        return Problems.From(await act(grains.GetGrain<IExamRoomGrain>(key.Value!.ToString())));
    }
}
