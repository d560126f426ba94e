using Casn.Domain;
using Microsoft.AspNetCore.Diagnostics;

namespace Casn.Silo.Http;

/// <summary>Turns faults into ProblemDetails with a stable <c>code</c>, and maps each code to one HTTP status.</summary>
public static class Problems
{
    public const string ServiceUnavailable = "service.unavailable";
    public const string StorageUnavailable = "storage.unavailable";
    public const string ServerError = "server.error";

    static readonly Dictionary<string, int> StatusByCode = new(StringComparer.Ordinal)
    {
        [ErrorCodes.AuthTokenMissing] = StatusCodes.Status401Unauthorized,
        [ErrorCodes.AuthTokenInvalid] = StatusCodes.Status401Unauthorized,
        [ErrorCodes.AuthPinInvalid] = StatusCodes.Status401Unauthorized,
        [ErrorCodes.AuthPinLocked] = StatusCodes.Status403Forbidden,
        [ErrorCodes.AuthReloginNeedsProctor] = StatusCodes.Status403Forbidden,
        [ErrorCodes.AuthWorkstationKeyInvalid] = StatusCodes.Status401Unauthorized,
        [ErrorCodes.AuthRequired] = StatusCodes.Status401Unauthorized,
        [ErrorCodes.AuthStaffTokenExpired] = StatusCodes.Status401Unauthorized,
        [ErrorCodes.AuthForbidden] = StatusCodes.Status403Forbidden,
        [ErrorCodes.ExamNotFound] = StatusCodes.Status404NotFound,
        [ErrorCodes.CandidateNotFound] = StatusCodes.Status404NotFound,
        [ErrorCodes.RoomNotFound] = StatusCodes.Status404NotFound,
        [ErrorCodes.SessionNotFound] = StatusCodes.Status404NotFound,
        [ErrorCodes.NotOnRoster] = StatusCodes.Status404NotFound,
        [ErrorCodes.ItemUnknown] = StatusCodes.Status422UnprocessableEntity,
        [ErrorCodes.OptionOutOfRange] = StatusCodes.Status422UnprocessableEntity,
        [ErrorCodes.ExamAlreadyDefined] = StatusCodes.Status409Conflict,
        [ErrorCodes.RoomAlreadySetUp] = StatusCodes.Status409Conflict,
        [ErrorCodes.RoomFull] = StatusCodes.Status409Conflict,
        [ErrorCodes.RoomNotOpen] = StatusCodes.Status409Conflict,
        [ErrorCodes.RoomClosed] = StatusCodes.Status409Conflict,
        [ErrorCodes.CheckInClosed] = StatusCodes.Status409Conflict,
        [ErrorCodes.SessionNotStarted] = StatusCodes.Status409Conflict,
        [ErrorCodes.SessionSuspended] = StatusCodes.Status409Conflict,
        [ErrorCodes.SessionFinished] = StatusCodes.Status409Conflict,
        [ErrorCodes.SessionStateConflict] = StatusCodes.Status409Conflict,
        [ErrorCodes.SessionContactLost] = StatusCodes.Status409Conflict,
        [ErrorCodes.FaceNotDue] = StatusCodes.Status409Conflict,
        [ErrorCodes.CandidateOtherKanreg] = StatusCodes.Status403Forbidden,
        [ErrorCodes.CandidateOtherSite] = StatusCodes.Status403Forbidden,
        [ErrorCodes.CandidateAlreadySeated] = StatusCodes.Status409Conflict,
        [ErrorCodes.CandidateBlocked] = StatusCodes.Status403Forbidden,
        [ErrorCodes.StandInCaseNotFound] = StatusCodes.Status404NotFound,
        [ErrorCodes.StandInCaseDecided] = StatusCodes.Status409Conflict,
        [ErrorCodes.ProctorIdTaken] = StatusCodes.Status409Conflict,
        [ErrorCodes.AnswerTooLate] = StatusCodes.Status409Conflict,
        [ErrorCodes.AnswerSequenceConflict] = StatusCodes.Status409Conflict,
        [ErrorCodes.AnswerLimitReached] = StatusCodes.Status409Conflict,
        [ErrorCodes.CandidateNotEnrolled] = StatusCodes.Status409Conflict,
        [ErrorCodes.CheckInFaceMismatch] = StatusCodes.Status422UnprocessableEntity,
        [ErrorCodes.CheckInFaceRetake] = StatusCodes.Status422UnprocessableEntity,
        [ErrorCodes.CheckInFaceReplay] = StatusCodes.Status422UnprocessableEntity,
        [ErrorCodes.FaceBusy] = StatusCodes.Status503ServiceUnavailable,
        [ErrorCodes.BoardViewersFull] = StatusCodes.Status503ServiceUnavailable,
        [ErrorCodes.BoardNotFound] = StatusCodes.Status404NotFound,
        [ErrorCodes.CertificateNotFound] = StatusCodes.Status404NotFound,
        [ErrorCodes.AnnouncementNotFound] = StatusCodes.Status404NotFound,
        [ErrorCodes.FaceImageNotFound] = StatusCodes.Status404NotFound,
        [ErrorCodes.RequestTooLarge] = StatusCodes.Status413PayloadTooLarge,
        [ErrorCodes.RateLimited] = StatusCodes.Status429TooManyRequests,
        [ErrorCodes.ImageTooLarge] = StatusCodes.Status413PayloadTooLarge,
        [ServiceUnavailable] = StatusCodes.Status503ServiceUnavailable,
        [StorageUnavailable] = StatusCodes.Status503ServiceUnavailable,
        [ServerError] = StatusCodes.Status500InternalServerError,
    };

    /// <summary>
    /// Every code not listed is a malformed or invalid request, except images and faces that could not be
    /// used (<c>image.*</c>, <c>face.*</c>): those were read fine but cannot serve, 422.
    /// </summary>
    public static int StatusOf(string code) => StatusByCode.TryGetValue(code, out var status) ? status
        : code.StartsWith("image.", StringComparison.Ordinal) || code.StartsWith("face.", StringComparison.Ordinal) ? StatusCodes.Status422UnprocessableEntity
        : StatusCodes.Status400BadRequest;

    public static IResult Of(Fault fault)
    {
        var status = StatusOf(fault.Code);
        var problem = Results.Problem(
            statusCode: status,
            title: fault.Code,
            detail: fault.Message,
            type: $"urn:casn:error:{fault.Code}",
            extensions: new Dictionary<string, object?> { ["code"] = fault.Code });
        return status == StatusCodes.Status503ServiceUnavailable ? new RetryAfter(problem) : problem;
    }

    /// <summary>Every 503 says when to try again.</summary>
    sealed class RetryAfter(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.Headers.RetryAfter = "1";
            return inner.ExecuteAsync(context);
        }
    }

    public static IResult Of(string code, string message) => Of(new Fault(code, message));

    /// <summary>A status set by the framework itself (unknown route, wrong method) also gets a code.</summary>
    public static Task ForBareStatus(HttpContext context)
    {
        var code = context.Response.StatusCode switch
        {
            StatusCodes.Status401Unauthorized => ErrorCodes.AuthRequired,
            StatusCodes.Status403Forbidden => ErrorCodes.AuthForbidden,
            StatusCodes.Status404NotFound => "request.route_not_found",
            StatusCodes.Status405MethodNotAllowed => "request.method_not_allowed",
            StatusCodes.Status415UnsupportedMediaType => "request.unsupported_media_type",
            _ => ErrorCodes.RequestInvalid,
        };
        return Results.Problem(statusCode: context.Response.StatusCode, title: code, type: $"urn:casn:error:{code}",
            extensions: new Dictionary<string, object?> { ["code"] = code }).ExecuteAsync(context);
    }

    public static IResult From<T>(Result<T> result) => result.IsOk ? Results.Ok(result.Value) : Of(result.Fault!);
}

/// <summary>
/// The last line of defence: a request that breaks something still gets a ProblemDetails with a code,
/// never a stack trace. Unreadable bodies are the client's fault (400); failures of the cluster or its
/// storage are worth retrying (503); anything else is ours (500) and is logged with the path.
/// </summary>
public sealed partial class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (code, message) = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }
                => (ErrorCodes.RequestTooLarge, "The body is larger than this endpoint takes."),
            BadHttpRequestException => (ErrorCodes.RequestInvalid, "The request could not be read: check the JSON body and its field types."),
            Casn.Grains.Abstractions.StorageUnavailableException
                => (Problems.StorageUnavailable, "Storage is unavailable; nothing was saved. Retry the same request."),
            Orleans.Runtime.OrleansException or TimeoutException or OperationCanceledException
                => (Problems.ServiceUnavailable, "The service is busy or recovering; retry the same request."),
            _ => (Problems.ServerError, "Something went wrong on our side; the request was not applied."),
        };
        var status = Problems.StatusOf(code);
        if (status == StatusCodes.Status500InternalServerError) LogUnhandled(logger, exception, context.Request.Method, context.Request.Path);
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            LogUnavailable(logger, exception, context.Request.Method, context.Request.Path);
            context.Response.Headers.RetryAfter = "1";
        }
        await Problems.Of(code, message).ExecuteAsync(context);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled failure on {Method} {Path}")]
    static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster unavailable on {Method} {Path}")]
    static partial void LogUnavailable(ILogger logger, Exception exception, string method, string path);
}
