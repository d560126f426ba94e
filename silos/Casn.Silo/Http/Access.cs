using System.Security.Cryptography;
using Casn.Access;
using Casn.Domain;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;

namespace Casn.Silo.Http;

/// <summary>Settings from <c>Casn:Auth</c>.</summary>
public sealed class AuthSettings
{
    public const string Section = "Casn:Auth";

    /// <summary>Base64 of at least 32 bytes; the same on every silo. Required in the Redis profile.</summary>
    public string? SigningKey { get; set; }
}

/// <summary>
/// Who may call what. Every endpoint names one of these policies (the role matrix test fails on an
/// endpoint that names none):
/// public reads boards; a candidate's workstation holds its session token (checked by the session
/// grain); a proctor acts on the rooms in their token; an operator acts on their Kanreg, or on all
/// of them when national.
/// </summary>
public static partial class Access
{
    public const string Public = "public";
    public const string Candidate = "candidate";
    public const string NationalOperator = "operator.national";
    public const string AnyOperator = "operator.any";
    public const string KanregOperator = "operator.kanreg";
    public const string RoomProctor = "proctor.room";
    public const string RoomStaff = "staff.room";

    public const string DashboardPath = "/dashboard";
    public const string DashboardCookie = "casn_staff";

    /// <summary>The endpoints ASP.NET Core routing answers with when a path matches but its method or content type does not.</summary>
    static readonly HashSet<string> RoutingRejections = new(StringComparer.Ordinal) { "405 HTTP Method Not Supported", "415 HTTP Unsupported Media Type" };

    public static void AddCasnAccess(this WebApplicationBuilder builder)
    {
        var tokens = SigningKeyFrom(builder.Configuration, out var ephemeral);
        builder.Services.AddSingleton(tokens);
        if (ephemeral) builder.Services.AddHostedService<EphemeralKeyNotice>();

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;
            o.TokenValidationParameters = tokens.ValidationParameters();
            o.Events = new JwtBearerEvents
            {
                // The workstation's session token is also a bearer token, but not a JWT: it is the session
                // grain's to check, so only dotted (JWT-shaped) bearers are read here.
                OnMessageReceived = context =>
                {
                    var header = context.Request.Headers.Authorization.ToString();
                    // The Orleans dashboard is a browser page: its token comes in a cookie scoped to /dashboard.
                    if (header.Length == 0 && context.Request.Path.StartsWithSegments(DashboardPath)
                        && context.Request.Cookies.TryGetValue(DashboardCookie, out var cookie))
                        context.Token = cookie;
                    else if (!header.StartsWith("Bearer ", StringComparison.Ordinal) || header.Count(c => c == '.') != 2) context.NoResult();
                    return Task.CompletedTask;
                },
                OnChallenge = async context =>
                {
                    context.HandleResponse();
                    var expired = context.AuthenticateFailure is Microsoft.IdentityModel.Tokens.SecurityTokenExpiredException;
                    context.Response.Headers.WWWAuthenticate = "Bearer";
                    await Problems.Of(expired ? ErrorCodes.AuthStaffTokenExpired : ErrorCodes.AuthRequired,
                            expired ? "The staff token has expired; ask for a new one." : "Send a valid staff token as 'Authorization: Bearer <token>'.")
                        .ExecuteAsync(context.HttpContext);
                },
                OnForbidden = context => Problems.Of(ErrorCodes.AuthForbidden, "This token does not allow this action here.")
                    .ExecuteAsync(context.HttpContext),
            };
        });

        builder.Services.AddAuthorizationBuilder()
            // Deny by default: an endpoint that names no policy is refused. A path with no endpoint at all
            // passes on, to be answered 404; so do routing's own answers to a wrong method or content type
            // (405, 415), which say nothing about any resource and need no credential.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAssertion(c => c.Resource is HttpContext http
                && (http.GetEndpoint() is not { } endpoint || RoutingRejections.Contains(endpoint.DisplayName ?? ""))).Build())
            .AddPolicy(NationalOperator, p => p.RequireAuthenticatedUser().RequireAssertion(c => c.User.IsNationalOperator()))
            .AddPolicy(AnyOperator, p => p.RequireAuthenticatedUser().RequireAssertion(c => c.User.IsOperator()))
            .AddPolicy(KanregOperator, p => p.RequireAuthenticatedUser().RequireAssertion(c =>
                RouteRegion(c.Resource) is { } region && c.User.IsOperatorFor(region)))
            .AddPolicy(RoomProctor, p => p.RequireAuthenticatedUser().RequireAssertion(c =>
                RouteRoom(c.Resource) is { } room && c.User.IsProctorOf(room.ToString())))
            .AddPolicy(RoomStaff, p => p.RequireAuthenticatedUser().RequireAssertion(c =>
                RouteRoom(c.Resource) is { } room && (c.User.IsProctorOf(room.ToString()) || c.User.IsOperatorFor(room.Region))));
    }

    /// <summary>Public and candidate endpoints pass the HTTP layer; the candidate's token is the grain's to check.</summary>
    public static TBuilder AllowPublic<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AllowAnonymous().WithMetadata(new AccessPolicy(Public));

    public static TBuilder AllowCandidate<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AllowAnonymous().WithMetadata(new AccessPolicy(Candidate));

    public static TBuilder Allow<TBuilder>(this TBuilder builder, string policy) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(policy).WithMetadata(new AccessPolicy(policy));

    static string? RouteRegion(object? resource) =>
        resource is HttpContext http ? http.GetRouteValue("region") as string : null;

    /// <summary>The room of the route; its <c>ToString()</c> is the form proctor tokens name rooms in.</summary>
    static RoomKey? RouteRoom(object? resource) =>
        resource is HttpContext http && RoomRoute.Of(http.Request.RouteValues).Key is { IsOk: true } key ? key.Value : null;

    static StaffTokens SigningKeyFrom(IConfiguration configuration, out bool ephemeral)
    {
        var key = configuration.GetSection(AuthSettings.Section).Get<AuthSettings>()?.SigningKey;
        ephemeral = string.IsNullOrWhiteSpace(key);
        if (!ephemeral) return StaffTokens.FromBase64(key, $"{AuthSettings.Section}:SigningKey");
        var profile = configuration[$"{Hosting.ClusterSettings.Section}:Profile"] ?? Hosting.SiloComposition.EmbeddedProfile;
        if (profile != Hosting.SiloComposition.EmbeddedProfile)
            throw new InvalidOperationException(
                $"{AuthSettings.Section}:SigningKey (base64 of at least {StaffTokens.MinimumKeyBytes} bytes) is required when {Hosting.ClusterSettings.Section}:Profile is '{profile}': every silo must accept the same staff tokens.");
        return new StaffTokens(RandomNumberGenerator.GetBytes(StaffTokens.MinimumKeyBytes));
    }

    /// <summary>
    /// The embedded default has no configured key, so nobody outside could sign a token for it; it
    /// prints a national operator token at start so that a developer can drive it.
    /// </summary>
    sealed partial class EphemeralKeyNotice(StaffTokens tokens, ILogger<EphemeralKeyNotice> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            var (token, expires) = tokens.Issue(StaffGrant.Operator("dev-operator", "Developer", StaffClaims.National, TimeSpan.FromHours(12)));
            LogToken(logger, expires, token);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(Level = LogLevel.Warning,
            Message = "No Casn:Auth:SigningKey: this silo signs with a key of its own that ends with the process. National operator token (until {Expires:u}): {Token}")]
        static partial void LogToken(ILogger logger, DateTimeOffset expires, string token);
    }
}

/// <summary>Names the access policy of an endpoint, so that the role matrix can list every endpoint's rule.</summary>
public sealed record AccessPolicy(string Name);
