using Casn.Domain;
using Casn.Domain.Audit;
using Casn.Domain.Sessions;
using Casn.Faces;
using Casn.Grains.Abstractions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Casn.Silo.Http;

public sealed record AnswerRequest(long Sequence, int? Choice);

/// <summary>What the candidate takes home: the result and the code that anyone can check.</summary>
public sealed record Receipt(string ParticipantNo, string ExamId, Casn.Domain.Scoring.ScoreSheet Scores, string Outcome, string Reason,
    DateTimeOffset FinishedAt, string AuditHead, string CertificateCode, string VerifyPath, string VerifyUrl);

/// <summary>
/// The candidate's workstation: log in with the PIN from check-in and the workstation's own secret key,
/// then every call carries the session token as <c>Authorization: Bearer</c> and the same key as
/// <c>X-Workstation-Key</c>; the session grain accepts the token only with that key. Answers are PUTs with a client sequence number, so a
/// workstation can resend any answer it has no acknowledgement for.
/// </summary>
public static class SessionEndpoints
{
    public static void MapSessionEndpoints(this IEndpointRouteBuilder app)
    {
        var sessions = app.MapGroup("/api/sessions/" + SessionRoute.Template).WithTags("Workstation").AllowCandidate()
            .RequireRateLimiting(Limits.Workstation);

        sessions.MapPost("/login", Login).RequireRateLimiting(Limits.Login)
            .Produces<LoginGrant>().WithSummary("Log in with the check-in PIN; returns the session token. Another workstation takes the seat over only after the proctor approves it (auth.relogin_needs_proctor).");
        sessions.MapGet("/paper", GetPaper)
            .Produces<WorkstationPaper>().WithSummary("The candidate's items in their own order, answers so far and time left. No answer keys.");
        sessions.MapPut("/answers/{itemId}", PutAnswer)
            .Produces<AnswerAck>().WithSummary("Answer an item (choice = shown option position, null clears). Acknowledged only once stored; replays get the same ack.");
        sessions.MapPost("/heartbeat", Heartbeat)
            .Produces<ClockView>().WithSummary("Tells the server the workstation is alive; returns the clock.");
        sessions.MapPost("/face-frames", PostFaceFrame).LimitBody(ImageBodies.TransportLimit)
            .Produces<ClockView>().WithSummary("A camera frame when the clock says faceCheckDue (raw image body). A different face suspends the session at once.");
        sessions.MapPost("/submit", Submit)
            .Produces<FinalResult>().WithSummary("Finish the exam; returns the final score.");
        sessions.MapGet("/result", GetResult)
            .Produces<FinalResult>().WithSummary("The final score, once finished.");
        sessions.MapGet("/receipt", GetReceipt)
            .Produces<Receipt>().WithSummary("The candidate's receipt once finished: scores, chain head and certificate code.");
    }

    static async Task<IResult> Login([AsParameters] SessionRoute route, LoginRequest request, HttpContext http, IGrainFactory grains)
    {
        var key = route.Key;
        if (!key.IsOk) return Problems.Of(key.Fault!);
        return Problems.From(await grains.GetGrain<ICandidateSessionGrain>(key.Value!.ToString()).Login(request, Limits.AddressOf(http)));
    }

    static Task<IResult> GetPaper([AsParameters] SessionRoute route, HttpRequest http, IGrainFactory grains) =>
        WithToken(route, http, grains, (session, token) => session.GetPaper(token));

    static Task<IResult> PutAnswer([AsParameters] SessionRoute route, string itemId, AnswerRequest answer, HttpRequest http, IGrainFactory grains) =>
        WithToken(route, http, grains, (session, token) => session.SubmitAnswer(token, new AnswerSubmission(answer.Sequence, itemId, answer.Choice)));

    static Task<IResult> Heartbeat([AsParameters] SessionRoute route, HttpRequest http, IGrainFactory grains) =>
        WithToken(route, http, grains, (session, token) => session.Heartbeat(token));

    static Task<IResult> PostFaceFrame([AsParameters] SessionRoute route, HttpRequest http, IGrainFactory grains, IOptions<FaceOptions> faces) =>
        WithToken(route, http, grains, async (session, token) =>
        {
            var image = await ImageBodies.Read(http, faces.Value.MaxImageBytes);
            return image.IsOk ? await session.SubmitFaceFrame(token, image.Value!) : image.Fault!;
        });

    static Task<IResult> Submit([AsParameters] SessionRoute route, HttpRequest http, IGrainFactory grains) =>
        WithToken(route, http, grains, (session, token) => session.Submit(token));

    static Task<IResult> GetResult([AsParameters] SessionRoute route, HttpRequest http, IGrainFactory grains) =>
        WithToken(route, http, grains, (session, token) => session.GetResult(token));

    static Task<IResult> GetReceipt([AsParameters] SessionRoute route, HttpRequest http, IGrainFactory grains, PublicSite site) =>
        WithToken(route, http, grains, async (session, credential) =>
        {
            var result = await session.GetResult(credential);
            if (!result.IsOk) return (Result<Receipt>)result.Fault!;
            var r = result.Value!;
            var code = SessionArchive.CertificateCodeFor(r.AuditHead);
            var verifyPath = CertificateEndpoints.VerifyPath(code);
            return (Result<Receipt>)new Receipt(r.ParticipantNo, r.ExamId, r.Scores, Certificate.OutcomeOf(r.Pass, r.Reason), r.Reason.ToString(), r.FinishedAt,
                r.AuditHead, code, verifyPath, site.Link(verifyPath));
        });

    public const string WorkstationKeyHeader = "X-Workstation-Key";

    /// <summary>Checks the address, the bearer token and the workstation key, then acts on the candidate's session.</summary>
    static async Task<IResult> WithToken<T>(SessionRoute route, HttpRequest http, IGrainFactory grains,
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
