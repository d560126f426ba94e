using System.Text.Json.Nodes;
using Casn.Cli;
using Casn.Domain.Audit;
using Casn.Domain.Exams;
using Casn.Domain.Sessions;
using Results = Casn.Domain.Results;

namespace Casn.Cli.Tests;

/// <summary><c>casn audit verify</c> on a real archive: intact passes; editing any entry fails at that entry.</summary>
public sealed class AuditCommandTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("casn-audit-").FullName;
    readonly ArchiveSigner _signer = ArchiveSigner.Create();

    string ArchiveFile => Path.Combine(_folder, "archive.json");

    string KeyFile => Path.Combine(_folder, "key.pem");

    public AuditCommandTests()
    {
        var exam = DemoItemBank.For(Blueprints.SkdCpns2024);
        var t0 = new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.FromHours(7));
        var session = new CandidateSession(CandidateSession.NewState(new SessionSetup(exam.Id, "P-001", "Sari", "general", false, "A1"), exam), exam,
            new SessionRules(TimeSpan.FromHours(4), 300, 5));
        session.CheckIn(new CheckInRecord(t0.AddMinutes(-30), "manual", "proctor-1", "ID seen"), "pin", true);
        Assert.True(session.Login(t0, "pin", "ws-1", "token").IsOk);
        for (var i = 0; i < 5; i++) Assert.True(session.Answer(t0.AddMinutes(i + 1), i + 1, session.Paper.Items[i].Item.Id, i % 4).IsOk);
        Assert.True(session.Extend(t0.AddMinutes(7), TimeSpan.FromMinutes(3), "proctor-1", "power cut").IsOk);
        Assert.True(session.Submit(t0.AddMinutes(9)).IsOk);
        File.WriteAllText(ArchiveFile, _signer.Archive("KANREG-V/S/2026-11-23/1/R01/P-001", "Sari", session.State.Result!, session.AuditTrail()).ToJson());
        File.WriteAllText(KeyFile, _signer.PublicKeyPem);
    }

    static async Task<(int Code, string Out, string Err)> Casn(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var code = await CasnCommand.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task An_intact_archive_verifies()
    {
        var (code, output, _) = await Casn("audit", "verify", ArchiveFile, "--public-key", KeyFile);
        Assert.Equal(0, code);
        Assert.Contains(": ok: intact: 9 entries", output);
        Assert.Contains("signature valid", output);
    }

    [Fact]
    public async Task Editing_any_entry_fails_verification_at_that_entry()
    {
        var original = JsonNode.Parse(await File.ReadAllTextAsync(ArchiveFile))!;
        var count = original["entries"]!.AsArray().Count;
        for (var i = 0; i < count; i++)
        {
            var edited = original.DeepClone();
            var entry = edited["entries"]![i]!;
            entry["detail"] = entry["detail"]!.GetValue<string>().Replace("choice=1", "choice=2", StringComparison.Ordinal) + ".";
            await File.WriteAllTextAsync(ArchiveFile, edited.ToJsonString());

            var (code, output, _) = await Casn("audit", "verify", ArchiveFile, "--public-key", KeyFile);

            Assert.Equal(1, code);
            Assert.Contains($"broken: entry {i + 1}: its content does not match its hash", output);
        }
    }

    [Fact]
    public async Task A_raised_score_or_a_foreign_key_fails_the_signature()
    {
        var archive = JsonNode.Parse(await File.ReadAllTextAsync(ArchiveFile))!;
        archive["result"]!["scores"]!["total"] = archive["result"]!["scores"]!["total"]!.GetValue<int>() + 35;
        await File.WriteAllTextAsync(ArchiveFile, archive.ToJsonString());
        var (code, output, _) = await Casn("audit", "verify", ArchiveFile, "--public-key", KeyFile);
        Assert.Equal(1, code);
        Assert.Contains("signature does not match", output);

        using var other = ArchiveSigner.Create();
        await File.WriteAllTextAsync(KeyFile, other.PublicKeyPem);
        (code, output, _) = await Casn("audit", "verify", ArchiveFile, "--public-key", KeyFile);
        Assert.Equal(1, code);

        await File.WriteAllTextAsync(ArchiveFile, "{ not json");
        (code, output, _) = await Casn("audit", "verify", ArchiveFile, "--public-key", KeyFile);
        Assert.Equal(1, code);
        Assert.Contains("not readable JSON", output);
    }

    public void Dispose()
    {
        _signer.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task An_announcement_verifies_with_the_key_and_against_a_folder_of_archives_and_a_changed_row_fails()
    {
        var archive = SessionArchive.FromJson(await File.ReadAllTextAsync(ArchiveFile));
        var result = new Results.SittingResult(archive.ParticipantNo, archive.Name, "general", archive.Result.Scores, archive.Result.Pass,
            archive.Result.Reason, archive.CertificateCode);
        var blueprint = Blueprints.SkdCpns2024;
        var position = new Results.Position("POS-1", "Kementerian", "Analis", 1);
        var standing = Results.Selection.Standing(blueprint, position, [result]);
        var announcement = Results.AnnouncementSigning.Sign(_signer, new Results.Announcement(1, archive.ExamId, "POS-1", "Kementerian", "Analis", 1, 1,
            DateTimeOffset.UnixEpoch, blueprint.SectionCodes, Results.Announcement.RowsOf(standing, blueprint.SectionCodes), "", ""));
        var file = Path.Combine(_folder, "announcement.json");
        await File.WriteAllTextAsync(file, announcement.ToJson());
        var archives = Directory.CreateDirectory(Path.Combine(_folder, "archives")).FullName;
        File.Copy(ArchiveFile, Path.Combine(archives, "sitting-1"));

        var (code, output, _) = await Casn("audit", "verify-announcement", file, "--public-key", KeyFile, "--archives", archives);
        Assert.Equal(0, code);
        Assert.Contains("v1: ok: signature valid", output);
        Assert.Contains("1 checked against their signed archives", output);

        // Without the candidate's archive the row cannot be checked; with a changed total the signature fails.
        var empty = Directory.CreateDirectory(Path.Combine(_folder, "none")).FullName;
        Assert.Equal(1, (await Casn("audit", "verify-announcement", file, "--public-key", KeyFile, "--archives", empty)).Code);
        var changed = announcement with { Rows = [announcement.Rows[0] with { Total = announcement.Rows[0].Total + 5 }] };
        await File.WriteAllTextAsync(file, changed.ToJson());
        (code, output, _) = await Casn("audit", "verify-announcement", file, "--public-key", KeyFile);
        Assert.Equal(1, code);
        Assert.Contains("broken: the signature does not match", output);
    }
}
