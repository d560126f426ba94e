using System.Threading.RateLimiting;
using Casn.Domain;
using Microsoft.AspNetCore.RateLimiting;

namespace Casn.Silo.Http;

/// <summary>Settings from <c>Casn:Limits</c>: request sizes and rates.</summary>
public sealed class LimitSettings
{
    public const string Section = "Casn:Limits";

    /// <summary>A JSON body's ceiling; an exam definition (the item bank) may be larger, see <see cref="ExamBodyBytes"/>.</summary>
    public long JsonBodyBytes { get; set; } = 256 * 1024;

    public long ExamBodyBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>Workstation calls per session token: a burst (a reconnecting workstation resending its answers) then a steady rate.</summary>
    public int WorkstationBurst { get; set; } = 300;

    public int WorkstationPerSecond { get; set; } = 20;

    /// <summary>PIN logins per sitting and client address, per minute; the PIN lock-out stops guessing, this stops hammering.</summary>
    public int LoginsPerMinute { get; set; } = 20;

    /// <summary>Staff calls per token per second (check-ins, roster, face check-in).</summary>
    public int StaffPerSecond { get; set; } = 50;

    /// <summary>A bulk import's body (<c>/api/imports/…</c>): about 3 million registrations as CSV, or 10,000 photos of 100 KB.</summary>
    public long BulkBodyBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>Bulk imports running at once per token: each is a stream of thousands of lines, so this counts requests in flight, not a rate.</summary>
    public int BulkRequestsPerToken { get; set; } = 4;

    /// <summary>
    /// Photos one zip may hold. A zip's directory is read whole before its first photo, so this bounds what that takes:
    /// the body limit alone would let a zip of tiny entries hold some twenty million. (The CLI sends 32 photos a request.)
    /// </summary>
    public int ImportZipEntries { get; set; } = 100_000;

    /// <summary>Grain calls a registration import keeps in flight (photo imports keep as many as the silo has face workers).</summary>
    public int ImportCallsInFlight { get; set; } = 64;

    /// <summary>All calls per client address per second. A test site's workstations may share one address, so this is generous.</summary>
    public int PerAddressPerSecond { get; set; } = 2000;
}

/// <summary>
/// Rate limits per credential and per address. A refused request is a 429 ProblemDetails with
/// <c>request.rate_limited</c> and Retry-After; nothing is applied.
/// </summary>
public static class Limits
{
    public const string Workstation = "limit.workstation";
    public const string Login = "limit.login";
    public const string Staff = "limit.staff";
    public const string Bulk = "limit.bulk";

    public static void AddCasnLimits(this WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(LimitSettings.Section).Get<LimitSettings>() ?? new LimitSettings();
        if (settings.JsonBodyBytes <= 0 || settings.ExamBodyBytes <= 0 || settings.WorkstationBurst <= 0 || settings.WorkstationPerSecond <= 0
            || settings.LoginsPerMinute <= 0 || settings.StaffPerSecond <= 0 || settings.PerAddressPerSecond <= 0
            || settings.BulkBodyBytes <= 0 || settings.BulkRequestsPerToken <= 0 || settings.ImportCallsInFlight <= 0 || settings.ImportZipEntries <= 0)
            throw new InvalidOperationException($"{LimitSettings.Section}: every limit must be positive.");
        builder.Services.AddSingleton(settings);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = settings.ExamBodyBytes);

        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Problems.Of(ErrorCodes.RateLimited, "Too many requests; wait as Retry-After says, then send the same request again.")
                    .ExecuteAsync(context.HttpContext);
            };
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                RateLimitPartition.GetTokenBucketLimiter(AddressOf(http), _ => Bucket(settings.PerAddressPerSecond * 2, settings.PerAddressPerSecond)));
            o.AddPolicy(Workstation, http =>
                RateLimitPartition.GetTokenBucketLimiter(CredentialOf(http), _ => Bucket(settings.WorkstationBurst, settings.WorkstationPerSecond)));
            o.AddPolicy(Login, http =>
                RateLimitPartition.GetFixedWindowLimiter($"{SittingOf(http)}|{AddressOf(http)}", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = settings.LoginsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
            o.AddPolicy(Staff, http =>
                RateLimitPartition.GetTokenBucketLimiter(CredentialOf(http), _ => Bucket(settings.StaffPerSecond * 2, settings.StaffPerSecond)));
            o.AddPolicy(Bulk, http =>
                RateLimitPartition.GetConcurrencyLimiter(CredentialOf(http), _ => new ConcurrencyLimiterOptions
                {
                    PermitLimit = settings.BulkRequestsPerToken,
                    QueueLimit = 0,
                }));
        });
    }

    static TokenBucketRateLimiterOptions Bucket(int capacity, int perSecond) => new()
    {
        TokenLimit = capacity,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    public static string AddressOf(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "local";

    /// <summary>
    /// The sitting a login is for, as the grain key it resolves to: <c>/01/</c> and <c>/1/</c>, or
    /// <c>/API/SESSIONS/</c> and <c>/api/sessions/</c>, are one sitting and so share one bucket. An
    /// unreadable key shares one bucket per address (it is refused anyway).
    /// </summary>
    static string SittingOf(HttpContext http) =>
        SessionRoute.Of(http.Request.RouteValues).Key is { IsOk: true } sitting ? sitting.Value!.ToString().ToUpperInvariant() : "invalid";

    /// <summary>The bearer credential (hashed: a partition key is kept in memory), or the address without one.</summary>
    static string CredentialOf(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (header.Length == 0) return "anonymous|" + AddressOf(http);
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(header)), 0, 12);
    }

    /// <summary>An endpoint whose body may be larger than <see cref="LimitSettings.JsonBodyBytes"/> (an item bank, an image).</summary>
    public static TBuilder LimitBody<TBuilder>(this TBuilder builder, Func<LimitSettings, long> bytes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new BodyLimit(bytes));

    sealed record BodyLimit(Func<LimitSettings, long> Bytes);

    /// <summary>
    /// Every body has a ceiling, checked before it is read: a declared length over it is refused at once,
    /// and a body that grows past it while streaming is cut off by the server (413 <c>request.too_large</c>).
    /// </summary>
    public static void UseBodyLimits(this WebApplication app) => app.Use(async (http, next) =>
    {
        var settings = http.RequestServices.GetRequiredService<LimitSettings>();
        var limit = http.GetEndpoint()?.Metadata.GetMetadata<BodyLimit>()?.Bytes(settings) ?? settings.JsonBodyBytes;
        if (http.Request.ContentLength > limit)
        {
            await Problems.Of(ErrorCodes.RequestTooLarge, $"The body is larger than this endpoint takes ({limit} bytes).").ExecuteAsync(http);
            return;
        }
        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            feature.MaxRequestBodySize = limit;
        await next(http);
    });
}
