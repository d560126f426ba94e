using System.Globalization;
using Casn.Access;

namespace Casn.Cli;

/// <summary>
/// <c>casn token operator</c>: whoever holds the cluster's signing key issues operator tokens (proctor
/// tokens come from the API, issued by an operator for one room). The key is read from a file or the
/// environment, never from the command line, so it does not end up in shell history.
/// </summary>
static class TokenCommand
{
    public const string KeyVariable = "Casn__Auth__SigningKey";
    public const string Usage = """
          casn token operator --kanreg KANREG-V|national --id STAFF-ID --name NAME [--hours 12] [--key-file FILE]
              Prints a signed operator token. The key (base64) comes from --key-file or $Casn__Auth__SigningKey.
        """;

    public static int Operator(Dictionary<string, string> options, Func<string, string?> environment, TextWriter stdout)
    {
        var kanreg = Required(options, "kanreg");
        if (kanreg != StaffClaims.National && !Casn.Domain.Keys.IsValidToken(kanreg, 32))
            throw new ArgumentException($"--kanreg must be a region code (letters, digits, '-') or '{StaffClaims.National}'.");
        var id = Required(options, "id");
        var name = Required(options, "name");
        var hours = options.TryGetValue("hours", out var h)
            ? int.TryParse(h, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed is >= 1 and <= 24 * 7 ? parsed
                : throw new ArgumentException("--hours must be 1-168.")
            : 12;
        var key = options.TryGetValue("key-file", out var file)
            ? File.Exists(file) ? File.ReadAllText(file).Trim() : throw new ArgumentException($"No key file {file}.")
            : environment(KeyVariable);
        var tokens = StaffTokens.FromBase64(key, options.ContainsKey("key-file") ? "--key-file" : $"${KeyVariable}");
        var (token, expires) = tokens.Issue(StaffGrant.Operator(id, name, kanreg, TimeSpan.FromHours(hours)));
        stdout.WriteLine(token);
        return expires > DateTimeOffset.UtcNow ? 0 : 1;
    }

    static string Required(Dictionary<string, string> options, string name) =>
        options.TryGetValue(name, out var value) && value.Length > 0 ? value : throw new ArgumentException($"--{name} is required.\n{Usage}");
}
