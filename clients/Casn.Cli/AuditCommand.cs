using Casn.Domain.Audit;
using Casn.Domain.Results;

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
          casn audit verify-announcement ANNOUNCEMENT.json --public-key KEY.pem [--archives DIR]
              Checks a position's announcement (GET …/announcements/latest) against the same key; with --archives (a folder
              of session archives, any names), also that every row is the candidate's own signed archive.
              Exit 0: signed (and every row matches); 1: not.
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

    public static int VerifyAnnouncement(string announcementPath, Dictionary<string, string> options, TextWriter stdout)
    {
        if (!File.Exists(announcementPath)) throw new ArgumentException($"No announcement {announcementPath}.");
        var keyPath = options.GetValueOrDefault("public-key") ?? throw new ArgumentException($"--public-key is required.\n{Usage}");
        if (!File.Exists(keyPath)) throw new ArgumentException($"No public key {keyPath}.");
        Dictionary<string, SessionArchive>? archives = null;
        if (options.GetValueOrDefault("archives") is { } folder)
        {
            if (!Directory.Exists(folder)) throw new ArgumentException($"No archives folder {folder}.");
            archives = new Dictionary<string, SessionArchive>(StringComparer.Ordinal);
            foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            {
                // Files that are not archives are passed over; a row whose archive is missing fails below.
                try { var archive = SessionArchive.FromJson(File.ReadAllText(file)); archives[archive.CertificateCode] = archive; }
                catch (Exception error) when (error is System.Text.Json.JsonException or InvalidDataException or NotSupportedException) { }
            }
        }
        Announcement announcement;
        try
        {
            announcement = Announcement.FromJson(File.ReadAllText(announcementPath));
        }
        catch (Exception error) when (error is System.Text.Json.JsonException or InvalidDataException)
        {
            stdout.WriteLine($"broken: the announcement is not readable JSON ({error.Message})");
            return 1;
        }
        var check = AnnouncementVerifier.Verify(announcement, File.ReadAllText(keyPath), archives is null ? null : code => archives.GetValueOrDefault(code));
        stdout.WriteLine($"{announcement.ExamId}/{announcement.PositionId} v{announcement.Version}: {(check.Intact ? "ok" : "broken")}: {check.Message}");
        return check.Intact ? 0 : 1;
    }
}
