using System.CommandLine;
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
    public static Command Command(TextWriter stdout)
    {
        var publicKey = new Option<FileInfo>("--public-key") { Description = "The service's archive key (PEM), from /api/archive/public-key.", Required = true };
        var archive = new Argument<FileInfo>("ARCHIVE") { Description = "A session archive (blob sessions/{session key})." };
        var verify = new System.CommandLine.Command("verify", "Check a session archive: its hash chain leads to the head its result names, and the service signed it. Exit 0: intact and signed; 1: broken (the first entry that does not hold is named).") { archive, publicKey };
        verify.SetAction(parsed => Verify(parsed.GetValue(archive)!.FullName, parsed.GetValue(publicKey)!.FullName, stdout));

        var announcement = new Argument<FileInfo>("ANNOUNCEMENT") { Description = "A position's announcement (GET …/announcements/latest)." };
        var archives = new Option<DirectoryInfo?>("--archives") { Description = "A folder of session archives (any names): every row must be the candidate's own signed archive." };
        var verifyAnnouncement = new System.CommandLine.Command("verify-announcement", "Check a position's announcement against the archive key (and, with --archives, every row against its archive). Exit 0: signed (and every row matches); 1: not.") { announcement, publicKey, archives };
        verifyAnnouncement.SetAction(parsed => VerifyAnnouncement(parsed.GetValue(announcement)!.FullName, parsed.GetValue(publicKey)!.FullName,
            parsed.GetValue(archives)?.FullName, stdout));
        return new System.CommandLine.Command("audit", "Check signed archives and announcements with nothing but the files and the public key.") { verify, verifyAnnouncement };
    }

    public static int Verify(string archivePath, string keyPath, TextWriter stdout)
    {
        if (!File.Exists(archivePath)) throw new ArgumentException($"No archive {archivePath}.");
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

    public static int VerifyAnnouncement(string announcementPath, string keyPath, string? folder, TextWriter stdout)
    {
        if (!File.Exists(announcementPath)) throw new ArgumentException($"No announcement {announcementPath}.");
        if (!File.Exists(keyPath)) throw new ArgumentException($"No public key {keyPath}.");
        Dictionary<string, SessionArchive>? archives = null;
        if (folder is not null)
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
