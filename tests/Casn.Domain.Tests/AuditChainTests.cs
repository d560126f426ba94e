using Casn.Domain.Audit;
using Casn.Domain.Exams;
using Casn.Domain.Sessions;

namespace Casn.Domain.Tests;

public class AuditChainTests
{
    static readonly ExamDefinition Exam = ExamFixtures.Skd();
    static readonly DateTimeOffset T0 = new(2024, 10, 16, 8, 0, 0, TimeSpan.FromHours(7));
    static readonly SessionRules Rules = new(TimeSpan.FromHours(4), MaxAnswers: 300, MaxPinAttempts: 3);

    /// <summary>A sitting with a check-in, answers (one changed, one arriving late), a suspension, extra time and a submit.</summary>
    static CandidateSession Finished()
    {
        var session = ExamFixtures.StartedSession(Exam, Rules, T0);
        var items = session.Paper.Items;
        Assert.True(session.Answer(T0.AddMinutes(1), 1, items[0].Item.Id, 2).IsOk);
        Assert.True(session.Answer(T0.AddMinutes(2), 3, items[0].Item.Id, 1).IsOk);
        Assert.True(session.Answer(T0.AddMinutes(3), 2, items[0].Item.Id, 2).IsOk);
        Assert.True(session.Suspend(T0.AddMinutes(4), "proctor-1", "noise").IsOk);
        Assert.True(session.Resume(T0.AddMinutes(6), "proctor-1", "quiet again").IsOk);
        Assert.True(session.Extend(T0.AddMinutes(7), TimeSpan.FromMinutes(5), "proctor-1", "power cut").IsOk);
        Assert.True(session.Answer(T0.AddMinutes(8), 4, items[1].Item.Id, null).IsOk);
        Assert.True(session.Submit(T0.AddMinutes(9)).IsOk);
        return session;
    }

    [Fact]
    public void The_result_names_the_head_that_the_whole_trail_leads_to()
    {
        var session = Finished();
        var trail = session.AuditTrail();

        Assert.Equal(session.State.AuditCount, trail.Count);
        Assert.Equal(Enumerable.Range(1, trail.Count).Select(i => (long)i), trail.Select(e => e.Ordinal));
        Assert.Equal(["checked_in", "started", "answer", "answer", "answer", "suspended", "resumed", "time_extended", "answer", "finished"], trail.Select(e => e.Kind));
        Assert.Equal("seq=2 item=" + session.Paper.Items[0].Item.Id + " choice=2 applied=no", trail[4].Detail);
        Assert.Equal(session.State.Result!.AuditHead, trail[^1].Hash);
        Assert.True(AuditChain.Verify(Exam.Id, "2024-001", trail, session.State.Result.AuditHead).Intact);
        // The same entries under another participant's genesis do not verify: a chain cannot be moved.
        Assert.False(AuditChain.Verify(Exam.Id, "2024-002", trail, session.State.Result.AuditHead).Intact);
    }

    [Fact]
    public void Changing_any_entry_breaks_the_chain_at_that_entry()
    {
        var session = Finished();
        var trail = session.AuditTrail();
        var head = session.State.Result!.AuditHead;
        for (var i = 0; i < trail.Count; i++)
        {
            foreach (var changed in new[]
                     {
                         trail[i] with { Detail = trail[i].Detail + " " },
                         trail[i] with { At = trail[i].At.AddTicks(1) },
                         trail[i] with { By = "someone-else" },
                         trail[i] with { Kind = "answer-x" },
                     })
            {
                var edited = trail.ToArray();
                edited[i] = changed;
                var check = AuditChain.Verify(Exam.Id, "2024-001", edited, head);
                Assert.False(check.Intact);
                Assert.Equal(trail[i].Ordinal, check.BrokenAt);
            }
        }
    }

    [Fact]
    public void Dropped_reordered_or_rehashed_entries_are_caught()
    {
        var session = Finished();
        var trail = session.AuditTrail();
        var head = session.State.Result!.AuditHead;

        Assert.Equal(3, AuditChain.Verify(Exam.Id, "2024-001", [.. trail.Take(2), .. trail.Skip(3)], head).BrokenAt);
        Assert.Equal(3, AuditChain.Verify(Exam.Id, "2024-001", [trail[0], trail[1], trail[3], trail[2], .. trail.Skip(4)], head).BrokenAt);
        Assert.False(AuditChain.Verify(Exam.Id, "2024-001", trail.Take(trail.Count - 1).ToList(), head).Intact);

        // A forger who rewrites an answer and recomputes every later hash still cannot reach the published head.
        var forged = new List<AuditEntry>();
        var previous = AuditChain.Genesis(Exam.Id, "2024-001");
        foreach (var entry in trail)
        {
            var detail = entry.Ordinal == 3 ? entry.Detail.Replace("choice=2", "choice=3", StringComparison.Ordinal) : entry.Detail;
            previous = AuditChain.Link(previous, entry.Ordinal, entry.At, entry.Kind, entry.By, detail);
            forged.Add(entry with { Detail = detail, Hash = previous });
        }
        Assert.Equal(trail.Count + 1, AuditChain.Verify(Exam.Id, "2024-001", forged, head).BrokenAt);
    }

    [Fact]
    public void A_signed_archive_verifies_and_any_change_to_the_result_fails_the_signature()
    {
        var session = Finished();
        using var signer = ArchiveSigner.Create();
        var archive = signer.Archive("KANREG-V/SITE/2024-10-16/1/R01/2024-001", "Siti", session.State.Result!, session.AuditTrail());
        var roundTripped = SessionArchive.FromJson(archive.ToJson());

        Assert.True(ArchiveVerifier.Verify(roundTripped, signer.PublicKeyPem).Intact, ArchiveVerifier.Verify(roundTripped, signer.PublicKeyPem).Message);
        Assert.Matches("^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$", archive.CertificateCode);

        var higher = archive with { Result = archive.Result with { Scores = archive.Result.Scores with { Total = archive.Result.Scores.Total + 5 } } };
        Assert.Contains("signature does not match", ArchiveVerifier.Verify(higher, signer.PublicKeyPem).Message);
        var moved = archive with { SessionKey = "KANREG-V/SITE/2024-10-16/1/R02/2024-001" };
        Assert.False(ArchiveVerifier.Verify(moved, signer.PublicKeyPem).Intact);
        using var other = ArchiveSigner.Create();
        Assert.Contains("signed with key", ArchiveVerifier.Verify(archive, other.PublicKeyPem).Message);
        Assert.False(ArchiveVerifier.Verify(archive with { CertificateCode = "AAAA-AAAA-AAAA-AAAA" }, signer.PublicKeyPem).Intact);
    }
}
