using System.Security.Claims;
using Casn.Access;
using Casn.Domain;
using Casn.Domain.Candidates;
using Casn.Domain.Exams;
using Casn.Domain.Rooms;
using Casn.Grains.Abstractions;

namespace Casn.Silo.Http;

/// <summary>
/// An exam as defined over HTTP: the blueprint, the bank's version and items. The exam's id is the blueprint's; a top-level
/// <c>id</c> (as <c>GET</c> and exports write it) is accepted when it is the address's, and refused otherwise.
/// </summary>
public sealed record ExamDefinitionBody(string? Id, ExamBlueprint Blueprint, string BankVersion, ItemDefinition[] Items)
{
    public ExamDefinition ToDefinition() => new(Blueprint, BankVersion, Items);
}

/// <summary>What an SKB file gave: how many scores it held.</summary>
public sealed record SkbImport(int Scores);

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

/// <summary>A position's definition: <c>openings</c> is how many the agency hires (the shortlist is the exam's factor times it).</summary>
public sealed record PositionRequest(string? Agency, string? Title, int Openings);

/// <summary>Exam and candidate registration: national operators write, every operator reads.</summary>
public static class OperatorEndpoints
{
    /// <summary>An SKB file's ceiling: about 20 bytes a line, so room for 200,000 candidates.</summary>
    public const long SkbBodyBytes = 4 * 1024 * 1024;

    /// <summary>The ranking grain of a position, or null when the exam or position id is not a token (never a grain for a made-up key).</summary>
    static IPositionRankingGrain? PositionOf(IGrainFactory grains, string examId, string positionId) =>
        Keys.IsValidToken(examId, 64) && Keys.IsValidToken(positionId, 64) ? grains.GetGrain<IPositionRankingGrain>(PositionKey.Of(examId, positionId)) : null;

    static IResult InvalidPositionKey() => Problems.Of(ErrorCodes.KeyInvalid, "Exam and position ids must be 1-64 letters, digits or '-'.");

    static IResult PositionUnknown(string examId, string positionId) =>
        Problems.Of(ErrorCodes.PositionUnknown, $"Position '{positionId}' of exam '{examId}' is not defined.");

    static IResult AnnouncementNotFound(string examId, string positionId) =>
        Problems.Of(ErrorCodes.AnnouncementNotFound, $"Position '{positionId}' of exam '{examId}' has no announcement.");

    /// <summary>The latest announcement's signed JSON, read from blob storage: a public read of a made-up position activates nothing.</summary>
    static async Task<string?> LatestAnnouncement(Casn.Grains.BlobStores blobs, string examId, string positionId) =>
        Keys.IsValidToken(examId, 64) && Keys.IsValidToken(positionId, 64)
        && await blobs.Archives.Get(Casn.Grains.PositionRankingGrain.LatestAnnouncementName(examId, positionId)) is { } bytes
            ? System.Text.Encoding.UTF8.GetString(bytes)
            : null;

    public static void MapOperatorEndpoints(this IEndpointRouteBuilder app)
    {
        var exams = app.MapGroup("/api/exams").WithTags("Exams").RequireRateLimiting(Limits.Staff);
        exams.MapPut("/{examId}", async (string examId, ExamDefinitionBody definition, IGrainFactory grains) =>
            !Keys.IsValidToken(examId, 64) ? Problems.Of(ErrorCodes.KeyInvalid, "Exam id must be 1-64 letters, digits or '-'.")
            : definition.Id is { } id && id != examId ? Problems.Of(ErrorCodes.ExamInvalid, $"The body's id '{id}' is not the address's '{examId}' (leave it out, or make it the same).")
            : Problems.From(await grains.GetGrain<IExamGrain>(examId).Define(definition.ToDefinition())))
            .Allow(Access.NationalOperator).LimitBody(l => l.ExamBodyBytes).Produces<ExamSummary>().WithSummary("Define an exam: blueprint and item bank. Defining the same content again is accepted.");
        exams.MapGet("/{examId}", async (string examId, IGrainFactory grains) =>
            Keys.IsValidToken(examId, 64) && await grains.GetGrain<IExamGrain>(examId).GetSummary() is { } summary
                ? Results.Ok(summary)
                : Problems.Of(ErrorCodes.ExamNotFound, $"Exam '{examId}' is not defined."))
            .Allow(Access.AnyOperator).Produces<ExamSummary>().WithSummary("An exam's summary; answer keys are never returned.");

        exams.MapPut("/{examId}/positions/{positionId}", async (string examId, string positionId, PositionRequest body, IGrainFactory grains) =>
            PositionOf(grains, examId, positionId) is { } position
                ? Problems.From(await position.Define(new Casn.Domain.Results.Position(positionId, body.Agency ?? "", body.Title ?? "", body.Openings)))
                : InvalidPositionKey())
            .Allow(Access.NationalOperator).Produces<Casn.Domain.Results.Position>().WithSummary("Define a position (formasi) of an exam: agency, title and openings. Its sittings' results are collected from then on, and before.");
        exams.MapGet("/{examId}/positions/{positionId}/standing", async (string examId, string positionId, IGrainFactory grains) =>
            PositionOf(grains, examId, positionId) is { } position && await position.GetStanding() is { } standing
                ? Results.Ok(standing)
                : PositionUnknown(examId, positionId))
            .Allow(Access.NationalOperator)
            .Produces<PositionStanding>().WithSummary("A position's SKD standing by the exam's rules: ranked and shortlisted, then failed, absent and disqualified. No NIK.");

        exams.MapPost("/{examId}/positions/{positionId}/skb", async (string examId, string positionId, HttpRequest http, IGrainFactory grains) =>
        {
            if (PositionOf(grains, examId, positionId) is not { } position) return InvalidPositionKey();
            using var reader = new StreamReader(http.Body, System.Text.Encoding.UTF8);
            var imported = await position.ImportSkb(await reader.ReadToEndAsync(http.HttpContext.RequestAborted));
            return imported.IsOk ? Results.Ok(new SkbImport(imported.Value)) : Problems.Of(imported.Fault!);
        })
            // No Accepts("text/csv"): routing would answer another content type with 415 before access control has run.
            .Allow(Access.NationalOperator).LimitBody(_ => SkbBodyBytes)
            .Produces<SkbImport>().WithSummary("An agency's SKB scores as CSV (participantNo,score; 0-100; an optional header line) for the position's shortlisted candidates. One bad line refuses the file, naming every bad line (skb.invalid).");
        exams.MapGet("/{examId}/positions/{positionId}/final", async (string examId, string positionId, IGrainFactory grains) =>
            PositionOf(grains, examId, positionId) is { } position && await position.GetFinal() is { } final
                ? Results.Ok(final)
                : PositionUnknown(examId, positionId))
            .Allow(Access.NationalOperator)
            .Produces<FinalSelectionView>().WithSummary("A position's final selection: SKD and SKB on 0-100, weighted per exam (40/60 by default), ranked with the exam's tie-break; the openings are chosen.");

        exams.MapPost("/{examId}/positions/{positionId}/announcements", async (string examId, string positionId, IGrainFactory grains) =>
            PositionOf(grains, examId, positionId) is { } position ? Problems.From(await position.Announce()) : InvalidPositionKey())
            .Allow(Access.NationalOperator)
            .Produces<AnnouncementSummary>().WithSummary("Freeze the position's standing as the next announcement version, signed with the archive key (check it with `casn audit verify-announcement`). The latest is public.");
        app.MapGet("/api/exams/{examId}/positions/{positionId}/announcements/latest", async (string examId, string positionId, Casn.Grains.BlobStores blobs) =>
            await LatestAnnouncement(blobs, examId, positionId) is { } json
                ? Results.Text(json, "application/json")
                : AnnouncementNotFound(examId, positionId))
            .AllowPublic().WithTags("Exams")
            .Produces<Casn.Domain.Results.Announcement>().WithSummary("The latest signed announcement of a position: rank, participant number, name, section scores, total, status and certificate code. No NIK.");
        app.MapGet("/api/exams/{examId}/positions/{positionId}/announcements/latest/csv", async (string examId, string positionId, Casn.Grains.BlobStores blobs) =>
            await LatestAnnouncement(blobs, examId, positionId) is { } json
                ? Results.File(System.Text.Encoding.UTF8.GetBytes(Casn.Domain.Results.Announcement.FromJson(json).ToCsv()), "text/csv; charset=utf-8",
                    $"{examId}-{positionId}-announcement.csv")
                : AnnouncementNotFound(examId, positionId))
            .AllowPublic().WithTags("Exams")
            .Produces<string>(StatusCodes.Status200OK, "text/csv").WithSummary("The latest announcement's rows as CSV for spreadsheets (formula-like text neutralised). The signed JSON is the record.");

        var candidates = app.MapGroup("/api/candidates").WithTags("Candidates").RequireRateLimiting(Limits.Staff);
        candidates.MapPut("/{participantNo}", async (string participantNo, CandidateProfile profile, IGrainFactory grains) =>
        {
            if (!SessionKey.IsValidParticipantNo(participantNo))
                return Problems.Of(ErrorCodes.KeyInvalid, "Participant number must be 1-32 letters, digits or '-'.");
            var registered = await grains.GetGrain<ICandidateGrain>(participantNo).Register(profile);
            return registered.IsOk ? Results.Ok(CandidateRecordView.Of(registered.Value!)) : Problems.Of(registered.Fault!);
        }).Allow(Access.NationalOperator).Produces<CandidateRecordView>().WithSummary("Register or update a candidate (registration is national).");
        candidates.MapGet("/{participantNo}", async (string participantNo, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            if (!SessionKey.IsValidParticipantNo(participantNo) || await grains.GetGrain<ICandidateGrain>(participantNo).GetRecord() is not { } record)
                return Problems.Of(ErrorCodes.CandidateNotFound, $"Candidate '{participantNo}' is not registered.");
            // A Kanreg's operators see the candidates who sit with them; national operators see all.
            return user.IsOperatorFor(record.Profile.Kanreg)
                ? Results.Ok(CandidateRecordView.Of(record))
                : Problems.Of(ErrorCodes.CandidateOtherKanreg, $"Candidate '{participantNo}' sits with another Kanreg.");
        }).Allow(Access.AnyOperator).Produces<CandidateRecordView>().WithSummary("A registered candidate (national ID masked): where they sit, their seats and moves. Their own Kanreg's operators and national operators only.");
        candidates.MapPost("/{participantNo}/move", async (string participantNo, CandidateMoveRequest move, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            if (!SessionKey.IsValidParticipantNo(participantNo))
                return Problems.Of(ErrorCodes.KeyInvalid, "Participant number must be 1-32 letters, digits or '-'.");
            var moved = await grains.GetGrain<ICandidateGrain>(participantNo).Move(move, user.Actor());
            return moved.IsOk ? Results.Ok(CandidateRecordView.Of(moved.Value!)) : Problems.Of(moved.Fault!);
        }).Allow(Access.NationalOperator).Produces<CandidateRecordView>().WithSummary("Move a candidate to another Kanreg (and site): seats not yet checked in to are freed, and the move is recorded.");

        var standIns = app.MapGroup("/api/stand-in-cases").WithTags("Stand-in cases").RequireRateLimiting(Limits.Staff);
        standIns.MapGet("", async (IGrainFactory grains) =>
            Results.Ok(await grains.GetGrain<IStandInRegistryGrain>(IStandInRegistryGrain.National).GetRegister()))
            .Allow(Access.NationalOperator).Produces<StandInRegister>().WithSummary("Stand-in cases reported by proctors, and the registrations or seats refused for a blocked national ID.");
        standIns.MapPost("/" + SessionRoute.Template + "/confirm", ([AsParameters] SessionRoute route, ActionNote decision, ClaimsPrincipal user, IGrainFactory grains) =>
            Decide(route, confirm: true, decision, user, grains))
            .Allow(Access.NationalOperator).Produces<StandInCase>().WithSummary("Confirm a stand-in case: the candidate's national ID is blocked (candidate.blocked) from then on.");
        standIns.MapPost("/" + SessionRoute.Template + "/dismiss", ([AsParameters] SessionRoute route, ActionNote decision, ClaimsPrincipal user, IGrainFactory grains) =>
            Decide(route, confirm: false, decision, user, grains))
            .Allow(Access.NationalOperator).Produces<StandInCase>().WithSummary("Dismiss a stand-in case, with the reason.");
    }

    static async Task<IResult> Decide(SessionRoute route, bool confirm, ActionNote decision, ClaimsPrincipal user, IGrainFactory grains)
    {
        var key = route.Key;
        if (!key.IsOk) return Problems.Of(key.Fault!);
        return Problems.From(await grains.GetGrain<IStandInRegistryGrain>(IStandInRegistryGrain.National)
            .Decide(key.Value!.ToString(), confirm, new ProctorAction(user.Actor(), decision?.Reason ?? "")));
    }
}
