using Casn.Domain.Audit;
using Casn.Domain.Exams;
using Casn.Domain.Results;
using Casn.Domain.Sessions;

namespace Casn.Domain.Tests;

/// <summary>#15: a signed announcement checks out against the published key and against each candidate's signed archive.</summary>
public class AnnouncementTests
{
    static readonly ExamDefinition Exam = ExamFixtures.Skd();
    static readonly DateTimeOffset T0 = new(2024, 10, 16, 8, 0, 0, TimeSpan.FromHours(7));
    static readonly SessionRules Rules = new(TimeSpan.FromHours(4), MaxAnswers: 300, MaxPinAttempts: 3);
    static readonly Position Analyst = new("POS-1", "Kementerian Contoh | Biro \"Umum\"", "Analis\nKebijakan", 1);

    /// <summary>A finished, archived sitting that answered <paramref name="answered"/> items with their best option.</summary>
    static (SittingResult Result, SessionArchive Archive) Sitting(ArchiveSigner signer, int answered, string name)
    {
        var session = ExamFixtures.StartedSession(Exam, Rules, T0);
        var items = session.Paper.Items;
        for (var i = 0; i < answered; i++)
            Assert.True(session.Answer(T0.AddMinutes(1), i + 1, items[i].Item.Id, ExamFixtures.ShownPositionWorth(items[i], items[i].Item.Points.Max())).IsOk);
        var final = session.Submit(T0.AddMinutes(5)).Value!;
        var archive = signer.Archive("KANREG-V/SITE/2024-10-16/1/R01/2024-001", name, final, session.AuditTrail());
        return (new SittingResult(final.ParticipantNo, name, final.Category, final.Scores, final.Pass, final.Reason, archive.CertificateCode), archive);
    }

    /// <summary>Participant 2024-099, who never checked in: the room's close ends the sitting as absent, archived like any other.</summary>
    static (SittingResult Result, SessionArchive Archive) AbsentSitting(ArchiveSigner signer)
    {
        var setup = new SessionSetup(Exam.Id, "2024-099", "Budi", "general", false, "A2");
        var session = new CandidateSession(CandidateSession.NewState(setup, Exam), Exam, Rules);
        Assert.True(session.CloseByRoom(T0.AddHours(2), "proctor-1").Value);
        var final = session.State.Result!;
        Assert.Equal((FinishReason.Absent, false, "absent"), (final.Reason, final.Pass!.Passed, final.Pass.Unmet.Single()));
        var archive = signer.Archive("KANREG-V/SITE/2024-10-16/1/R01/2024-099", "Budi", final, session.AuditTrail());
        return (new SittingResult(final.ParticipantNo, "Budi", final.Category, final.Scores, final.Pass, final.Reason, archive.CertificateCode), archive);
    }

    static Announcement Announce(ArchiveSigner signer, SittingResult result, int version = 1) =>
        Announce(signer, [result, AbsentSitting(signer).Result], version);

    static Announcement Announce(ArchiveSigner signer, SittingResult[] results, int version = 1)
    {
        var standing = Selection.Standing(Exam.Blueprint, Analyst, results);
        var sections = Exam.Blueprint.SectionCodes;
        return signer.Sign(new Announcement(Announcement.CurrentFormat, Exam.Id, Analyst.Id, Analyst.Agency, Analyst.Title, Analyst.Openings, version,
            T0.AddDays(3), sections, Announcement.RowsOf(standing, sections), "", ""));
    }

    [Fact]
    public void A_signed_announcement_verifies_with_the_public_key_and_against_the_candidates_archive()
    {
        using var signer = ArchiveSigner.Create();
        var (result, archive) = Sitting(signer, answered: 40, "Siti | Rahma\nbinti \"X\"");
        var (absent, absentArchive) = AbsentSitting(signer);
        var announcement = Announcement.FromJson(Announce(signer, [result, absent]).ToJson());

        Assert.Equal(["2024-001", "2024-099"], announcement.Rows.Select(r => r.ParticipantNo));
        Assert.Equal(("absent", absent.CertificateCode, 0), (announcement.Rows[1].Status, announcement.Rows[1].CertificateCode, announcement.Rows[1].SectionScores.Length));
        Assert.True(AnnouncementVerifier.Verify(announcement, signer.PublicKeyPem).Intact);
        var archives = new[] { archive, absentArchive }.ToDictionary(a => a.CertificateCode);
        var full = AnnouncementVerifier.Verify(announcement, signer.PublicKeyPem, archives.GetValueOrDefault);
        Assert.True(full.Intact, full.Message);
        Assert.Contains("2 checked against their signed archives", full.Message);
        // A name cannot smuggle a line into what is signed.
        Assert.Equal(11 + announcement.Rows.Count, announcement.Statement().Split('\n').Length);
    }

    [Fact]
    public void Any_change_to_a_row_or_the_position_breaks_the_signature_and_a_row_must_match_its_archive()
    {
        using var signer = ArchiveSigner.Create();
        var (result, archive) = Sitting(signer, answered: 40, "Siti");
        var announcement = Announce(signer, result);
        var row = announcement.Rows[0];
        foreach (var changed in new[]
                 {
                     announcement with { Rows = [row with { Total = row.Total + 1 }, announcement.Rows[1]] },
                     announcement with { Rows = [row with { Name = "Someone Else" }, announcement.Rows[1]] },
                     announcement with { Rows = [row with { Rank = 2 }, announcement.Rows[1]] },
                     announcement with { Rows = [row with { Status = "passed" }, announcement.Rows[1] with { Status = "passed" }] },
                     announcement with { Rows = [row] },
                     announcement with { Openings = 2 },
                     announcement with { Version = 2 },
                     announcement with { Rows = [row, announcement.Rows[1] with { Shortlisted = true }] },
                 })
            Assert.False(AnnouncementVerifier.Verify(changed, signer.PublicKeyPem).Intact);
        using var other = ArchiveSigner.Create();
        Assert.Contains("not with this public key", AnnouncementVerifier.Verify(announcement, other.PublicKeyPem).Message);

        // Signed by the service, but a row whose certificate leads to no archive, or to another candidate's, fails.
        Assert.Contains("no archive", AnnouncementVerifier.Verify(announcement, signer.PublicKeyPem, _ => null).Message);
        var (_, otherArchive) = Sitting(signer, answered: 10, "Budi");
        Assert.Contains("another candidate's or another score", AnnouncementVerifier.Verify(announcement, signer.PublicKeyPem, _ => otherArchive).Message);

        // Even signed with the service's key, a row's status must be what its archive shows: 40 answers failed, not passed.
        var promoted = signer.Sign(announcement with { Rows = [row with { Status = "passed", Rank = 1 }, announcement.Rows[1]] });
        Assert.Contains("the row says passed but the signed archive says failed",
            AnnouncementVerifier.Verify(promoted, signer.PublicKeyPem, _ => archive).Message);
        // And a row without a certificate has nothing standing behind it.
        var unbacked = signer.Sign(announcement with { Rows = [row with { CertificateCode = "" }, announcement.Rows[1]] });
        Assert.Contains("no certificate code", AnnouncementVerifier.Verify(unbacked, signer.PublicKeyPem, _ => archive).Message);
    }

    [Fact]
    public void The_csv_copy_quotes_what_needs_quoting_and_never_hands_a_spreadsheet_a_formula()
    {
        using var signer = ArchiveSigner.Create();
        var (result, _) = Sitting(signer, answered: 40, "=HYPERLINK(\"http://x\",\"a, b\")");
        var csv = Announce(signer, result).ToCsv().Split('\n');
        Assert.Equal("rank,participantNo,name,TWK,TIU,TKP,total,status,shortlisted,certificateCode", csv[0]);
        // 40 items answered: failed under the general rules, so listed without a rank.
        Assert.StartsWith(",2024-001,\"'=HYPERLINK(\"\"http://x\"\",\"\"a, b\"\")\",", csv[1]);
        Assert.Contains(",failed,", csv[1]);
        Assert.Matches("^,2024-099,Budi,,,,0,absent,,[0-9A-Z-]+$", csv[2]);
    }
}
