using Casn.Domain.Audit;
using Casn.Domain.Exams;
using Casn.Domain.Sessions;

namespace Casn.Domain.Tests;

/// <summary>A sitting stored as header plus log comes back exactly as it was, and a log that was tampered with is refused.</summary>
public class SittingLogTests
{
    static readonly ExamDefinition Exam = ExamFixtures.Skd();
    static readonly DateTimeOffset T0 = new(2024, 10, 16, 8, 0, 0, TimeSpan.FromHours(7));
    static readonly SessionRules Rules = new(TimeSpan.FromHours(4), MaxAnswers: 300, MaxPinAttempts: 3);

    static CandidateSession Started() => ExamFixtures.StartedSession(Exam, Rules, T0);

    /// <summary>Writes what is new the way the grain does, in several steps; returns the whole stored log.</summary>
    static List<SittingEntry> Append(CandidateSession session, List<SittingEntry> log)
    {
        var state = session.State;
        var answers = log.Count(e => e.Answer is not null);
        var previous = log.Count == 0 ? null : Convert.ToHexStringLower(log[^1].Link);
        log.AddRange(SittingLog.NewEntries(state, answers, log.Count - answers, Exam.Id, previous));
        return log;
    }

    [Fact]
    public void Header_plus_log_replays_to_the_same_sitting_and_the_same_audit_chain()
    {
        var session = Started();
        var log = Append(session, []);
        var items = session.Paper.Items;
        Assert.True(session.Answer(T0.AddMinutes(1), 1, items[0].Item.Id, 2).IsOk);
        Append(session, log);
        Assert.True(session.Answer(T0.AddMinutes(2), 3, items[0].Item.Id, 1).IsOk);
        Assert.True(session.Answer(T0.AddMinutes(3), 2, items[0].Item.Id, 2).IsOk); // late: kept, not applied
        Assert.True(session.Suspend(T0.AddMinutes(4), "proctor-1", "noise").IsOk);
        Assert.True(session.Resume(T0.AddMinutes(6), "proctor-1", "quiet again").IsOk);
        Append(session, log);
        Assert.True(session.Answer(T0.AddMinutes(8), 4, items[1].Item.Id, null).IsOk);
        Assert.True(session.Submit(T0.AddMinutes(9)).IsOk);
        Append(session, log);

        var header = SittingLog.Header(session.State, withContact: true);
        Assert.Empty(header.Answers);
        Assert.Empty(header.Events);
        var replayed = SittingLog.Replay(header, log, Exam.Id);

        Assert.Equal(session.State.Answers, replayed.Answers);
        Assert.Equal(session.State.Events, replayed.Events);
        Assert.Equal((session.State.AuditHead, session.State.AuditCount), (replayed.AuditHead, replayed.AuditCount));
        Assert.Equal(session.State.Result, replayed.Result);
        var again = new CandidateSession(replayed, Exam, Rules);
        Assert.Equal(session.AuditTrail(), again.AuditTrail());
        // Each stored link is the chain's hash at that entry, so the log is the chain.
        Assert.Equal(session.AuditTrail().Select(e => e.Hash), log.Select(e => Convert.ToHexStringLower(e.Link)));
        Assert.True(AuditChain.Verify(Exam.Id, "2024-001", again.AuditTrail(), replayed.Result!.AuditHead).Intact);
    }

    [Fact]
    public void The_last_contact_of_a_replay_is_the_later_of_the_header_and_the_last_answer()
    {
        var session = Started();
        var log = Append(session, []);
        var header = SittingLog.Header(session.State, withContact: true);
        Assert.True(session.Answer(T0.AddMinutes(5), 1, session.Paper.Items[0].Item.Id, 0).IsOk);
        Append(session, log);

        Assert.Equal(T0.AddMinutes(5), SittingLog.Replay(header, log, Exam.Id).LastContact);
        Assert.Equal(T0, header.LastContact);
        // The header that decides whether to write leaves the contact out: an answer alone changes no header.
        Assert.Null(SittingLog.Header(session.State, withContact: false).LastContact);
    }

    [Fact]
    public void A_log_that_was_changed_cut_or_reordered_is_refused()
    {
        var session = Started();
        var items = session.Paper.Items;
        for (var n = 1; n <= 4; n++) Assert.True(session.Answer(T0.AddMinutes(n), n, items[n].Item.Id, 1).IsOk);
        var log = Append(session, []);
        var header = SittingLog.Header(session.State, withContact: true);
        Assert.Equal(6, SittingLog.Replay(header, log, Exam.Id).AuditCount);

        var changed = log.ToList();
        changed[3] = changed[3] with { Answer = changed[3].Answer! with { Choice = 3 } };
        Assert.Contains("entry 4", Assert.Throws<SittingLogBrokenException>(() => SittingLog.Replay(header, changed, Exam.Id)).Message);

        var reordered = log.ToList();
        (reordered[2], reordered[3]) = (reordered[3], reordered[2]);
        Assert.Throws<SittingLogBrokenException>(() => SittingLog.Replay(header, reordered, Exam.Id));

        var cut = log.Where((_, i) => i != 1).ToList();
        Assert.Contains("entry 2", Assert.Throws<SittingLogBrokenException>(() => SittingLog.Replay(header, cut, Exam.Id)).Message);

        // Another participant's header cannot adopt this log.
        var moved = SittingLog.Header(session.State, withContact: true);
        moved.Setup = moved.Setup! with { ParticipantNo = "2024-002" };
        Assert.Throws<SittingLogBrokenException>(() => SittingLog.Replay(moved, log, Exam.Id));
    }
}
