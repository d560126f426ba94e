using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Security.Claims;
using Casn.Access;
using Casn.Domain;
using Casn.Domain.Candidates;
using Casn.Domain.Imports;
using Casn.Domain.Rooms;
using Casn.Grains;
using Casn.Grains.Abstractions;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Casn.Silo.Http;

/// <summary>
/// Bulk imports for a national selection's start: registrations (national operators), registration photos (national
/// operators) and rosters (each Kanreg's operators for their rooms). Bodies are streamed: a line or a photo is read when
/// a worker is free to take it, so a large import holds a bounded amount in memory and the sender is slowed by TCP, not
/// answered 503. Every line is checked on its own and the answer reports each one; everything is idempotent.
/// </summary>
public static class ImportEndpoints
{
    static readonly string[] CandidateColumns = ["participantNo", "name", "nationalId", "birthDate", "category", "positionId", "accessible", "kanreg", "site"];
    static readonly string[] CandidateRequired = ["participantNo", "name", "nationalId", "birthDate", "category", "positionId", "kanreg"];
    static readonly string[] RosterColumns = ["room", "participantNo", "seat"];

    public static void MapImportEndpoints(this IEndpointRouteBuilder app)
    {
        var imports = app.MapGroup("/api/imports").WithTags("Imports").RequireRateLimiting(Limits.Bulk).LimitBody(l => l.BulkBodyBytes);
        imports.MapPost("/candidates", ImportCandidates)
            .Allow(Access.NationalOperator).Produces<ImportReport>()
            .DocumentBody("Registrations, one per line: NDJSON (each line the body of PUT /api/candidates/{participantNo}) or CSV whose first line names the columns " +
                string.Join(",", CandidateColumns) + ". A line's number in the report is its line in the body.", ImportLines.Ndjson, ImportLines.Csv)
            .WithSummary("Register candidates in bulk. Each line is registered on its own (a bad line refuses only itself) and reported: created, updated, unchanged (the same registration again: nothing written) or refused with its code.");
        imports.MapPost("/photos", ImportPhotos)
            .Allow(Access.NationalOperator).Produces<ImportReport>()
            .DocumentBody("Registration photos: multipart/form-data with one part per photo, named by the participant number (the part's name, or its file name without extension), or a zip of files named {participantNo}.jpg (or .png). The report's line is the photo's place in the body, from 1.",
                "multipart/form-data", "application/zip")
            .WithSummary("Enrol registration photos in bulk, as fast as the face workers take them (never a 503 storm: a busy pipeline slows the upload). The same photo again is unchanged, without running the face pipeline.");
        imports.MapPost("/rosters", ImportRosters)
            .Allow(Access.AnyOperator).Produces<ImportReport>()
            .DocumentBody("Seats, one per line: CSV with the columns room,participantNo,seat (a site's or a Kanreg's rooms in one file), or NDJSON objects with those fields. Rooms must be set up first.",
                ImportLines.Csv, ImportLines.Ndjson)
            .WithSummary("Seat candidates in rooms in bulk. Each line is seated on its own and reported; a line seated as given before is unchanged. A Kanreg's operators seat their own Kanreg's rooms only.");
    }

    static bool? IsCsv(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type) ? type.MediaType.Value?.ToLowerInvariant() switch
        {
            ImportLines.Csv => true,
            ImportLines.Ndjson or "application/ndjson" or "application/jsonl" => false,
            _ => null,
        } : null;

    static IResult UnsupportedType(params string[] types) =>
        Problems.Of(ErrorCatalog.UnsupportedMediaType, $"Send the body as {string.Join(" or ", types)}.");

    static async Task<IResult> ImportCandidates(HttpRequest http, IGrainFactory grains, LimitSettings limits)
    {
        if (IsCsv(http) is not { } csv) return UnsupportedType(ImportLines.Ndjson, ImportLines.Csv);
        var results = new ConcurrentBag<ImportLine>();
        try
        {
            var records = InOrder(ImportLines.Records(http.Body, csv, CandidateColumns, CandidateRequired, http.HttpContext.RequestAborted),
                r => (r.Line, r.Fault is null ? r["participantNo"] : null));
            await Parallel.ForEachAsync(records,
                new ParallelOptions { MaxDegreeOfParallelism = limits.ImportCallsInFlight, CancellationToken = http.HttpContext.RequestAborted },
                async (marked, _) =>
                {
                    var (record, firstLine) = marked;
                    var participantNo = record["participantNo"];
                    if (record.Fault is { } unreadable) { results.Add(Refused(record.Line, participantNo, unreadable)); return; }
                    if (!SessionKey.IsValidParticipantNo(participantNo))
                    {
                        results.Add(Refused(record.Line, participantNo, Faults.Of(ErrorCodes.CandidateInvalid, "participantNo must be 1-32 letters, digits or '-'.")));
                        return;
                    }
                    if (firstLine is { } first)
                    {
                        results.Add(Refused(record.Line, participantNo, Faults.Of(ErrorCodes.ImportDuplicateLine, $"Line {first} already names {participantNo}.")));
                        return;
                    }
                    var profile = ProfileOf(record);
                    var outcome = profile.IsOk ? await Calling(() => grains.GetGrain<ICandidateGrain>(participantNo!).Import(profile.Value!), refused => refused) : profile.Fault!;
                    results.Add(LineOf(record.Line, participantNo, outcome));
                });
        }
        catch (ImportHeaderException header)
        {
            return Problems.Of(ErrorCodes.RequestInvalid, header.Message);
        }
        return Results.Ok(ImportReport.Of(results));
    }

    /// <summary>The line that named this participant first, or null (and it is recorded) when this line is the first.</summary>
    static int? FirstLineOf(Dictionary<string, int> seen, string participantNo, int line)
    {
        if (seen.TryGetValue(participantNo, out var first)) return first;
        seen[participantNo] = line;
        return null;
    }

    /// <summary>
    /// Each item with the line that named its participant first, when an earlier one did. Marked as the body is read, in
    /// order: the work on the lines then runs in parallel, and the first line always wins.
    /// </summary>
    static async IAsyncEnumerable<(T Item, int? FirstLine)> InOrder<T>(IAsyncEnumerable<T> items, Func<T, (int Line, string? ParticipantNo)> keyOf)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var item in items)
        {
            var (line, participantNo) = keyOf(item);
            yield return (item, participantNo is null ? null : FirstLineOf(seen, participantNo, line));
        }
    }

    /// <summary>A registration from a line's fields; the candidate grain checks the values themselves.</summary>
    static Result<CandidateProfile> ProfileOf(ImportLines.Record record)
    {
        var missing = CandidateRequired.Where(name => record[name] is null).ToList();
        if (missing.Count > 0) return Faults.Of(ErrorCodes.ImportLineInvalid, $"Missing: {string.Join(", ", missing)}.");
        if (!DateOnly.TryParseExact(record["birthDate"], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var birthDate))
            return Faults.Of(ErrorCodes.ImportLineInvalid, "birthDate must be yyyy-MM-dd.");
        bool accessible;
        switch (record["accessible"]?.ToLowerInvariant())
        {
            case null or "false" or "0" or "no" or "tidak": accessible = false; break;
            case "true" or "1" or "yes" or "ya": accessible = true; break;
            default: return Faults.Of(ErrorCodes.ImportLineInvalid, "accessible must be true or false.");
        }
        return new CandidateProfile(record["participantNo"]!, record["name"]!, record["nationalId"]!, birthDate, record["category"]!,
            record["positionId"]!, accessible, record["kanreg"]!, record["site"]);
    }

    static async Task<IResult> ImportPhotos(HttpRequest http, IGrainFactory grains, IOptions<Casn.Faces.FaceOptions> faces, LimitSettings limits)
    {
        IAsyncEnumerable<Photo> photos;
        if (MediaTypeHeaderValue.TryParse(http.ContentType, out var type) && type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            && HeaderUtilities.RemoveQuotes(type.Boundary).Value is { Length: > 0 and <= 200 } boundary)
            photos = FromMultipart(new MultipartReader(boundary, http.Body) { BodyLengthLimit = null }, faces.Value.MaxImageBytes, http.HttpContext.RequestAborted);
        else if (type?.MediaType.Equals("application/zip", StringComparison.OrdinalIgnoreCase) == true)
            photos = FromZip(http.Body, faces.Value.MaxImageBytes, limits.ImportZipEntries, http.HttpContext.RequestAborted);
        else
            return UnsupportedType("multipart/form-data (with a boundary)", "application/zip");

        // Twice as many photos in flight as this silo has face workers: while one waits for storage (the sealed photo, the
        // state) another is analysed, and most of the queue stays free for check-ins. A silo without face workers sends
        // its photos to silos that have some: as many as it has cores, then.
        var workers = 2 * (faces.Value.WorkersOnThisSilo is > 0 and var own ? own : Environment.ProcessorCount);
        var results = new ConcurrentBag<ImportLine>();
        try
        {
            await Parallel.ForEachAsync(InOrder(photos, p => (p.Line, p.Fault is null ? p.ParticipantNo : null)),
                new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = http.HttpContext.RequestAborted },
                async (marked, cancellationToken) =>
                {
                    var (photo, firstLine) = marked;
                    if (photo.Fault is { } refused) { results.Add(Refused(photo.Line, photo.ParticipantNo, refused)); return; }
                    if (firstLine is { } first)
                    {
                        results.Add(Refused(photo.Line, photo.ParticipantNo, Faults.Of(ErrorCodes.ImportDuplicateLine, $"Photo {first} is already {photo.ParticipantNo}'s.")));
                        return;
                    }
                    var candidate = grains.GetGrain<ICandidateGrain>(photo.ParticipantNo!);
                    var outcome = await Calling(() => candidate.ImportPhotoInTurn(photo.Bytes!, cancellationToken), refused => refused);
                    results.Add(LineOf(photo.Line, photo.ParticipantNo, outcome));
                });
        }
        catch (InvalidDataException broken)
        {
            return Problems.Of(ErrorCodes.RequestInvalid, $"The body is not a readable {(type?.MediaType.Value ?? "archive")}: {broken.Message}");
        }
        catch (TooManyEntriesException tooMany)
        {
            return Problems.Of(ErrorCodes.RequestTooLarge, tooMany.Message);
        }
        return Results.Ok(ImportReport.Of(results));
    }

    sealed class TooManyEntriesException(int limit)
        : Exception($"A zip may hold at most {limit} entries ({LimitSettings.Section}:ImportZipEntries); send the photos in several requests.");

    /// <summary>One photo of an import: whose (from its name), its bytes, or why it is refused before any face work.</summary>
    sealed record Photo(int Line, string? ParticipantNo, byte[]? Bytes, Fault? Fault);

    static Photo PhotoOf(int line, string? name, byte[]? bytes, int maxBytes)
    {
        var participantNo = name is null ? null : Path.GetFileNameWithoutExtension(name.Replace('\\', '/').Split('/')[^1]);
        if (!SessionKey.IsValidParticipantNo(participantNo))
            return new Photo(line, participantNo, null, Faults.Of(ErrorCodes.ImportLineInvalid, "Name each photo by the participant number (1-32 letters, digits or '-')."));
        if (bytes is null) return new Photo(line, participantNo, null, Faults.Of(ErrorCodes.ImageTooLarge, $"Images are limited to {maxBytes} bytes."));
        if (bytes.Length == 0) return new Photo(line, participantNo, null, Faults.Of(ErrorCodes.ImageEmpty, "The photo is empty."));
        return new Photo(line, participantNo, bytes, null);
    }

    static async IAsyncEnumerable<Photo> FromMultipart(MultipartReader reader, int maxBytes,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var line = 0;
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            line++;
            var disposition = section.GetContentDispositionHeader();
            var name = disposition?.FileName.Value is { Length: > 0 } file ? file : disposition?.Name.Value;
            yield return PhotoOf(line, HeaderUtilities.RemoveQuotes(name).Value, await ImageBodies.ReadAtMost(section.Body, maxBytes, cancellationToken), maxBytes);
        }
    }

    /// <summary>A zip needs its directory at the end, so the body is spooled to a temporary file (deleted when closed), not to memory.</summary>
    static async IAsyncEnumerable<Photo> FromZip(Stream body, int maxBytes, int maxEntries, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var spool = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        await body.CopyToAsync(spool, cancellationToken);
        // Counted before ZipArchive reads the directory into memory: nothing of the zip is imported when it holds too many.
        // The count leaves the spool at its start, where ZipArchive begins.
        if (ZipDirectory.HasMoreEntriesThan(spool, maxEntries)) throw new TooManyEntriesException(maxEntries);
        using var zip = new ZipArchive(spool, ZipArchiveMode.Read);
        var line = 0;
        foreach (var entry in zip.Entries.Where(e => !e.FullName.EndsWith('/')).OrderBy(e => e.FullName, StringComparer.Ordinal))
        {
            line++;
            await using var content = await entry.OpenAsync(cancellationToken);
            yield return PhotoOf(line, entry.FullName, await ImageBodies.ReadAtMost(content, maxBytes, cancellationToken), maxBytes);
        }
    }

    static async Task<IResult> ImportRosters(HttpRequest http, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (IsCsv(http) is not { } csv) return UnsupportedType(ImportLines.Csv, ImportLines.Ndjson);
        var results = new List<ImportLine>();
        var byRoom = new Dictionary<string, List<(int Line, RosterEntry Entry)>>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            // A roster file is a site's or a Kanreg's seat plan: read whole, then each room takes its lines in one call.
            await foreach (var record in ImportLines.Records(http.Body, csv, RosterColumns, RosterColumns, http.HttpContext.RequestAborted))
            {
                var (participantNo, seat, room) = (record["participantNo"], record["seat"], record["room"]);
                if (record.Fault is { } unreadable) results.Add(Refused(record.Line, participantNo, unreadable));
                else if (participantNo is null || seat is null || room is null)
                    results.Add(Refused(record.Line, participantNo, Faults.Of(ErrorCodes.ImportLineInvalid, "Each line needs room, participantNo and seat.")));
                else if (RoomKey.Parse(room) is { IsOk: false } badRoom) results.Add(Refused(record.Line, participantNo, badRoom.Fault!));
                else if (RoomKey.Parse(room).Value! is var roomKey && !user.IsOperatorFor(roomKey.Region))
                    results.Add(Refused(record.Line, participantNo, Faults.Of(ErrorCodes.AuthForbidden, $"Room {room} belongs to another Kanreg.")));
                else if (FirstLineOf(seen, participantNo, record.Line) is { } first)
                    results.Add(Refused(record.Line, participantNo, Faults.Of(ErrorCodes.ImportDuplicateLine, $"Line {first} already seats {participantNo}.")));
                else
                {
                    var key = roomKey.ToString();
                    if (!byRoom.TryGetValue(key, out var lines)) byRoom[key] = lines = [];
                    lines.Add((record.Line, new RosterEntry(participantNo, seat)));
                }
            }
        }
        catch (ImportHeaderException header)
        {
            return Problems.Of(ErrorCodes.RequestInvalid, header.Message);
        }

        var seated = new ConcurrentBag<ImportLine>();
        await Parallel.ForEachAsync(byRoom, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = http.HttpContext.RequestAborted },
            async (room, _) =>
            {
                var (key, lines) = (room.Key, room.Value);
                var imported = await Calling(() => grains.GetGrain<IExamRoomGrain>(key).ImportRoster([.. lines.Select(l => l.Entry)]),
                    refused => (Result<ImportLineResult[]>)refused);
                for (var i = 0; i < lines.Count; i++)
                    seated.Add(LineOf(lines[i].Line, lines[i].Entry.ParticipantNo, imported.IsOk ? imported.Value![i] : imported.Fault!));
            });
        return Results.Ok(ImportReport.Of(results.Concat(seated)));
    }

    static ImportLine LineOf(int line, string? participantNo, ImportLineResult result) =>
        result.Fault is { } fault ? Refused(line, participantNo, fault) : new ImportLine(line, participantNo, result.Outcome);

    static ImportLine Refused(int line, string? participantNo, Fault fault) => new(line, participantNo, ImportOutcome.Refused, fault.Code, fault.Message);

    /// <summary>
    /// A grain call whose failure to reach the cluster or storage refuses its lines (worth sending again) instead of the
    /// whole import: <paramref name="refused"/> turns that fault into the call's answer.
    /// </summary>
    static async Task<T> Calling<T>(Func<Task<T>> call, Func<Fault, T> refused)
    {
        try
        {
            return await call();
        }
        catch (Exception error) when (UnavailableFault(error) is { } unavailable)
        {
            return refused(unavailable);
        }
    }

    static Fault? UnavailableFault(Exception error) => error switch
    {
        StorageUnavailableException => Faults.Of(Problems.StorageUnavailable, "Storage did not answer; nothing was saved for this line. Import it again."),
        Orleans.Runtime.OrleansException or TimeoutException => Faults.Of(Problems.ServiceUnavailable, "The cluster did not answer for this line. Import it again."),
        _ => null,
    };
}
