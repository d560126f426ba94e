using Casn.Domain;

namespace Casn.Silo.Http;

/// <summary>One stable error code: the HTTP status it always gets, and when it occurs.</summary>
public sealed record ErrorCodeInfo(string Code, int Status, string Description);

/// <summary>
/// Every error code the API answers with, its one HTTP status and when it occurs: <see cref="Problems"/> takes the status
/// from here, and the OpenAPI document publishes the list as the <c>ErrorCode</c> schema, so clients switch on documented
/// values. A test checks that every code in <see cref="ErrorCodes"/> is here.
/// </summary>
public static class ErrorCatalog
{
    public const string RouteNotFound = "request.route_not_found";
    public const string MethodNotAllowed = "request.method_not_allowed";
    public const string UnsupportedMediaType = "request.unsupported_media_type";

    const int BadRequest = StatusCodes.Status400BadRequest, Unauthorized = StatusCodes.Status401Unauthorized, Forbidden = StatusCodes.Status403Forbidden,
        NotFound = StatusCodes.Status404NotFound, Conflict = StatusCodes.Status409Conflict, TooLarge = StatusCodes.Status413PayloadTooLarge,
        Unprocessable = StatusCodes.Status422UnprocessableEntity, TooMany = StatusCodes.Status429TooManyRequests, Unavailable = StatusCodes.Status503ServiceUnavailable;

    public static readonly IReadOnlyList<ErrorCodeInfo> All =
    [
        new(ErrorCodes.RequestInvalid, BadRequest, "The body could not be read (broken JSON, a wrong field type) or a value is out of its range."),
        new(ErrorCodes.KeyInvalid, BadRequest, "An id in the address is not 1-64 letters, digits or '-' (or a room key is not {kanreg}/{site}/{date}/{session}/{room})."),
        new(RouteNotFound, NotFound, "No endpoint has this address."),
        new(MethodNotAllowed, StatusCodes.Status405MethodNotAllowed, "The address exists, but not with this method."),
        new(UnsupportedMediaType, StatusCodes.Status415UnsupportedMediaType, "The body's content type is not one this endpoint reads."),
        new(ErrorCodes.RequestTooLarge, TooLarge, "The body is larger than this endpoint takes."),
        new(ErrorCodes.RateLimited, TooMany, "Too many requests from this token or address; wait as Retry-After says."),
        new(ErrorCodes.ExamNotFound, NotFound, "No exam is defined with this id."),
        new(ErrorCodes.ExamInvalid, BadRequest, "The exam definition breaks a rule (ids and codes are tokens, sections add up, items have options); the message names the field."),
        new(ErrorCodes.ExamAlreadyDefined, Conflict, "The exam id is taken by a definition with other content (defining the same content again is accepted)."),
        new(ErrorCodes.CandidateNotFound, NotFound, "No candidate is registered with this participant number."),
        new(ErrorCodes.CandidateInvalid, BadRequest, "The registration breaks a rule: name, a 16-digit NIK, token category/position/Kanreg/site, the participant number of the address."),
        new(ErrorCodes.CategoryUnknown, BadRequest, "The candidate's category is not one of the exam's passing-rule categories."),
        new(ErrorCodes.PositionUnknown, BadRequest, "The position is not defined: at registration for any exam, at a roster for the room's exam, or asked for its standing."),
        new(ErrorCodes.SkbInvalid, BadRequest, "An SKB score file has bad lines; the message names each line, and nothing of the file was applied."),
        new(ErrorCodes.AnnouncementNotFound, NotFound, "The position has no announcement yet (or does not exist)."),
        new(ErrorCodes.CandidateOtherKanreg, Forbidden, "The candidate registered to sit with another Kanreg than this room's."),
        new(ErrorCodes.CandidateOtherSite, Forbidden, "The candidate registered to sit at another site than this room's."),
        new(ErrorCodes.CandidateAlreadySeated, Conflict, "The candidate already holds a seat for this exam, or holds one and needs a recorded move to change where they sit."),
        new(ErrorCodes.CandidateBlocked, Forbidden, "The NIK belongs to a confirmed stand-in case: no registration or seat with it."),
        new(ErrorCodes.StandInCaseNotFound, NotFound, "No stand-in case with this session key."),
        new(ErrorCodes.StandInCaseDecided, Conflict, "The stand-in case was already confirmed or dismissed."),
        new(ErrorCodes.RoomNotFound, NotFound, "No room is set up with this key."),
        new(ErrorCodes.RoomInvalid, BadRequest, "The room set-up breaks a rule: seats, a name, a start on the key's date, at most a year ahead."),
        new(ErrorCodes.RoomAlreadySetUp, Conflict, "The room is set up differently already (the same set-up again is accepted)."),
        new(ErrorCodes.RoomFull, Conflict, "The roster would hold more candidates than the room has seats."),
        new(ErrorCodes.RoomNotOpen, Conflict, "The proctor has not opened the room yet."),
        new(ErrorCodes.RoomClosed, Conflict, "The room is closed."),
        new(ErrorCodes.RosterSeatConflict, Conflict, "A roster line names a seat another participant holds, or a participant already seated in this room at another seat."),
        new(ErrorCodes.NotOnRoster, NotFound, "The participant is not on this room's roster."),
        new(ErrorCodes.CheckInClosed, Conflict, "The first check-in closes before the start; a new PIN for a checked-in candidate is still possible."),
        new(ErrorCodes.CheckInInvalid, BadRequest, "The check-in method is not 'face' or 'manual', a face check-in has no capture, or a manual one no reason."),
        new(ErrorCodes.CheckInFaceMismatch, Unprocessable, "The live face is not the registered candidate's: the proctor decides (a manual check-in is an override)."),
        new(ErrorCodes.CheckInFaceRetake, Unprocessable, "The capture could not be used (no face, several faces, too dark or blurred): take it again."),
        new(ErrorCodes.CheckInFaceReplay, Unprocessable, "The capture is a near-copy of the registration photo, not a live face."),
        new(ErrorCodes.FaceNotDue, Conflict, "An in-exam camera frame arrived when no face check was due."),
        new(ErrorCodes.CandidateNotEnrolled, Conflict, "The candidate has no registration photo to compare with."),
        new(ErrorCodes.FaceBusy, Unavailable, "The face checkers are busy; retry after Retry-After."),
        new(ErrorCodes.ImageTooLarge, TooLarge, "The image is larger than the configured limit, in bytes or pixels."),
        new(ErrorCodes.ImageEmpty, Unprocessable, "No image in the body."),
        new(Casn.Faces.FaceCodes.ImageUnsupportedFormat, Unprocessable, "The image is not a JPEG, PNG or WebP."),
        new(Casn.Faces.FaceCodes.ImageTooManyPixels, Unprocessable, "The image has more pixels than the configured limit."),
        new(Casn.Faces.FaceCodes.ImageTooSmall, Unprocessable, "The image is too small to hold a usable face."),
        new(Casn.Faces.FaceCodes.ImageCorrupt, Unprocessable, "The image could not be decoded."),
        new(Casn.Faces.FaceCodes.NoFace, Unprocessable, "No face was found in the image."),
        new(Casn.Faces.FaceCodes.SeveralFaces, Unprocessable, "More than one face: the photo must show one person."),
        new(Casn.Faces.FaceCodes.FaceTooSmall, Unprocessable, "The face is too small in the image: come closer to the camera."),
        new(Casn.Faces.FaceCodes.FacePartial, Unprocessable, "The face is cut off by the image's edge."),
        new(Casn.Faces.FaceCodes.NotLive, Unprocessable, "The face does not look live (a photo of a photo or a screen, or bad light)."),
        new(ErrorCodes.BoardNotFound, NotFound, "No board with this key (no such room, site or Kanreg)."),
        new(ErrorCodes.BoardViewersFull, Unavailable, "This silo serves as many board viewers as it may; retry, or use another silo."),
        new(ErrorCodes.SessionNotFound, NotFound, "No sitting with this key."),
        new(ErrorCodes.SessionNotStarted, Conflict, "The candidate has not checked in (or not logged in) yet."),
        new(ErrorCodes.SessionSuspended, Conflict, "The proctor suspended the sitting: no items or answers until it is resumed."),
        new(ErrorCodes.SessionFinished, Conflict, "The sitting is finished (submitted, timed out, closed or disqualified)."),
        new(ErrorCodes.SessionStateConflict, Conflict, "The action does not fit the sitting's or the room's state now; the message says which state it needs."),
        new(ErrorCodes.SessionContactLost, Conflict, "The workstation came back after too long a silence: items and answers wait for the proctor to resume."),
        new(ErrorCodes.AuthPinInvalid, Unauthorized, "The PIN is wrong."),
        new(ErrorCodes.AuthPinLocked, Forbidden, "Too many wrong PINs from this workstation or address: the proctor issues a new PIN."),
        new(ErrorCodes.AuthReloginNeedsProctor, Forbidden, "The sitting is open on another workstation: the room's proctor must approve this one."),
        new(ErrorCodes.AuthTokenMissing, Unauthorized, "No session token: send 'Authorization: Bearer <token>' from the login."),
        new(ErrorCodes.AuthTokenInvalid, Unauthorized, "The session token is not this sitting's current one (another workstation took over, or it never was)."),
        new(ErrorCodes.AuthWorkstationKeyInvalid, Unauthorized, "No or a malformed X-Workstation-Key, or not the key the workstation logged in with."),
        new(ErrorCodes.AuthRequired, Unauthorized, "A staff endpoint without a staff token, or with one not signed by this cluster."),
        new(ErrorCodes.AuthStaffTokenExpired, Unauthorized, "The staff token has expired."),
        new(ErrorCodes.AuthForbidden, Forbidden, "A valid token for another role, Kanreg or room."),
        new(ErrorCodes.ItemUnknown, Unprocessable, "The item is not on this candidate's paper."),
        new(ErrorCodes.OptionOutOfRange, Unprocessable, "The choice is not an option position the page showed (they count from 0)."),
        new(ErrorCodes.AnswerTooLate, Conflict, "Time ran out: the sitting was submitted by its clock (an answer after a submit gets session.finished)."),
        new(ErrorCodes.AnswerSequenceInvalid, BadRequest, "The sequence is not 1 to 2^31 - 1."),
        new(ErrorCodes.AnswerSequenceConflict, Conflict, "This sequence number was already used for another answer."),
        new(ErrorCodes.AnswerLimitReached, Conflict, "The sitting has reached its limit of answer changes."),
        new(ErrorCodes.TimeExtensionInvalid, BadRequest, "A time extension must be between 1 minute and the configured maximum."),
        new(ErrorCodes.ReasonRequired, BadRequest, "A proctor action needs a reason (1-500 characters)."),
        new(ErrorCodes.ProctorIdTaken, Conflict, "The proctor id is already given to another proctor on that day in that Kanreg."),
        new(ErrorCodes.CertificateNotFound, NotFound, "No certificate has this code."),
        new(ErrorCodes.FaceImageNotFound, NotFound, "No stored face image for this evidence (never taken, or purged by retention)."),
        new(ErrorCodes.ImportLineInvalid, BadRequest, "A bulk import's line could not be read (broken JSON or CSV, a missing field); only that line is refused."),
        new(ErrorCodes.ImportDuplicateLine, Conflict, "A bulk import's line names a participant an earlier line of the same request named; only the first is applied."),
        new(Problems.ServiceUnavailable, Unavailable, "The cluster is busy or recovering; retry the same request (it is idempotent) after Retry-After."),
        new(Problems.StorageUnavailable, Unavailable, "Storage did not answer; nothing was saved. Retry the same request after Retry-After."),
        new(Problems.ServerError, StatusCodes.Status500InternalServerError, "A fault on the service's side; the request was not applied. It is logged with the path."),
    ];

    static readonly Dictionary<string, ErrorCodeInfo> ByCode = All.ToDictionary(e => e.Code, StringComparer.Ordinal);

    /// <summary>
    /// The status of a code. An unlisted one (a test keeps every constant listed) is a bad request, or 422 for an image or
    /// a face that was read but cannot serve.
    /// </summary>
    public static int StatusOf(string code) => ByCode.TryGetValue(code, out var info) ? info.Status
        : code.StartsWith("image.", StringComparison.Ordinal) || code.StartsWith("face.", StringComparison.Ordinal) ? Unprocessable
        : BadRequest;
}
