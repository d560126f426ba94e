using System.Security.Claims;
using Casn.Access;
using Casn.Domain;
using Casn.Domain.Rooms;
using Casn.Grains;
using Casn.Grains.Abstractions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Casn.Silo.Http;

/// <summary>
/// Enrolment (national operators) and face check-in (the room's proctors). Images are sent as the raw request body
/// (image/jpeg or image/png), never returned: no endpoint gives back a photo or an embedding.
/// </summary>
public static class FaceEndpoints
{
    public static void MapFaceEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPut("/api/candidates/{participantNo}/photo", async (string participantNo, HttpRequest http, IGrainFactory grains, IOptions<Casn.Faces.FaceOptions> faces) =>
        {
            if (!SessionKey.IsValidParticipantNo(participantNo)) return Problems.Of(ErrorCodes.KeyInvalid, "Participant number must be 1-32 letters, digits or '-'.");
            var image = await ReadImage(http, faces.Value.MaxImageBytes);
            if (!image.IsOk) return Problems.Of(image.Fault!);
            return Problems.From(await grains.GetGrain<ICandidateGrain>(participantNo).Enrol(image.Value!));
        }).Allow(Access.NationalOperator).RequireRateLimiting(Limits.Staff).LimitBody(ImageBodyLimit).WithTags("Candidates").Produces<EnrolmentReceipt>().WithSummary("Enrol the registration photo (raw image body). Stored sealed; never returned.");

        app.MapPost("/api/rooms/" + RoomRoute.Template + "/checkins/{participantNo}/face",
            async ([AsParameters] RoomRoute route, string participantNo, [FromQuery] string? reason,
                HttpRequest http, ClaimsPrincipal user, IGrainFactory grains, IOptions<Casn.Faces.FaceOptions> faces) =>
            {
                var key = route.Key;
                if (!key.IsOk) return Problems.Of(key.Fault!);
                var image = await ReadImage(http, faces.Value.MaxImageBytes);
                if (!image.IsOk) return Problems.Of(image.Fault!);
                var request = new CheckInRequest(participantNo, "face", new ProctorAction(user.StaffId(), reason ?? "face check-in"), image.Value);
                return Problems.From(await grains.GetGrain<IExamRoomGrain>(key.Value!.ToString()).CheckIn(request));
            }).Allow(Access.RoomProctor).RequireRateLimiting(Limits.Staff).LimitBody(ImageBodyLimit).WithTags("Rooms").Produces<CheckInReceipt>().WithSummary("Check a candidate in by face: the live capture as the raw body. Returns the PIN when verified.");

        app.MapPost("/api/sessions/" + SessionRoute.Template + "/face-frames",
            ([AsParameters] SessionRoute route, HttpRequest http, IGrainFactory grains, IOptions<Casn.Faces.FaceOptions> faces) =>
                WorkstationEndpoints.WithToken(route, http, grains, async (session, token) =>
                {
                    var image = await ReadImage(http, faces.Value.MaxImageBytes);
                    return image.IsOk ? await session.SubmitFaceFrame(token, image.Value!) : image.Fault!;
                }))
            .AllowCandidate().RequireRateLimiting(Limits.Workstation).LimitBody(ImageBodyLimit).WithTags("Workstation").Produces<Casn.Domain.Sessions.ClockView>().WithSummary("A camera frame when the clock says faceCheckDue (raw image body). A different face suspends the session at once.");
    }

    /// <summary>
    /// The two faces a proctor compares before deciding on a mismatch: the registration photo and the
    /// capture kept as evidence (the incident's <c>evidence</c>). Only the room's proctor, only for a
    /// candidate of that room; never cached.
    /// </summary>
    public static void MapFaceEvidenceEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/rooms/" + RoomRoute.Template + "/candidates/{participantNo}/faces/{image}",
            async ([AsParameters] RoomRoute route, string participantNo, string image, HttpResponse response, IGrainFactory grains) =>
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
            })
            .Allow(Access.RoomProctor).RequireRateLimiting(Limits.Staff).WithTags("Rooms")
            .Produces<byte[]>(StatusCodes.Status200OK, "image/jpeg","image/png").WithSummary("For the room's proctor: the registration photo ('registration') or a failed check's capture (its incident's evidence id).");
    }

    /// <summary>The transport's ceiling for image bodies; the configured image limit (smaller) is checked as the body is read.</summary>
    static long ImageBodyLimit(LimitSettings _) => 32 * 1024 * 1024;

    /// <summary>Reads the body up to the image limit; a larger body is refused without reading it all.</summary>
    static async Task<Result<byte[]>> ReadImage(HttpRequest http, int maxBytes)
    {
        var bytes = http.ContentLength > maxBytes ? null : await ReadAtMost(http.Body, maxBytes, http.HttpContext.RequestAborted);
        return bytes is null ? new Fault(ErrorCodes.ImageTooLarge, $"Images are limited to {maxBytes} bytes.")
            : bytes.Length == 0 ? new Fault(ErrorCodes.ImageEmpty, "Send the image as the request body.")
            : bytes;
    }

    /// <summary>
    /// An image's bytes from a stream, or null as soon as there are more than <paramref name="maxBytes"/> (reading stops
    /// there). One image of a request body, of a multipart section or of a zip entry.
    /// </summary>
    internal static async Task<byte[]?> ReadAtMost(Stream stream, int maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
