using Casn.Domain;
using Casn.Grains.Abstractions;
using Microsoft.AspNetCore.Mvc;

namespace Casn.Silo.Http;

public sealed record AnswerRequest(long Sequence, int? Choice);

/// <summary>
/// The candidate's workstation: log in with the PIN from check-in and the workstation's own secret key,
/// then every call carries the session token as <c>Authorization: Bearer</c> and the same key as
/// <c>X-Workstation-Key</c>; the session grain accepts the token only with that key. Answers are PUTs with a client sequence number, so a
/// workstation can resend any answer it has no acknowledgement for.
/// </summary>
public static class WorkstationEndpoints
{
    public static void MapWorkstationEndpoints(this IEndpointRouteBuilder app)
    {
        var sessions = app.MapGroup("/api/sessions/" + SessionRoute.Template).WithTags("Workstation").AllowCandidate()
            .RequireRateLimiting(Limits.Workstation);

        sessions.MapPost("/login", async ([AsParameters] SessionRoute route, LoginRequest request, HttpContext http, IGrainFactory grains) =>
        {
            var key = route.Key;
            if (!key.IsOk) return Problems.Of(key.Fault!);
            return Problems.From(await grains.GetGrain<ICandidateSessionGrain>(key.Value!.ToString()).Login(request, Limits.AddressOf(http)));
        }).RequireRateLimiting(Limits.Login)
        .Produces<Casn.Domain.Sessions.LoginGrant>().WithSummary("Log in with the check-in PIN; returns the session token. Another workstation takes the seat over only after the proctor approves it (auth.relogin_needs_proctor).");

        sessions.MapGet("/paper", ([AsParameters] SessionRoute route, HttpRequest http, IGrainFactory grains) =>
            WithToken(route, http, grains, (session, token) => session.GetPaper(token)))
            .Produces<Casn.Domain.Sessions.WorkstationPaper>().WithSummary("The candidate's items in their own order, answers so far and time left. No answer keys.");

        sessions.MapPut("/answers/{itemId}", ([AsParameters] SessionRoute route, string itemId, AnswerRequest answer, HttpRequest http, IGrainFactory grains) =>
            WithToken(route, http, grains, (session, token) => session.SubmitAnswer(token, new AnswerSubmission(answer.Sequence, itemId, answer.Choice))))
            .Produces<Casn.Domain.Sessions.AnswerAck>().WithSummary("Answer an item (choice = shown option position, null clears). Acknowledged only once stored; replays get the same ack.");

        sessions.MapPost("/heartbeat", ([AsParameters] SessionRoute route, HttpRequest http, IGrainFactory grains) =>
            WithToken(route, http, grains, (session, token) => session.Heartbeat(token)))
            .Produces<Casn.Domain.Sessions.ClockView>().WithSummary("Tells the server the workstation is alive; returns the clock.");

        sessions.MapPost("/submit", ([AsParameters] SessionRoute route, HttpRequest http, IGrainFactory grains) =>
            WithToken(route, http, grains, (session, token) => session.Submit(token)))
            .Produces<Casn.Domain.Sessions.FinalResult>().WithSummary("Finish the exam; returns the final score.");

        sessions.MapGet("/result", ([AsParameters] SessionRoute route, HttpRequest http, IGrainFactory grains) =>
            WithToken(route, http, grains, (session, token) => session.GetResult(token)))
            .Produces<Casn.Domain.Sessions.FinalResult>().WithSummary("The final score, once finished.");
    }

    public const string WorkstationKeyHeader = "X-Workstation-Key";

    /// <summary>Checks the address, the bearer token and the workstation key, then acts on the candidate's session.</summary>
    internal static async Task<IResult> WithToken<T>(SessionRoute route, HttpRequest http, IGrainFactory grains,
        Func<ICandidateSessionGrain, string, Task<Result<T>>> act)
    {
        var key = route.Key;
        if (!key.IsOk) return Problems.Of(key.Fault!);
        var token = BearerToken(http);
        if (token is null) return Problems.Of(ErrorCodes.AuthTokenMissing, "Send the session token as 'Authorization: Bearer <token>'.");
        var workstationKey = http.Headers[WorkstationKeyHeader].ToString();
        if (!WorkstationCredential.IsValidKey(workstationKey))
            return Problems.Of(ErrorCodes.AuthWorkstationKeyInvalid, $"Send the workstation's key as '{WorkstationKeyHeader}', the one it logged in with.");
        return Problems.From(await act(grains.GetGrain<ICandidateSessionGrain>(key.Value!.ToString()), WorkstationCredential.Of(token, workstationKey)));
    }

    static string? BearerToken(HttpRequest http)
    {
        var header = http.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.Ordinal) && header.Length > 7 ? header[7..] : null;
    }
}
