using Casn.Domain.Exams;
using Casn.Domain.Sessions;

namespace Casn.Domain.Tests;

public class CandidateSessionTests
{
    static readonly ExamDefinition Exam = ExamFixtures.Skd();
    static readonly DateTimeOffset T0 = new(2024, 10, 16, 8, 0, 0, TimeSpan.FromHours(7));
    // Most tests do not send heartbeats, so they use a long silence limit; the contact tests use 30 s.
    static readonly SessionRules Rules = new(TimeSpan.FromHours(4), MaxAnswers: 300, MaxPinAttempts: 3);
    static readonly SessionRules ThirtySecondHeartbeat = Rules with { HeartbeatTimeout = TimeSpan.FromSeconds(30) };

    static CandidateSession Started(SessionRules? rules = null)
    {
        var session = NotLoggedIn(rules: rules);
        Assert.True(session.Login(T0, "pin", "ws-1", "token").IsOk);
        return session;
    }

    static CandidateSession NotLoggedIn(bool roomOpen = true, SessionRules? rules = null)
    {
        var setup = new SessionSetup(Exam.Id, "2024-001", "Siti", "general", false, "A1");
        var session = new CandidateSession(CandidateSession.NewState(setup, Exam), Exam, rules ?? Rules);
        session.CheckIn(new CheckInRecord(T0.AddMinutes(-60), "manual", "proctor-1", "ID card checked"), "pin", roomOpen);
        return session;
    }

    static string ItemId(CandidateSession session, int number) => session.Paper.Items[number - 1].Item.Id;

    [Fact]
    public void A_candidate_goes_from_check_in_to_a_final_score()
    {
        var session = Started();
        Assert.Equal(SessionStatus.InProgress, session.State.Status);
        long sequence = 0;
        foreach (var item in session.Paper.Items)
            Assert.True(session.Answer(T0.AddMinutes(1), ++sequence, item.Item.Id, ExamFixtures.ShownPositionWorth(item, 5)).IsOk);

        var result = session.Submit(T0.AddMinutes(50));

        Assert.True(result.IsOk);
        Assert.Equal(550, result.Value!.Scores.Total);
        Assert.True(result.Value.Pass!.Passed);
        Assert.Equal(FinishReason.Submitted, result.Value.Reason);
        Assert.Equal(SessionStatus.Finished, session.State.Status);
        Assert.Equal(TimeSpan.FromMinutes(50), session.State.Clock!.Allowed - session.State.Clock.Remaining(T0.AddHours(5)));
    }

    [Fact]
    public void A_replayed_answer_gets_the_same_ack_and_changes_nothing()
    {
        var session = Started();
        var first = session.Answer(T0.AddSeconds(5), 1, ItemId(session, 1), 2).Value!;
        var replay = session.Answer(T0.AddSeconds(9), 1, ItemId(session, 1), 2).Value!;

        Assert.True(replay.Replayed);
        Assert.Equal(first with { Replayed = true }, replay);
        Assert.Single(session.State.Answers);
    }

    [Fact]
    public void A_sequence_reused_for_another_answer_is_refused()
    {
        var session = Started();
        session.Answer(T0.AddSeconds(5), 1, ItemId(session, 1), 2);
        var conflict = session.Answer(T0.AddSeconds(6), 1, ItemId(session, 1), 3);
        Assert.Equal(ErrorCodes.AnswerSequenceConflict, conflict.Fault!.Code);
        Assert.Equal(2, session.CurrentChoices()[ItemId(session, 1)]);
    }

    [Fact]
    public void An_older_sequence_never_overwrites_a_newer_answer()
    {
        var session = Started();
        var item = ItemId(session, 1);
        session.Answer(T0.AddSeconds(5), 5, item, 4);
        var late = session.Answer(T0.AddSeconds(6), 3, item, 1).Value!;
        var otherItem = session.Answer(T0.AddSeconds(7), 4, ItemId(session, 2), 0).Value!;

        Assert.False(late.Applied);
        Assert.True(otherItem.Applied);
        Assert.Equal(4, session.CurrentChoices()[item]);
        Assert.Equal(0, session.CurrentChoices()[ItemId(session, 2)]);
    }

    [Fact]
    public void Clearing_an_answer_leaves_the_item_blank()
    {
        var session = Started();
        session.Answer(T0.AddSeconds(5), 1, ItemId(session, 1), 4);
        session.Answer(T0.AddSeconds(6), 2, ItemId(session, 1), null);
        Assert.Equal(0, session.AnsweredCount);
        Assert.Empty(session.CurrentChoices());
    }

    [Fact]
    public void The_answered_count_follows_changes_clears_late_answers_and_a_reload()
    {
        var session = Started();
        session.Answer(T0.AddSeconds(1), 1, ItemId(session, 1), 0);
        session.Answer(T0.AddSeconds(2), 2, ItemId(session, 2), 1);
        session.Answer(T0.AddSeconds(3), 3, ItemId(session, 1), 3);
        Assert.Equal(2, session.AnsweredCount);
        session.Answer(T0.AddSeconds(4), 5, ItemId(session, 2), null);
        Assert.Equal(1, session.AnsweredCount);
        // Sequence 4 arrives after 5 cleared the item: it is kept in the log but applies nothing.
        Assert.False(session.Answer(T0.AddSeconds(5), 4, ItemId(session, 2), 2).Value!.Applied);
        Assert.Equal(1, session.AnsweredCount);
        session.Answer(T0.AddSeconds(6), 6, ItemId(session, 3), 2);
        session.Answer(T0.AddSeconds(7), 7, ItemId(session, 3), 2);
        Assert.Equal(2, session.AnsweredCount);

        var reloaded = new CandidateSession(session.State, Exam, Rules);
        Assert.Equal(2, reloaded.AnsweredCount);
        Assert.Equal(session.CurrentChoices().Count, reloaded.AnsweredCount);
    }

    [Fact]
    public void Items_outside_the_candidates_paper_and_options_out_of_range_are_refused()
    {
        var session = Started();
        var foreign = Exam.Items.First(i => session.Paper.Find(i.Id) is null);

        Assert.Equal(ErrorCodes.ItemUnknown, session.Answer(T0, 1, foreign.Id, 0).Fault!.Code);
        Assert.Equal(ErrorCodes.ItemUnknown, session.Answer(T0, 2, "no-such-item", 0).Fault!.Code);
        Assert.Equal(ErrorCodes.OptionOutOfRange, session.Answer(T0, 3, ItemId(session, 1), 5).Fault!.Code);
        Assert.Equal(ErrorCodes.OptionOutOfRange, session.Answer(T0, 4, ItemId(session, 1), -1).Fault!.Code);
        Assert.Equal(ErrorCodes.AnswerSequenceInvalid, session.Answer(T0, 0, ItemId(session, 1), 1).Fault!.Code);
        Assert.Empty(session.State.Answers);
    }

    [Fact]
    public void An_answer_after_time_is_refused_and_the_session_is_submitted_at_its_deadline()
    {
        var session = Started();
        session.Answer(T0.AddMinutes(99), 1, ItemId(session, 1), 1);
        // Contact every 20 s would have kept the clock running; simulate it by contact just before the end.
        session.Contact(T0.AddMinutes(99).AddSeconds(50));

        var late = session.Answer(T0.AddMinutes(100).AddSeconds(1), 2, ItemId(session, 2), 1);

        Assert.Equal(ErrorCodes.AnswerTooLate, late.Fault!.Code);
        Assert.Equal(FinishReason.TimedOut, session.State.FinishReason);
        Assert.Equal(T0.AddMinutes(100), session.State.Result!.FinishedAt);
        Assert.Equal(1, session.State.Result.Scores.Sections.Sum(s => s.Answered));
    }

    [Fact]
    public void Lost_contact_stops_the_clock_at_the_last_contact_and_gives_the_time_back()
    {
        var session = Started(ThirtySecondHeartbeat);
        for (var second = 20; second < 600; second += 20) Assert.False(session.Contact(T0.AddSeconds(second)));
        session.Answer(T0.AddMinutes(10), 1, ItemId(session, 1), 1);

        // The workstation goes dark for 2 hours (a power cut), then comes back.
        Assert.True(session.Observe(T0.AddMinutes(10).AddSeconds(31)));
        Assert.True(session.State.ContactLost);
        Assert.False(session.State.Clock!.IsRunning);
        Assert.Equal(TimeSpan.FromMinutes(90), session.State.Clock.Remaining(T0.AddHours(2)));

        // Two hours is far past the auto-resume window: the sitting waits for the proctor, who gives it back.
        Assert.True(session.Contact(T0.AddHours(2)));
        Assert.True(session.State.AwaitingProctor);
        Assert.True(session.Resume(T0.AddHours(2).AddMinutes(3), "proctor-1", "power cut in row C").IsOk);
        Assert.False(session.State.ContactLost);
        Assert.Equal(T0.AddHours(2).AddMinutes(3).AddMinutes(90), session.State.Clock.Deadline);
        Assert.Contains(session.State.Events, e => e.Kind == SessionEventKinds.ContactLost);
        Assert.Contains(session.State.Events, e => e.Kind == SessionEventKinds.Resumed && e.Detail.Contains("contact lost for 01:53:00"));
    }

    [Fact]
    public void The_next_check_is_the_earlier_of_deadline_and_silence_limit()
    {
        var session = Started(ThirtySecondHeartbeat);
        Assert.Equal(T0.AddSeconds(30), session.NextCheck());
        session.Contact(T0.AddMinutes(99).AddSeconds(50));
        Assert.Equal(T0.AddMinutes(100), session.NextCheck());
    }

    [Fact]
    public void Suspension_blocks_answers_and_resume_gives_the_time_back()
    {
        var session = Started();
        Assert.True(session.Suspend(T0.AddMinutes(20), "proctor-1", "phone on desk").IsOk);

        Assert.Equal(ErrorCodes.SessionSuspended, session.Answer(T0.AddMinutes(21), 1, ItemId(session, 1), 1).Fault!.Code);
        Assert.Equal(ErrorCodes.SessionSuspended, session.Submit(T0.AddMinutes(21)).Fault!.Code);
        Assert.Equal(ErrorCodes.SessionStateConflict, session.Suspend(T0.AddMinutes(22), "proctor-1", "again").Fault!.Code);

        Assert.True(session.Resume(T0.AddMinutes(50), "proctor-1", "phone handed in").IsOk);
        Assert.Equal(TimeSpan.FromMinutes(80), session.State.Clock!.Remaining(T0.AddMinutes(50)));
        Assert.True(session.Answer(T0.AddMinutes(51), 1, ItemId(session, 1), 1).IsOk);
    }

    [Fact]
    public void Extension_adds_time_with_a_record_and_refuses_nonsense()
    {
        var session = Started();
        Assert.True(session.Extend(T0.AddMinutes(10), TimeSpan.FromMinutes(15), "proctor-1", "power cut in row C").IsOk);
        Assert.Equal(T0.AddMinutes(115), session.State.Clock!.Deadline);
        Assert.Equal(ErrorCodes.TimeExtensionInvalid, session.Extend(T0, TimeSpan.Zero, "p", "r").Fault!.Code);
        Assert.Equal(ErrorCodes.TimeExtensionInvalid, session.Extend(T0, TimeSpan.FromHours(4), "p", "r").Fault!.Code);
        Assert.Contains(session.State.Events, e => e.Kind == SessionEventKinds.TimeExtended && e.Detail.Contains("power cut"));
    }

    [Fact]
    public void A_disqualified_candidate_does_not_pass_whatever_the_score()
    {
        var session = Started();
        foreach (var item in session.Paper.Items)
            session.Answer(T0.AddMinutes(1), item.Number, item.Item.Id, ExamFixtures.ShownPositionWorth(item, 5));
        var result = session.Disqualify(T0.AddMinutes(30), "proctor-1", "stand-in confirmed");
        Assert.False(result.Value!.Pass!.Passed);
        Assert.Equal(FinishReason.Disqualified, result.Value.Reason);
        Assert.Equal(ErrorCodes.SessionFinished, session.Answer(T0.AddMinutes(31), 999, ItemId(session, 1), 0).Fault!.Code);
    }

    [Fact]
    public void Wrong_pins_lock_the_login_until_a_new_pin_is_issued()
    {
        var session = NotLoggedIn();
        for (var n = 0; n < Rules.MaxPinAttempts; n++)
            Assert.Equal(ErrorCodes.AuthPinInvalid, session.Login(T0, "wrong", "ws-1", "t").Fault!.Code);
        Assert.Equal(ErrorCodes.AuthPinLocked, session.Login(T0, "pin", "ws-1", "t").Fault!.Code);

        session.CheckIn(new CheckInRecord(T0, "manual", "proctor-1", "new PIN"), "pin2", true);
        Assert.True(session.Login(T0, "pin2", "ws-1", "t").IsOk);
    }

    [Fact]
    public void Login_waits_for_the_proctor_to_open_the_room()
    {
        var session = NotLoggedIn(roomOpen: false);
        Assert.Equal(ErrorCodes.RoomNotOpen, session.Login(T0, "pin", "ws-1", "t").Fault!.Code);
        session.OpenRoom();
        Assert.True(session.Login(T0, "pin", "ws-1", "t").IsOk);
    }

    [Fact]
    public void A_second_login_takes_over_and_revokes_the_first_token_once_the_proctor_approves()
    {
        var session = Started();
        Assert.Equal(ErrorCodes.AuthReloginNeedsProctor, session.Login(T0.AddMinutes(4), "pin", "ws-2", "token-2").Fault!.Code);
        Assert.True(session.IsTokenValid("token"));
        Assert.True(session.ApproveRelogin(T0.AddMinutes(5), "proctor-1", "workstation 1 broke down").IsOk);
        Assert.True(session.Login(T0.AddMinutes(5), "pin", "ws-2", "token-2").IsOk);
        Assert.False(session.IsTokenValid("token"));
        Assert.True(session.IsTokenValid("token-2"));
        Assert.Equal("ws-2", session.State.WorkstationId);
        Assert.Equal(TimeSpan.FromMinutes(95), session.State.Clock!.Remaining(T0.AddMinutes(5)));
    }

    [Fact]
    public void The_answer_log_has_a_limit()
    {
        var session = Started();
        var item = ItemId(session, 1);
        for (var n = 1; n <= Rules.MaxAnswers; n++) Assert.True(session.Answer(T0, n, item, n % 5).IsOk);
        Assert.Equal(ErrorCodes.AnswerLimitReached, session.Answer(T0, Rules.MaxAnswers + 1, item, 0).Fault!.Code);
    }

    [Fact]
    public void The_workstation_paper_carries_no_points()
    {
        var session = Started();
        var paper = session.WorkstationPaper(T0);
        Assert.Equal(110, paper.Items.Length);
        var json = System.Text.Json.JsonSerializer.Serialize(paper, CasnJson.Options);
        Assert.DoesNotContain("points", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("key", json, StringComparison.OrdinalIgnoreCase);
    }
}

public class InExamFaceRuleTests
{
    static readonly Exams.ExamDefinition Exam = ExamFixtures.Skd();
    static readonly DateTimeOffset T0 = new(2024, 10, 16, 8, 0, 0, TimeSpan.FromHours(7));
    static readonly SessionRules Rules = new SessionRules(TimeSpan.FromHours(4), 300, 3)
    {
        FaceCheckEvery = TimeSpan.FromMinutes(10),
        FaceCheckGrace = TimeSpan.FromMinutes(2),
        FaceMissesAllowed = 3,
    };

    static CandidateSession Started()
    {
        var setup = new SessionSetup(Exam.Id, "2024-001", "Siti", "general", false, "A1");
        var session = new CandidateSession(CandidateSession.NewState(setup, Exam), Exam, Rules);
        session.CheckIn(new CheckInRecord(T0.AddMinutes(-60), "face", "proctor-1", "verified"), "pin", roomOpen: true);
        // randomFraction 0.5: the first frame is due after exactly FaceCheckEvery.
        Assert.True(session.Login(T0, "pin", "ws-1", "token", randomFraction: 0.5).IsOk);
        return session;
    }

    [Fact]
    public void A_frame_falls_due_at_a_random_moment_and_a_good_frame_schedules_the_next()
    {
        var session = Started();
        Assert.False(session.IsFaceCheckDue(T0.AddMinutes(9)));
        Assert.True(session.IsFaceCheckDue(T0.AddMinutes(10)));
        Assert.False(session.FaceFrame(T0.AddMinutes(10), FaceFrameResult.SamePerson, "same", randomFraction: 0).Value);
        Assert.Equal(T0.AddMinutes(15), session.State.NextFaceCheckAt);
    }

    [Fact]
    public void Frames_never_sent_count_as_missing_faces_and_suspend_in_the_end()
    {
        var session = Started();
        Assert.Equal(T0.AddMinutes(12), session.NextCheck());

        // Due at 10:00, grace 2 min: the first miss is counted at 12:00+, then every 2 min after.
        Assert.True(session.Observe(T0.AddMinutes(12).AddSeconds(1)));
        Assert.Equal(SessionStatus.InProgress, session.State.Status);
        Assert.True(session.Observe(T0.AddMinutes(14).AddSeconds(2)));
        Assert.Equal(SessionStatus.InProgress, session.State.Status);
        Assert.True(session.Observe(T0.AddMinutes(16).AddSeconds(3)));

        Assert.Equal(SessionStatus.Suspended, session.State.Status);
        Assert.Contains("no camera frame", session.State.Events[^1].Detail);
        // The suspension stopped the clock: the proctor's decision costs the candidate nothing.
        Assert.Equal(TimeSpan.FromMinutes(100) - TimeSpan.FromMinutes(16).Add(TimeSpan.FromSeconds(3)), session.State.Clock!.Remaining(T0.AddHours(3)));
    }

    [Fact]
    public void With_checks_off_nothing_falls_due()
    {
        var setup = new SessionSetup(Exam.Id, "2024-002", "Budi", "general", false, "A2");
        var session = new CandidateSession(CandidateSession.NewState(setup, Exam), Exam, Rules with { FaceCheckEvery = TimeSpan.Zero });
        session.CheckIn(new CheckInRecord(T0, "manual", "p", "r"), "pin", roomOpen: true);
        session.Login(T0, "pin", "ws-2", "t");
        Assert.Null(session.State.NextFaceCheckAt);
        Assert.False(session.Observe(T0.AddHours(1)));
    }
}
