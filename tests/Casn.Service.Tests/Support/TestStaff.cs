using System.Net.Http.Headers;
using Casn.Access;

namespace Casn.Service.Tests.Support;

/// <summary>Staff tokens signed with the test silos' key (set by SiloFactory), as the agency's issuer would.</summary>
public static class TestStaff
{
    public static readonly string SigningKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray());

    public static readonly StaffTokens Tokens = StaffTokens.FromBase64(SigningKey, "test key");

    public static string NationalOperator() => Operator(StaffClaims.National);

    public static string Operator(string kanreg) =>
        Tokens.Issue(StaffGrant.Operator($"op-{kanreg.ToLowerInvariant()}", $"Operator {kanreg}", kanreg, TimeSpan.FromHours(1))).Token;

    public static string Proctor(string roomKey, string id = "proctor-3") =>
        Tokens.Issue(StaffGrant.Proctor(id, "Pengawas", [roomKey], TimeSpan.FromHours(1))).Token;

    /// <summary>The archive signing key of the production-profile test silos (EC P-256, PKCS#8, base64).</summary>
    public static readonly string ArchiveSigningKey =
        Convert.ToBase64String(System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256).ExportPkcs8PrivateKey());

    public static HttpClient As(this HttpClient client, string token)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
