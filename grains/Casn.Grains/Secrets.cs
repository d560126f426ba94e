using System.Security.Cryptography;
using System.Text;

namespace Casn.Grains;

/// <summary>PINs and workstation tokens are stored only as hashes.</summary>
static class Secrets
{
    public static string NewPin() => RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    public static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>Salted with the session key, so equal PINs of two candidates hash differently.</summary>
    public static string HashPin(string sessionKey, string pin) => Hash($"pin\n{sessionKey}\n{pin}");

    public static string HashToken(string token) => Hash($"token\n{token}");

    /// <summary>Who a workstation is, for the seat and for counting wrong PINs: a hash of its secret key.</summary>
    public static string HashWorkstationKey(string workstationKey) => Hash($"workstation\n{workstationKey}")[..32];

    static string Hash(string value) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
