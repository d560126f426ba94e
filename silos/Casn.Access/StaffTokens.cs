using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Casn.Access;

/// <summary>
/// The staff roles. Candidates are not here: a candidate's credential is the session token from the
/// PIN login, bound to the workstation's key and checked by the session grain itself.
/// </summary>
public static class StaffRoles
{
    /// <summary>Sets up exams, candidates and rooms: of one Kanreg, or of every Kanreg when national.</summary>
    public const string Operator = "operator";

    /// <summary>Runs the rooms named in the token: check-in, open, close, suspend, resume, extend, disqualify.</summary>
    public const string Proctor = "proctor";
}

/// <summary>The claims a staff token carries, beside <c>sub</c> (staff id), <c>name</c> and <c>exp</c>.</summary>
public static class StaffClaims
{
    public const string Role = "role";

    /// <summary>An operator's Kanreg, or <see cref="National"/>.</summary>
    public const string Kanreg = "kanreg";

    /// <summary>A proctor's room key (<c>{kanreg}/{site}/{date}/{slot}/{room}</c>); one claim per room.</summary>
    public const string Room = "room";

    public const string National = "national";

    /// <summary>Who issued a proctor token (the operator's <c>sub</c>): recorded with every action taken under it.</summary>
    public const string IssuedBy = "issued_by";
}

/// <summary>Who a staff token is for.</summary>
public sealed record StaffGrant(string Subject, string Name, string Role, string? Kanreg, IReadOnlyList<string> Rooms, TimeSpan ValidFor)
{
    /// <summary>The operator who issued this token, when one did (a proctor token from the operator API).</summary>
    public string? IssuedBy { get; init; }

    public static StaffGrant Operator(string subject, string name, string kanreg, TimeSpan validFor) =>
        new(subject, name, StaffRoles.Operator, kanreg, [], validFor);

    public static StaffGrant Proctor(string subject, string name, IReadOnlyList<string> rooms, TimeSpan validFor) =>
        new(subject, name, StaffRoles.Proctor, null, rooms, validFor);
}

/// <summary>
/// Staff tokens are JWTs signed with HMAC-SHA256 under one configured key (<c>Casn:Auth:SigningKey</c>,
/// base64 of at least 32 bytes). Every silo checks them with the same key; nothing is stored per token,
/// so a token stays valid until it expires, which is why they are short (a test day at most).
/// </summary>
public sealed class StaffTokens
{
    public const string Issuer = "casn";
    public const string Audience = "casn-api";
    public const int MinimumKeyBytes = 32;

    readonly SymmetricSecurityKey _key;
    readonly TimeProvider _time;

    public StaffTokens(byte[] signingKey, TimeProvider? time = null)
    {
        if (signingKey.Length < MinimumKeyBytes)
            throw new ArgumentException($"The signing key must be at least {MinimumKeyBytes} bytes.", nameof(signingKey));
        _key = new SymmetricSecurityKey(signingKey);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Reads a base64 key, naming the setting when it is wrong.</summary>
    public static StaffTokens FromBase64(string? base64, string settingName)
    {
        if (string.IsNullOrWhiteSpace(base64)) throw new ArgumentException($"{settingName} is not set (base64 of at least {MinimumKeyBytes} bytes).");
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new ArgumentException($"{settingName} is not base64.");
        }
        return key.Length >= MinimumKeyBytes ? new StaffTokens(key)
            : throw new ArgumentException($"{settingName} must be at least {MinimumKeyBytes} bytes; it is {key.Length}.");
    }

    public SecurityKey SigningKey => _key;

    public (string Token, DateTimeOffset ExpiresAt) Issue(StaffGrant grant)
    {
        var now = _time.GetUtcNow();
        var claims = new Dictionary<string, object>
        {
            ["sub"] = grant.Subject,
            ["name"] = grant.Name,
            [StaffClaims.Role] = grant.Role,
        };
        if (grant.Kanreg is not null) claims[StaffClaims.Kanreg] = grant.Kanreg;
        if (grant.Rooms.Count > 0) claims[StaffClaims.Room] = grant.Rooms.ToArray();
        if (grant.IssuedBy is not null) claims[StaffClaims.IssuedBy] = grant.IssuedBy;
        var expires = now + grant.ValidFor;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Claims = claims,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
        });
        return (token, expires);
    }

    /// <summary>What a silo accepts: this issuer and audience, this key, HS256 only, unexpired (30 s of clock skew).</summary>
    public TokenValidationParameters ValidationParameters() => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        IssuerSigningKey = _key,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = "name",
        RoleClaimType = StaffClaims.Role,
    };
}

/// <summary>What a checked staff token allows, read from its claims.</summary>
public static class StaffPrincipal
{
    public static bool IsOperatorFor(this ClaimsPrincipal user, string kanreg) =>
        user.HasClaim(StaffClaims.Role, StaffRoles.Operator)
        && (user.HasClaim(StaffClaims.Kanreg, StaffClaims.National) || user.HasClaim(StaffClaims.Kanreg, kanreg));

    public static bool IsNationalOperator(this ClaimsPrincipal user) =>
        user.HasClaim(StaffClaims.Role, StaffRoles.Operator) && user.HasClaim(StaffClaims.Kanreg, StaffClaims.National);

    public static bool IsOperator(this ClaimsPrincipal user) => user.HasClaim(StaffClaims.Role, StaffRoles.Operator);

    public static bool IsProctorOf(this ClaimsPrincipal user, string roomKey) =>
        user.HasClaim(StaffClaims.Role, StaffRoles.Proctor) && user.HasClaim(StaffClaims.Room, roomKey);

    /// <summary>
    /// Who acts, as the record names them: the staff id, and for a proctor token issued by an operator,
    /// that operator too ("proctor-7 (token by op-kanreg-v)"), so a token issued under someone else's id
    /// still leads back to whoever issued it.
    /// </summary>
    public static string Actor(this ClaimsPrincipal user) =>
        user.FindFirst(StaffClaims.IssuedBy)?.Value is { Length: > 0 } issuer ? $"{user.StaffId()} (token by {issuer})" : user.StaffId();

    /// <summary>The staff id recorded with every action; never taken from a request body.</summary>
    public static string StaffId(this ClaimsPrincipal user) => user.FindFirst("sub")?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? "";
}
