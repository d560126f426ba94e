using Casn.Access;
using Casn.Domain;
using Casn.Domain.Exams;
using Casn.Domain.Results;
using Casn.Grains;
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

/// <summary>A position's definition: <c>openings</c> is how many the agency hires (the shortlist is the exam's factor times it).</summary>
public sealed record PositionRequest(string? Agency, string? Title, int Openings);

/// <summary>
/// Exams and their positions (formasi): national operators define them and run the selection; every operator reads an
/// exam; a position's latest announcement is public.
/// </summary>
public static class ExamEndpoints
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
    static async Task<string?> LatestAnnouncement(BlobStores blobs, string examId, string positionId) =>
        Keys.IsValidToken(examId, 64) && Keys.IsValidToken(positionId, 64)
        && await blobs.Archives.Get(PositionRankingGrain.LatestAnnouncementName(examId, positionId)) is { } bytes
            ? System.Text.Encoding.UTF8.GetString(bytes)
            : null;

    public static void MapExamEndpoints(this IEndpointRouteBuilder app)
    {
        var exams = app.MapGroup("/api/exams/{examId}").WithTags("Exams").RequireRateLimiting(Limits.Staff);
        exams.MapPut("", Define).Allow(Access.NationalOperator).LimitBody(l => l.ExamBodyBytes)
            .Produces<ExamSummary>().WithSummary("Define an exam: blueprint and item bank. Defining the same content again is accepted.");
        exams.MapGet("", GetSummary).Allow(Access.AnyOperator)
            .Produces<ExamSummary>().WithSummary("An exam's summary; answer keys are never returned.");

        var positions = exams.MapGroup("/positions/{positionId}");
        positions.MapPut("", DefinePosition).Allow(Access.NationalOperator)
            .Produces<Position>().WithSummary("Define a position (formasi) of an exam: agency, title and openings. Its sittings' results are collected from then on, and before.");
        positions.MapGet("/standing", GetStanding).Allow(Access.NationalOperator)
            .Produces<PositionStanding>().WithSummary("A position's SKD standing by the exam's rules: ranked and shortlisted, then failed, absent and disqualified. No NIK.");
        // No Accepts("text/csv"): routing would answer another content type with 415 before access control has run.
        positions.MapPost("/skb", ImportSkb).Allow(Access.NationalOperator).LimitBody(_ => SkbBodyBytes)
            .Produces<SkbImport>().WithSummary("An agency's SKB scores as CSV (participantNo,score; 0-100; an optional header line) for the position's shortlisted candidates. One bad line refuses the file, naming every bad line (skb.invalid).");
        positions.MapGet("/final", GetFinal).Allow(Access.NationalOperator)
            .Produces<FinalSelectionView>().WithSummary("A position's final selection: SKD and SKB on 0-100, weighted per exam (40/60 by default), ranked with the exam's tie-break; the openings are chosen.");
        positions.MapPost("/announcements", Announce).Allow(Access.NationalOperator)
            .Produces<AnnouncementSummary>().WithSummary("Freeze the position's standing as the next announcement version, signed with the archive key (check it with `casn audit verify-announcement`). The latest is public.");

        // The latest announcement is public: read from blob storage, it has no rate limit of staff.
        var announcements = app.MapGroup("/api/exams/{examId}/positions/{positionId}/announcements/latest").WithTags("Exams").AllowPublic();
        announcements.MapGet("", GetLatestAnnouncement)
            .Produces<Announcement>().WithSummary("The latest signed announcement of a position: rank, participant number, name, section scores, total, status and certificate code. No NIK.");
        announcements.MapGet("/csv", GetLatestAnnouncementCsv)
            .Produces<string>(StatusCodes.Status200OK, "text/csv").WithSummary("The latest announcement's rows as CSV for spreadsheets (formula-like text neutralised). The signed JSON is the record.");
    }

    static async Task<IResult> Define(string examId, ExamDefinitionBody definition, IGrainFactory grains) =>
        !Keys.IsValidToken(examId, 64) ? Problems.Of(ErrorCodes.KeyInvalid, "Exam id must be 1-64 letters, digits or '-'.")
        : definition.Id is { } id && id != examId ? Problems.Of(ErrorCodes.ExamInvalid, $"The body's id '{id}' is not the address's '{examId}' (leave it out, or make it the same).")
        : Problems.From(await grains.GetGrain<IExamGrain>(examId).Define(definition.ToDefinition()));

    static async Task<IResult> GetSummary(string examId, IGrainFactory grains) =>
        Keys.IsValidToken(examId, 64) && await grains.GetGrain<IExamGrain>(examId).GetSummary() is { } summary
            ? Results.Ok(summary)
            : Problems.Of(ErrorCodes.ExamNotFound, $"Exam '{examId}' is not defined.");

    static async Task<IResult> DefinePosition(string examId, string positionId, PositionRequest body, IGrainFactory grains) =>
        PositionOf(grains, examId, positionId) is { } position
            ? Problems.From(await position.Define(new Position(positionId, body.Agency ?? "", body.Title ?? "", body.Openings)))
            : InvalidPositionKey();

    static async Task<IResult> GetStanding(string examId, string positionId, IGrainFactory grains) =>
        PositionOf(grains, examId, positionId) is { } position && await position.GetStanding() is { } standing
            ? Results.Ok(standing)
            : PositionUnknown(examId, positionId);

    static async Task<IResult> ImportSkb(string examId, string positionId, HttpRequest http, IGrainFactory grains)
    {
        if (PositionOf(grains, examId, positionId) is not { } position) return InvalidPositionKey();
        using var reader = new StreamReader(http.Body, System.Text.Encoding.UTF8);
        var imported = await position.ImportSkb(await reader.ReadToEndAsync(http.HttpContext.RequestAborted));
        return imported.IsOk ? Results.Ok(new SkbImport(imported.Value)) : Problems.Of(imported.Fault!);
    }

    static async Task<IResult> GetFinal(string examId, string positionId, IGrainFactory grains) =>
        PositionOf(grains, examId, positionId) is { } position && await position.GetFinal() is { } final
            ? Results.Ok(final)
            : PositionUnknown(examId, positionId);

    static async Task<IResult> Announce(string examId, string positionId, IGrainFactory grains) =>
        PositionOf(grains, examId, positionId) is { } position ? Problems.From(await position.Announce()) : InvalidPositionKey();

    static async Task<IResult> GetLatestAnnouncement(string examId, string positionId, BlobStores blobs) =>
        await LatestAnnouncement(blobs, examId, positionId) is { } json
            ? Results.Text(json, "application/json")
            : AnnouncementNotFound(examId, positionId);

    static async Task<IResult> GetLatestAnnouncementCsv(string examId, string positionId, BlobStores blobs) =>
        await LatestAnnouncement(blobs, examId, positionId) is { } json
            ? Results.File(System.Text.Encoding.UTF8.GetBytes(Announcement.FromJson(json).ToCsv()), "text/csv; charset=utf-8", $"{examId}-{positionId}-announcement.csv")
            : AnnouncementNotFound(examId, positionId);
}
