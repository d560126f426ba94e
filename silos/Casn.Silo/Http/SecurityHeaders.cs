using Casn.Silo.Boards;
using Microsoft.Extensions.Options;

namespace Casn.Silo.Http;

/// <summary>
/// Headers every response carries. Pages may run only this site's own scripts and styles (no inline script,
/// no other origin) and may not be framed, except the public boards by the press origins configured in
/// <c>Casn:Boards:FrameAncestors</c>. Answers that carry a candidate's or a room's private data are never
/// stored by a browser or a proxy. The Orleans dashboard, a third-party page, keeps its own rules.
/// </summary>
public static class SecurityHeaders
{
    const string PagePolicy = "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob: mediastream:; object-src 'none'; base-uri 'none'; form-action 'self'";

    /// <summary>Routes whose answers are private to a candidate, a proctor or an operator.</summary>
    static readonly string[] PrivatePrefixes = ["/api/sessions", "/api/rooms", "/api/candidates", "/api/operations", "/api/exams", "/metrics"];

    static readonly string[] BoardPages = ["/board.html", "/summary.html"];

    /// <summary>
    /// The API reference (Scalar) starts itself with an inline module script and styles itself inline. It shows only the
    /// service's own OpenAPI document, never data from users, so it alone may run inline code; it is still not framed.
    /// </summary>
    const string ApiDocsPolicy = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        var frameAncestors = app.ApplicationServices.GetRequiredService<IOptions<Casn.Grains.BoardOptions>>().Value.FrameAncestors;
        var boardFraming = frameAncestors.Length == 0 ? "'none'" : string.Join(' ', frameAncestors);
        return app.Use((context, next) =>
        {
            var path = context.Request.Path;
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            if (!path.StartsWithSegments(Access.DashboardPath))
            {
                var framing = BoardPages.Any(p => path.Equals(p, StringComparison.OrdinalIgnoreCase)) ? boardFraming : "'none'";
                var policy = path.StartsWithSegments(ApiDocument.DocsPath) ? ApiDocsPolicy : PagePolicy;
                headers.ContentSecurityPolicy = $"{policy}; frame-ancestors {framing}";
                if (framing == "'none'") headers.XFrameOptions = "DENY";
            }
            if (PrivatePrefixes.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase)))
                headers.CacheControl = "no-store";
            return next(context);
        });
    }
}

public static class Origins
{
    /// <summary>An http(s) origin: scheme, host and optional port, nothing else (it goes into a CSP header as is).</summary>
    public static bool IsOrigin(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
        && value!.TrimEnd('/') == uri.GetLeftPart(UriPartial.Authority) && !value.Any(char.IsWhiteSpace) && !value.Contains(';');
}
