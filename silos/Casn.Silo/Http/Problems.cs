using Casn.Domain;
using Microsoft.AspNetCore.Diagnostics;

namespace Casn.Silo.Http;

/// <summary>Turns faults into ProblemDetails with a stable <c>code</c>, and maps each code to one HTTP status.</summary>
public static class Problems
{
    public const string ServiceUnavailable = "service.unavailable";
    public const string StorageUnavailable = "storage.unavailable";
    public const string ServerError = "server.error";

    public static IResult Of(Fault fault)
    {
        var status = ErrorCatalog.StatusOf(fault.Code);
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
            StatusCodes.Status404NotFound => ErrorCatalog.RouteNotFound,
            StatusCodes.Status405MethodNotAllowed => ErrorCatalog.MethodNotAllowed,
            StatusCodes.Status415UnsupportedMediaType => ErrorCatalog.UnsupportedMediaType,
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
        var status = ErrorCatalog.StatusOf(code);
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
