using System.CommandLine;
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

    public static Command Command(TextWriter stdout)
    {
        var kanreg = new Option<string>("--kanreg") { Description = $"The Kanreg the operator runs (a region code), or '{StaffClaims.National}'.", Required = true };
        kanreg.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is { } k && k != StaffClaims.National && !Casn.Domain.Keys.IsValidToken(k, 32))
                r.AddError($"--kanreg must be a region code (letters, digits, '-') or '{StaffClaims.National}'.");
        });
        var id = new Option<string>("--id") { Description = "The operator's staff id.", Required = true };
        var name = new Option<string>("--name") { Description = "The operator's name.", Required = true };
        var hours = CasnCommand.Ranged("--hours", "How long the token lasts, in hours.", 12, 1, 24 * 7);
        var keyFile = new Option<FileInfo?>("--key-file") { Description = $"The cluster's signing key (base64); default ${KeyVariable}. Never on the command line itself." };
        var issue = new System.CommandLine.Command("operator", "Print a signed operator token.") { kanreg, id, name, hours, keyFile };
        issue.SetAction(parsed => Operator(parsed.GetValue(kanreg)!, parsed.GetValue(id)!, parsed.GetValue(name)!, parsed.GetValue(hours),
            parsed.GetValue(keyFile), Environment.GetEnvironmentVariable, stdout));
        return new System.CommandLine.Command("token", "Issue staff tokens with the cluster's signing key.") { issue };
    }

    public static int Operator(string kanreg, string id, string name, int hours, FileInfo? keyFile, Func<string, string?> environment, TextWriter stdout)
    {
        var key = keyFile is not null
            ? keyFile.Exists ? File.ReadAllText(keyFile.FullName).Trim() : throw new ArgumentException($"No key file {keyFile}.")
            : environment(KeyVariable);
        var tokens = StaffTokens.FromBase64(key, keyFile is not null ? "--key-file" : $"${KeyVariable}");
        var (token, expires) = tokens.Issue(StaffGrant.Operator(id, name, kanreg, TimeSpan.FromHours(hours)));
        stdout.WriteLine(token);
        return expires > DateTimeOffset.UtcNow ? 0 : 1;
    }
}
