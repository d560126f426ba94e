using Casn.Domain;
using Casn.Domain.Rooms;
using Casn.Domain.Sessions;
using Casn.Grains.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using static Casn.Service.Tests.Cluster.ExamDay;

namespace Casn.Service.Tests.Cluster;

/// <summary>
/// The rules of time, on a silo whose clock the test moves (<see cref="FakeClockClusterFixture"/>): nothing here waits
/// for the wall clock, and because the clock stands still between moves, times are asserted exactly.
/// </summary>
[Collection(FakeClockCollection.Name)]
public sealed class ExamTimeTests(FakeClockClusterFixture fixture)
{
    IGrainFactory Grains => fixture.Client;

    ExamDay NewDay(TimeSpan? duration = null) => new(Grains, duration, clock: fixture.Clock);

    [Fact]
    public async Task First_check_in_closes_before_the_start_but_a_new_pin_can_be_issued_later()
    {
        var day = await NewDay().Prepare(candidates: 2, startsAt: fixture.Clock.GetUtcNow() + TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(5));
        var firstPin = await day.CheckIn(1);
        // Check-in closes 5 minutes before the start, 5 s from now: a millisecond after that, it is closed.
        fixture.Clock.Advance(TimeSpan.FromSeconds(5) + TimeSpan.FromMilliseconds(1));
        Fails(ErrorCodes.CheckInClosed, await day.Room.CheckIn(new CheckInRequest(day.ParticipantNo(2), "manual", day.Proctor)));

        // Candidate 1's workstation breaks: the proctor issues a new PIN, the old one stops working.
        var secondPin = await day.CheckIn(1);
        await day.Open();
        Fails(ErrorCodes.AuthPinInvalid, await day.Session(1).Login(new LoginRequest(firstPin == secondPin ? "x" : firstPin, "ws-1", WorkstationKey(1)), "10.1.0.1"));
        await day.Login(1, secondPin);
        Assert.Contains("pin_reissued", Ok(await day.Room.GetView()).Incidents.Select(i => i.Kind));
    }

    [Fact]
    public async Task Suspension_stops_answers_and_resume_gives_the_time_back()
    {
        var day = await NewDay().Prepare();
        var token = await day.Start(1);
        var item = day.PaperOf(1).Items[0].Item.Id;

        var suspended = Ok(await day.Room.Suspend(day.ParticipantNo(1), new ProctorAction("proctor-7", "second person at the desk")));
        Fails(ErrorCodes.SessionSuspended, await day.Session(1).SubmitAnswer(token, new AnswerSubmission(1, item, 0)));
        Fails(ErrorCodes.SessionSuspended, await day.Session(1).Submit(token));
        fixture.Clock.Advance(TimeSpan.FromMinutes(20));
        var resumed = Ok(await day.Room.Resume(day.ParticipantNo(1), new ProctorAction("proctor-7", "identity confirmed")));

        // The 20 minutes suspended are not charged: what is left is exactly what was left at suspension.
        Assert.Equal(suspended.Clock.RemainingMs, resumed.Clock.RemainingMs);
        Assert.True(Ok(await day.Session(1).SubmitAnswer(token, new AnswerSubmission(1, item, 0))).Applied);
        var incidents = Ok(await day.Room.GetView()).Incidents.Select(i => i.Kind);
        Assert.Contains("suspended", incidents);
        Assert.Contains("resumed", incidents);
    }

    [Fact]
    public async Task A_session_out_of_time_is_submitted_by_itself_and_late_answers_are_refused()
    {
        var day = await NewDay(TimeSpan.FromSeconds(3)).Prepare();
        var token = await day.Start(1);
        var session = day.Session(1);
        var items = day.PaperOf(1).Items;
        Ok(await session.SubmitAnswer(token, new AnswerSubmission(1, items[0].Item.Id, 1)));

        fixture.Clock.Advance(TimeSpan.FromSeconds(4));
        // The sitting's own timer runs on the silo's clock: it finishes the sitting without a call.
        await Eventually(async () => (await session.GetView())!.Status == SessionStatus.Finished, TimeSpan.FromSeconds(10), "finished by its timer");
        var view = (await session.GetView())!;
        Assert.Equal(FinishReason.TimedOut, view.FinishReason);
        Assert.Equal(0, view.Clock.RemainingMs);
        Assert.Equal(1, view.Result!.Scores.Sections.Sum(s => s.Answered));

        Fails(ErrorCodes.AnswerTooLate, await session.SubmitAnswer(token, new AnswerSubmission(2, items[1].Item.Id, 1)));
        // The answer acknowledged before time-out is still acknowledged the same way when replayed.
        Assert.True(Ok(await session.SubmitAnswer(token, new AnswerSubmission(1, items[0].Item.Id, 1))).Replayed);
    }

    [Fact]
    public async Task The_timer_submits_an_expired_session_without_any_call_to_it()
    {
        var day = await NewDay(TimeSpan.FromSeconds(2)).Prepare();
        await day.Start(1);
        fixture.Clock.Advance(TimeSpan.FromSeconds(3));

        // Nobody calls the session after login; storage is read directly, so only the grain's own timer
        // can have written "finished".
        await Eventually(async () => (await ReadStoredState(day.Session(1))).Status == SessionStatus.Finished,
            TimeSpan.FromSeconds(10), "stored session finished by its timer");
        Assert.Equal(FinishReason.TimedOut, (await ReadStoredState(day.Session(1))).FinishReason);
    }

    async Task<SessionState> ReadStoredState(ICandidateSessionGrain session)
    {
        var store = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<Casn.Grains.SittingStore>();
        return (await store.Load(session.GetPrimaryKeyString()))?.State ?? new SessionState();
    }

    [Fact]
    public async Task A_silent_workstation_pauses_the_clock_and_gets_the_time_back()
    {
        var day = await NewDay().Prepare();
        var token = await day.Start(1);
        var before = Ok(await day.Session(1).Heartbeat(token)).RemainingMs;

        fixture.Clock.Advance(ClusterFixture.HeartbeatTimeout + TimeSpan.FromSeconds(1));
        await Eventually(async () => (await day.Session(1).GetView())!.Clock.ContactLost, TimeSpan.FromSeconds(10), "clock paused after silence");
        var paused = (await day.Session(1).GetView())!.Clock;
        Assert.False(paused.Running);
        // Stopped at the last contact: the silence is not charged.
        Assert.Equal(before, paused.RemainingMs);

        var back = Ok(await day.Session(1).Heartbeat(token));
        Assert.True(back.Running);
        Assert.False(back.ContactLost);
        Assert.Equal(before, back.RemainingMs);
        var events = (await day.Session(1).GetView())!.Events.Select(e => e.Kind);
        Assert.Contains(SessionEventKinds.ContactLost, events);
        Assert.Contains(SessionEventKinds.ContactRestored, events);
    }

    [Fact]
    public async Task A_silence_past_the_auto_resume_window_waits_for_the_proctor()
    {
        var day = await NewDay().Prepare(candidates: 1);
        var token = await day.Start(1);
        var item = day.PaperOf(1).Items[0].Item.Id;
        var before = Ok(await day.Session(1).Heartbeat(token)).RemainingMs;

        fixture.Clock.Advance(ClusterFixture.AutoResumeWithin + TimeSpan.FromSeconds(1));
        Fails(ErrorCodes.SessionContactLost, await day.Session(1).SubmitAnswer(token, new AnswerSubmission(1, item, 0)));
        Fails(ErrorCodes.SessionContactLost, await day.Session(1).GetPaper(token));
        Assert.True(Ok(await day.Session(1).Heartbeat(token)).AwaitingProctor);
        await Eventually(async () => Ok(await day.Room.GetView()).Incidents.Any(i => i.Kind == RoomIncidentKinds.ContactLost),
            TimeSpan.FromSeconds(5), "the room hears the sitting waits");

        var resumed = Ok(await day.Room.Resume(day.ParticipantNo(1), day.Proctor));
        Assert.Contains(resumed.Events, e => e.Kind == SessionEventKinds.Resumed && e.Detail.Contains("contact lost for"));
        Ok(await day.Session(1).SubmitAnswer(token, new AnswerSubmission(1, item, 0)));
        // The silence is not charged: the clock stopped at the last contact and runs again from the resume.
        Assert.Equal(before, Ok(await day.Session(1).Heartbeat(token)).RemainingMs);
    }
}
