using System.Security.Claims;
using Casn.Access;
using Casn.Domain;
using Casn.Domain.Rooms;
using Casn.Grains.Abstractions;
using Microsoft.AspNetCore.Mvc;

namespace Casn.Silo.Http;

/// <summary>The national register of stand-in cases that proctors report: national operators confirm or dismiss each.</summary>
public static class StandInEndpoints
{
    public static void MapStandInEndpoints(this IEndpointRouteBuilder app)
    {
        var standIns = app.MapGroup("/api/stand-in-cases").WithTags("Stand-in cases").RequireRateLimiting(Limits.Staff).Allow(Access.NationalOperator);
        standIns.MapGet("", GetRegister)
            .Produces<StandInRegister>().WithSummary("Stand-in cases reported by proctors, and the registrations or seats refused for a blocked national ID.");
        standIns.MapPost("/" + SessionRoute.Template + "/confirm", Confirm)
            .Produces<StandInCase>().WithSummary("Confirm a stand-in case: the candidate's national ID is blocked (candidate.blocked) from then on.");
        standIns.MapPost("/" + SessionRoute.Template + "/dismiss", Dismiss)
            .Produces<StandInCase>().WithSummary("Dismiss a stand-in case, with the reason.");
    }

    static async Task<IResult> GetRegister(IGrainFactory grains) =>
        Results.Ok(await grains.GetGrain<IStandInRegistryGrain>(IStandInRegistryGrain.National).GetRegister());

    static Task<IResult> Confirm([AsParameters] SessionRoute route, ActionNote decision, ClaimsPrincipal user, IGrainFactory grains) =>
        Decide(route, confirm: true, decision, user, grains);

    static Task<IResult> Dismiss([AsParameters] SessionRoute route, ActionNote decision, ClaimsPrincipal user, IGrainFactory grains) =>
        Decide(route, confirm: false, decision, user, grains);

    static async Task<IResult> Decide(SessionRoute route, bool confirm, ActionNote decision, ClaimsPrincipal user, IGrainFactory grains)
    {
        var key = route.Key;
        if (!key.IsOk) return Problems.Of(key.Fault!);
        return Problems.From(await grains.GetGrain<IStandInRegistryGrain>(IStandInRegistryGrain.National)
            .Decide(key.Value!.ToString(), confirm, new ProctorAction(user.Actor(), decision?.Reason ?? "")));
    }
}
