using Casn.Domain.Sessions;

namespace Casn.Domain.Tests;

/// <summary>The sitting's rules against the people an exam must guard against: strangers, stand-ins, candidates who stop their clock.</summary>
public class IntegrityRuleTests
{
    static readonly Exams.ExamDefinition Exam = ExamFixtures.Skd();
    static readonly DateTimeOffset T0 = new(2024, 10, 16, 8, 0, 0, TimeSpan.FromHours(7));
    static readonly SessionRules Rules = new(TimeSpan.FromSeconds(30), MaxAnswers: 300, MaxPinAttempts: 5);
    static readonly LoginOrigin Seat = new("seat-key-hash", "10.0.0.7");

    static CandidateSession CheckedIn(SessionRules? rules = null)
    {
        var setup = new SessionSetup(Exam.Id, "2024-001", "Siti", "general", false, "A1");
        var session = new CandidateSession(CandidateSession.NewState(setup, Exam), Exam, rules ?? Rules);
        session.CheckIn(new CheckInRecord(T0.AddMinutes(-60), "manual", "proctor-1", "ID card checked"), "pin", roomOpen: true);
        return session;
    }

    static CandidateSession Started(SessionRules? rules = null)
    {
        var session = CheckedIn(rules);
        Assert.True(session.Login(T0, "pin", "ws-1", "token", origin: Seat).IsOk);
        return session;
    }

    static string ItemId(CandidateSession session, int number) => session.Paper.Items[number - 1].Item.Id;

    [Fact]
    public void Wrong_pins_from_elsewhere_never_lock_the_seat_out()
    {
        var session = CheckedIn();
        for (var n = 0; n < 10; n++)
            Assert.Equal(ErrorCodes.AuthPinInvalid, session.Login(T0, "wrong", $"ws-x{n}", "t", origin: new($"stranger-{n}", $"203.0.113.{n}")).Fault!.Code);

        Assert.True(session.Login(T0, "pin", "ws-1", "token", origin: Seat).IsOk);
        Assert.Equal(10, session.State.PinFailuresTotal);
    }

    [Fact]
    public void One_workstation_or_one_address_is_locked_after_the_limit()
    {
        var session = CheckedIn();
        for (var n = 0; n < Rules.MaxPinAttempts; n++) session.Login(T0, "wrong", "ws-x", "t", origin: new("stranger", "203.0.113.9"));

        Assert.Equal(ErrorCodes.AuthPinLocked, session.Login(T0, "pin", "ws-x", "t", origin: new("stranger", "198.51.100.1")).Fault!.Code);
        Assert.Equal(ErrorCodes.AuthPinLocked, session.Login(T0, "pin", "ws-y", "t", origin: new("other", "203.0.113.9")).Fault!.Code);
        Assert.True(session.Login(T0, "pin", "ws-1", "token", origin: Seat).IsOk);
    }

    [Fact]
    public void The_proctor_hears_of_wrong_pins_at_the_limit_and_at_each_doubling()
    {
        var session = CheckedIn();
        var alarms = Enumerable.Range(1, 100).Where(session.IsPinAlarm).ToArray();
        Assert.Equal([5, 10, 20, 40, 80], alarms);
    }

    [Fact]
    public void Pin_failure_sources_are_bounded()
    {
        var session = CheckedIn();
        for (var n = 0; n < SessionRules.MaxPinFailureSources + 100; n++)
            session.Login(T0, "wrong", "w", "t", origin: new($"k{n}", ""));
        Assert.Equal(SessionRules.MaxPinFailureSources, session.State.PinFailures.Count);
    }

    [Fact]
    public void Another_workstation_needs_the_proctor_and_the_seat_keeps_working_meanwhile()
    {
        var session = Started(Rules with { HeartbeatTimeout = TimeSpan.FromHours(4) });
        var other = new LoginOrigin("other-key-hash", "10.0.0.8");

        Assert.Equal(ErrorCodes.AuthReloginNeedsProctor, session.Login(T0.AddMinutes(5), "pin", "ws-2", "token-2", origin: other).Fault!.Code);
        Assert.Equal("ws-2", session.State.ReloginRequest!.WorkstationId);
        Assert.True(session.IsTokenValid("token"));
        Assert.True(session.Answer(T0.AddMinutes(6), 1, ItemId(session, 1), 1).IsOk);
        // The seated workstation itself may log in again (a reload keeps its key).
        Assert.True(session.Login(T0.AddMinutes(7), "pin", "ws-1", "token-1b", origin: Seat).IsOk);

        Assert.True(session.ApproveRelogin(T0.AddMinutes(8), "proctor-1", "workstation 1 froze").IsOk);
        Assert.Null(session.State.ReloginRequest);
        Assert.True(session.Login(T0.AddMinutes(9), "pin", "ws-2", "token-2", origin: other).IsOk);
        Assert.False(session.IsTokenValid("token-1b"));
        Assert.Contains(session.State.Events, e => e.Kind == SessionEventKinds.ReloginApproved && e.By == "proctor-1" && e.Detail.Contains("ws-2"));

        // The approval is used up: the first workstation cannot take the seat back on its own.
        Assert.Equal(ErrorCodes.AuthReloginNeedsProctor, session.Login(T0.AddMinutes(10), "pin", "ws-1", "token-1c", origin: Seat).Fault!.Code);
    }

    [Fact]
    public void A_new_pin_from_the_proctor_also_lets_another_workstation_in()
    {
        var session = Started();
        var other = new LoginOrigin("other-key-hash", "10.0.0.8");
        session.CheckIn(new CheckInRecord(T0.AddMinutes(20), "manual", "proctor-1", "new PIN: workstation broke"), "pin2", roomOpen: true);

        Assert.True(session.Login(T0.AddMinutes(21), "pin2", "ws-2", "token-2", origin: other).IsOk);
        Assert.Equal(ErrorCodes.AuthReloginNeedsProctor, session.Login(T0.AddMinutes(22), "pin2", "ws-1", "t", origin: Seat).Fault!.Code);
    }

    [Fact]
    public void A_short_silence_resumes_on_its_own_and_is_given_back()
    {
        var session = Started();
        session.Contact(T0.AddMinutes(10));
        Assert.True(session.Observe(T0.AddMinutes(10).AddSeconds(31)));

        Assert.True(session.Contact(T0.AddMinutes(11).AddSeconds(30)));
        Assert.False(session.State.ContactLost);
        Assert.Equal(TimeSpan.FromSeconds(90), session.State.CreditedPause);
        Assert.Equal(TimeSpan.FromMinutes(90), session.State.Clock!.Remaining(T0.AddMinutes(11).AddSeconds(30)));
        Assert.True(session.Answer(T0.AddMinutes(12), 1, ItemId(session, 1), 1).IsOk);
    }

    [Fact]
    public void A_long_silence_waits_for_the_proctor_with_no_items_and_no_answers()
    {
        var session = Started();
        session.Contact(T0.AddMinutes(10));
        session.Observe(T0.AddMinutes(10).AddSeconds(31));

        // Five and a half minutes offline (the trial that cost 0.05 s of exam time before).
        var back = T0.AddMinutes(15).AddSeconds(35);
        Assert.Equal(ErrorCodes.SessionContactLost, session.Answer(back, 1, ItemId(session, 1), 1).Fault!.Code);
        Assert.True(session.State.AwaitingProctor);
        Assert.True(session.ClockView(back).AwaitingProctor);
        Assert.Equal(ErrorCodes.SessionContactLost, session.PaperFor(back).Fault!.Code);
        Assert.Equal(ErrorCodes.SessionContactLost, session.Submit(back).Fault!.Code);
        Assert.Equal(ErrorCodes.SessionContactLost, session.FrameRefusal(back)!.Code);

        Assert.True(session.Resume(back.AddMinutes(1), "proctor-1", "cable was pulled; seen").IsOk);
        Assert.True(session.PaperFor(back.AddMinutes(1)).IsOk);
        Assert.Equal(TimeSpan.FromMinutes(90), session.State.Clock!.Remaining(back.AddMinutes(1)));
        Assert.Contains(session.State.Events, e => e.Kind == SessionEventKinds.Resumed && e.Detail.Contains("contact lost for 00:06:35"));
    }

    [Fact]
    public void Credited_pauses_are_capped_and_past_the_cap_the_proctor_decides()
    {
        var session = Started(Rules with { MaxCreditedPause = TimeSpan.FromMinutes(3) });
        var t = T0;
        // A silence of 100 s is given back on its own; a second one would bring the total past the 180 s cap.
        session.Contact(t = t.AddMinutes(1));
        session.Observe(t.AddSeconds(31));
        Assert.True(session.Contact(t = t.AddSeconds(100)));
        Assert.False(session.State.ContactLost);
        session.Observe(t.AddSeconds(31));
        Assert.True(session.Contact(t.AddSeconds(100)));

        Assert.True(session.State.AwaitingProctor);
        Assert.Equal(TimeSpan.FromSeconds(100), session.State.CreditedPause);
        Assert.Contains("limit 00:03:00", session.State.Events[^1].Detail);
    }

    [Fact]
    public void A_frame_that_is_not_due_is_refused()
    {
        var session = CheckedIn(Rules with { FaceCheckEvery = TimeSpan.FromMinutes(10) });
        session.Login(T0, "pin", "ws-1", "token", randomFraction: 0.5, origin: Seat);

        Assert.Equal(ErrorCodes.FaceNotDue, session.FrameRefusal(T0.AddMinutes(1))!.Code);
        Assert.Equal(ErrorCodes.FaceNotDue, session.FaceFrame(T0.AddMinutes(1), FaceFrameResult.SamePerson, "same", 0.5).Fault!.Code);
        Assert.Null(session.FrameRefusal(T0.AddMinutes(10)));
    }

    [Fact]
    public void Moving_one_item_through_three_options_is_recorded_once_as_a_probe()
    {
        var session = Started();
        var item = ItemId(session, 1);
        session.Answer(T0.AddSeconds(1), 1, item, 0);
        session.Answer(T0.AddSeconds(2), 2, item, null);
        session.Answer(T0.AddSeconds(3), 3, item, 0);
        session.Answer(T0.AddSeconds(4), 4, item, 1);
        Assert.DoesNotContain(session.State.Events, e => e.Kind == SessionEventKinds.AnswerProbe);

        session.Answer(T0.AddSeconds(5), 5, item, 2);
        session.Answer(T0.AddSeconds(6), 6, item, 3);
        session.Answer(T0.AddSeconds(7), 7, ItemId(session, 2), 3);
        var probe = Assert.Single(session.State.Events, e => e.Kind == SessionEventKinds.AnswerProbe);
        Assert.Contains(item, probe.Detail);
    }

    [Fact]
    public void A_view_carries_only_the_latest_events()
    {
        var session = Started(Rules with { EventsInView = 10 });
        for (var n = 0; n < 40; n++) session.Extend(T0.AddMinutes(n), TimeSpan.FromMinutes(1), "proctor-1", $"extension {n}");

        var view = session.View(T0.AddMinutes(41));
        Assert.Equal(10, view.Events.Length);
        Assert.Equal(session.State.Events.Count, view.EventCount);
        Assert.Equal("+00:01:00: extension 39", view.Events[^1].Detail);
    }
}
