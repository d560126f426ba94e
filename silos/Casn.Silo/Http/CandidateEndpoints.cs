using System.Security.Claims;
using Casn.Access;
using Casn.Domain;
using Casn.Domain.Candidates;
using Casn.Faces;
using Casn.Grains.Abstractions;
using Microsoft.Extensions.Options;

namespace Casn.Silo.Http;

/// <summary>
/// What an operator sees of a candidate: the national ID masked, where they sit (Kanreg, site), the seat held
/// per exam and every recorded move.
/// </summary>
public sealed record CandidateRecordView(
    string ParticipantNo, string Name, string NationalIdMasked, string Category, string PositionId, bool Accessible,
    string Kanreg, string? Site, IReadOnlyDictionary<string, string> SeatByExam, CandidateMove[] Moves)
{
    public static CandidateRecordView Of(CandidateRecord record)
    {
        var p = record.Profile;
        return new(p.ParticipantNo, p.Name, Mask(p.NationalId), p.Category, p.PositionId, p.Accessible, p.Kanreg, p.Site, record.SeatByExam, record.Moves);
    }

    static string Mask(string nationalId) => nationalId.Length <= 8 ? new string('*', nationalId.Length)
        : nationalId[..4] + new string('*', nationalId.Length - 8) + nationalId[^4..];
}

/// <summary>
/// Candidates: registration, enrolment of the registration photo and moves are national; a Kanreg's operators read the
/// candidates who sit with them. A photo is sent as the raw body (image/jpeg or image/png) and never returned.
/// </summary>
public static class CandidateEndpoints
{
    public static void MapCandidateEndpoints(this IEndpointRouteBuilder app)
    {
        var candidates = app.MapGroup("/api/candidates/{participantNo}").WithTags("Candidates").RequireRateLimiting(Limits.Staff);
        candidates.MapPut("", Register).Allow(Access.NationalOperator)
            .Produces<CandidateRecordView>().WithSummary("Register or update a candidate (registration is national).");
        candidates.MapGet("", GetRecord).Allow(Access.AnyOperator)
            .Produces<CandidateRecordView>().WithSummary("A registered candidate (national ID masked): where they sit, their seats and moves. Their own Kanreg's operators and national operators only.");
        candidates.MapPut("/photo", Enrol).Allow(Access.NationalOperator).LimitBody(ImageBodies.TransportLimit)
            .Produces<EnrolmentReceipt>().WithSummary("Enrol the registration photo (raw image body). Stored sealed; never returned.");
        candidates.MapPost("/move", Move).Allow(Access.NationalOperator)
            .Produces<CandidateRecordView>().WithSummary("Move a candidate to another Kanreg (and site): seats not yet checked in to are freed, and the move is recorded.");
    }

    static async Task<IResult> Register(string participantNo, CandidateProfile profile, IGrainFactory grains)
    {
        if (!SessionKey.IsValidParticipantNo(participantNo)) return Problems.Of(SessionKey.InvalidParticipantNo);
        var registered = await grains.GetGrain<ICandidateGrain>(participantNo).Register(profile);
        return registered.IsOk ? Results.Ok(CandidateRecordView.Of(registered.Value!)) : Problems.Of(registered.Fault!);
    }

    static async Task<IResult> GetRecord(string participantNo, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!SessionKey.IsValidParticipantNo(participantNo) || await grains.GetGrain<ICandidateGrain>(participantNo).GetRecord() is not { } record)
            return Problems.Of(ErrorCodes.CandidateNotFound, $"Candidate '{participantNo}' is not registered.");
        // A Kanreg's operators see the candidates who sit with them; national operators see all.
        return user.IsOperatorFor(record.Profile.Kanreg)
            ? Results.Ok(CandidateRecordView.Of(record))
            : Problems.Of(ErrorCodes.CandidateOtherKanreg, $"Candidate '{participantNo}' sits with another Kanreg.");
    }

    static async Task<IResult> Enrol(string participantNo, HttpRequest http, IGrainFactory grains, IOptions<FaceOptions> faces)
    {
        if (!SessionKey.IsValidParticipantNo(participantNo)) return Problems.Of(SessionKey.InvalidParticipantNo);
        var image = await ImageBodies.Read(http, faces.Value.MaxImageBytes);
        if (!image.IsOk) return Problems.Of(image.Fault!);
        return Problems.From(await grains.GetGrain<ICandidateGrain>(participantNo).Enrol(image.Value!));
    }

    static async Task<IResult> Move(string participantNo, CandidateMoveRequest move, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!SessionKey.IsValidParticipantNo(participantNo)) return Problems.Of(SessionKey.InvalidParticipantNo);
        var moved = await grains.GetGrain<ICandidateGrain>(participantNo).Move(move, user.Actor());
        return moved.IsOk ? Results.Ok(CandidateRecordView.Of(moved.Value!)) : Problems.Of(moved.Fault!);
    }
}
