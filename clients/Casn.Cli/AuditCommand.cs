using Casn.Domain.Audit;

namespace Casn.Cli;

/// <summary>
/// <c>casn audit verify</c>: recomputes a sitting's hash chain from its archive, checks that it leads to
/// the head the result names, and checks the service's signature with the published public key.
/// Needs nothing but the two files: an auditor does not have to trust the service that wrote them.
/// </summary>
static class AuditCommand
{
    public const string Usage = """
          casn audit verify ARCHIVE.json --public-key KEY.pem
              Checks a session archive (blob sessions/{session key}) against the key from /api/archive/public-key.
              Exit 0: intact and signed; 1: broken (the first entry that does not hold is named).
        """;

    public static int Verify(string archivePath, Dictionary<string, string> options, TextWriter stdout)
    {
        if (!File.Exists(archivePath)) throw new ArgumentException($"No archive {archivePath}.");
        var keyPath = options.GetValueOrDefault("public-key") ?? throw new ArgumentException($"--public-key is required.\n{Usage}");
        if (!File.Exists(keyPath)) throw new ArgumentException($"No public key {keyPath}.");
        SessionArchive archive;
        try
        {
            archive = SessionArchive.FromJson(File.ReadAllText(archivePath));
        }
        catch (System.Text.Json.JsonException error)
        {
            stdout.WriteLine($"broken: the archive is not readable JSON ({error.Message})");
            return 1;
        }
        var check = ArchiveVerifier.Verify(archive, File.ReadAllText(keyPath));
        stdout.WriteLine($"{archive.SessionKey}: {(check.Intact ? "ok" : "broken")}: {check.Message}");
        if (check.Intact) stdout.WriteLine($"certificate {archive.CertificateCode}: total {archive.Result.Scores.Total}, {archive.Result.Reason}");
        return check.Intact ? 0 : 1;
    }
}
