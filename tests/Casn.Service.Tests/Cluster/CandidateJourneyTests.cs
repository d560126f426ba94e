using Casn.Service.Tests.Support;
using Casn.Domain;
using Casn.Domain.Sessions;
using Casn.Grains.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using static Casn.Service.Tests.Cluster.ExamDay;

namespace Casn.Service.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class CandidateJourneyTests(ClusterFixture fixture)
{
    IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task A_candidate_goes_from_check_in_to_a_final_score()
    {
        var day = await new ExamDay(Grains).Prepare();
        var token = await day.Start(1);
        var session = day.Session(1);

        var paper = Ok(await session.GetPaper(token));
        var audited = day.PaperOf(1);
        // The workstation shows exactly the paper an auditor rebuilds from the seed.
        Assert.Equal(audited.Items.Select(i => i.Item.Id), paper.Items.Select(i => i.ItemId));
        Assert.Equal(audited.Items.Select(i => i.OptionOrder.Select(o => i.Item.Options[o])).SelectMany(o => o), paper.Items.SelectMany(i => i.Options));

        long sequence = 0;
        foreach (var item in audited.Items)
        {
            var best = item.BestChoice();
            Assert.True(Ok(await session.SubmitAnswer(token, new AnswerSubmission(++sequence, item.Item.Id, best))).Applied);
        }
        var result = Ok(await session.Submit(token));

        Assert.Equal(550, result.Scores.Total);
        Assert.True(result.Pass!.Passed);
        Assert.Equal(FinishReason.Submitted, result.Reason);
        var stored = Ok(await session.GetResult(token));
        Assert.Equal((result.Scores.Total, result.FinishedAt), (stored.Scores.Total, stored.FinishedAt));
        var room = Ok(await day.Room.GetView());
        Assert.Equal(1, room.Attendance.Finished);
        Assert.Equal(1, room.Attendance.Absent);
    }

    [Fact]
    public async Task Replays_and_out_of_order_sequences_never_overwrite_newer_answers()
    {
        var day = await new ExamDay(Grains).Prepare();
        var token = await day.Start(1);
        var session = day.Session(1);
        var item = day.PaperOf(1).Items[0].Item.Id;

        var first = Ok(await session.SubmitAnswer(token, new AnswerSubmission(5, item, 3)));
        var replay = Ok(await session.SubmitAnswer(token, new AnswerSubmission(5, item, 3)));
        var older = Ok(await session.SubmitAnswer(token, new AnswerSubmission(4, item, 1)));
        Fails(ErrorCodes.AnswerSequenceConflict, await session.SubmitAnswer(token, new AnswerSubmission(5, item, 2)));

        Assert.Equal(first with { Replayed = true }, replay);
        Assert.False(older.Applied);
        var paper = Ok(await session.GetPaper(token));
        Assert.Equal(3, paper.Answers.Single(a => a.ItemId == item).Choice);
        Assert.Equal(5, paper.LastSequence);
    }

    [Fact]
    public async Task Foreign_items_and_out_of_range_options_are_refused_and_change_nothing()
    {
        var day = await new ExamDay(Grains).Prepare();
        var token = await day.Start(1);
        var session = day.Session(1);
        var mine = day.PaperOf(1).Items[0];
        var foreign = day.Exam.Items.First(i => day.PaperOf(1).Find(i.Id) is null);

        Fails(ErrorCodes.ItemUnknown, await session.SubmitAnswer(token, new AnswerSubmission(1, foreign.Id, 0)));
        Fails(ErrorCodes.OptionOutOfRange, await session.SubmitAnswer(token, new AnswerSubmission(2, mine.Item.Id, 5)));
        Fails(ErrorCodes.OptionOutOfRange, await session.SubmitAnswer(token, new AnswerSubmission(3, mine.Item.Id, -1)));
        Fails(ErrorCodes.AuthTokenInvalid, await session.SubmitAnswer("stolen-or-made-up", new AnswerSubmission(4, mine.Item.Id, 0)));
        Fails(ErrorCodes.SessionNotFound, await Grains.GetGrain<ICandidateSessionGrain>($"{day.RoomKey}/NOBODY").SubmitAnswer(token, new AnswerSubmission(1, mine.Item.Id, 0)));

        Assert.Empty(Ok(await session.GetPaper(token)).Answers);
        Assert.Equal(0, (await session.GetView())!.Answered);
    }

    [Fact]
    public async Task An_acknowledged_answer_survives_the_grain_being_deactivated()
    {
        var day = await new ExamDay(Grains).Prepare();
        var token = await day.Start(1);
        var item = day.PaperOf(1).Items[7].Item.Id;
        Ok(await day.Session(1).SubmitAnswer(token, new AnswerSubmission(1, item, 2)));

        await fixture.Cluster.DeactivateAsync(day.Session(1));

        var paper = Ok(await day.Session(1).GetPaper(token));
        Assert.Equal(2, paper.Answers.Single(a => a.ItemId == item).Choice);
        Assert.Equal(SessionStatus.InProgress, paper.Clock.Status);
    }

    [Fact]
    public async Task An_answer_appends_one_entry_and_leaves_the_header_alone_and_a_reactivated_sitting_replays_the_same_chain()
    {
        var day = await new ExamDay(Grains).Prepare();
        var token = await day.Start(1);
        var log = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<Casn.Grains.ISittingLog>();
        var key = day.Session(1).GetPrimaryKeyString();
        var before = (await log.Read(key))!.Version;

        // Storage work per answer is constant: one entry each, however many came before, and no header write.
        for (var n = 1; n <= 5; n++)
            Ok(await day.Session(1).SubmitAnswer(token, new AnswerSubmission(n, day.PaperOf(1).Items[n].Item.Id, 1)));
        var afterAnswers = (await log.Read(key))!;
        Assert.Equal(before with { Length = before.Length + 5 }, afterAnswers.Version);
        // A heartbeat (contact alone) writes nothing; a proctor's action is an entry plus a header write.
        Ok(await day.Session(1).Heartbeat(token));
        Assert.Equal(afterAnswers.Version, (await log.Read(key))!.Version);
        Ok(await day.Room.Suspend(day.ParticipantNo(1), day.Proctor));
        Assert.Equal(new Casn.Grains.SittingVersion(afterAnswers.Version.Length + 1, afterAnswers.Version.HeaderVersion + 1), (await log.Read(key))!.Version);

        // A fresh activation replays header and log, and every link, to the same sitting.
        var viewBefore = (await day.Session(1).GetView())!;
        await fixture.Cluster.DeactivateAsync(day.Session(1));
        var viewAfter = (await day.Session(1).GetView())!;
        Assert.Equal((viewBefore.Answered, viewBefore.Status, viewBefore.EventCount), (viewAfter.Answered, viewAfter.Status, viewAfter.EventCount));
        Assert.Equal(viewBefore.Events, viewAfter.Events);
    }

    [Fact]
    public async Task A_writer_that_missed_a_write_is_refused_by_the_memory_log() =>
        await SittingLogContract.RefusesStaleWriters(fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<Casn.Grains.ISittingLog>());

    [Fact]
    public async Task Suspension_stops_answers_and_resume_gives_the_time_back()
    {
        var day = await new ExamDay(Grains).Prepare();
        var token = await day.Start(1);
        var item = day.PaperOf(1).Items[0].Item.Id;

        var suspended = Ok(await day.Room.Suspend(day.ParticipantNo(1), new ProctorAction("proctor-7", "second person at the desk")));
        var remainingAtSuspension = suspended.Clock.RemainingMs;
        Fails(ErrorCodes.SessionSuspended, await day.Session(1).SubmitAnswer(token, new AnswerSubmission(1, item, 0)));
        Fails(ErrorCodes.SessionSuspended, await day.Session(1).Submit(token));
        await Task.Delay(1200);
        var resumed = Ok(await day.Room.Resume(day.ParticipantNo(1), new ProctorAction("proctor-7", "identity confirmed")));

        // The 1.2 s suspended are not charged: what is left now is what was left at suspension (less the call itself).
        Assert.InRange(remainingAtSuspension - resumed.Clock.RemainingMs, 0, 300);
        Assert.True(Ok(await day.Session(1).SubmitAnswer(token, new AnswerSubmission(1, item, 0))).Applied);
        var incidents = Ok(await day.Room.GetView()).Incidents.Select(i => i.Kind);
        Assert.Contains("suspended", incidents);
        Assert.Contains("resumed", incidents);
    }

    [Fact]
    public async Task A_session_out_of_time_is_submitted_by_itself_and_late_answers_are_refused()
    {
        var day = await new ExamDay(Grains, duration: TimeSpan.FromSeconds(3)).Prepare();
        var token = await day.Start(1);
        var session = day.Session(1);
        var items = day.PaperOf(1).Items;
        Ok(await session.SubmitAnswer(token, new AnswerSubmission(1, items[0].Item.Id, 1)));

        await Task.Delay(TimeSpan.FromSeconds(4));
        var view = (await session.GetView())!;
        Assert.Equal(SessionStatus.Finished, view.Status);
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
        var day = await new ExamDay(Grains, duration: TimeSpan.FromSeconds(2)).Prepare();
        await day.Start(1);

        // Nobody calls the session after login; storage is read directly, so only the grain's own timer
        // can have written "finished".
        await ExamDay.Eventually(async () => (await ReadStoredState(day.Session(1))).Status == SessionStatus.Finished,
            TimeSpan.FromSeconds(6), "stored session finished by its timer");
        var stored = await ReadStoredState(day.Session(1));
        Assert.Equal(FinishReason.TimedOut, stored.FinishReason);
    }

    async Task<SessionState> ReadStoredState(ICandidateSessionGrain session)
    {
        var store = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<Casn.Grains.SittingStore>();
        return (await store.Load(session.GetPrimaryKeyString()))?.State ?? new SessionState();
    }

    [Fact]
    public async Task A_silent_workstation_pauses_the_clock_and_gets_the_time_back()
    {
        var day = await new ExamDay(Grains).Prepare();
        var token = await day.Start(1);
        var beat = Ok(await day.Session(1).Heartbeat(token));
        var before = beat.RemainingMs;

        await ExamDay.Eventually(async () => (await day.Session(1).GetView())!.Clock.ContactLost,
            ClusterFixture.HeartbeatTimeout * 3, "clock paused after silence");
        await Task.Delay(500);
        var view = (await day.Session(1).GetView())!;
        var paused = view.Clock;
        Assert.False(paused.Running);
        // Stopped at the last contact: the silence is not charged. The beat's reply reads the clock a moment after it
        // recorded the contact (after storing it), so the paused clock may show up to that moment (and a truncated
        // millisecond) more than the reply did; never less than the reply minus the 300 ms allowed for scheduling.
        var replyAfterContact = (long)Math.Ceiling((beat.ServerTime - view.LastContact!.Value).TotalMilliseconds);
        Assert.InRange(before - paused.RemainingMs, -(replyAfterContact + 1), 300);

        var back = Ok(await day.Session(1).Heartbeat(token));
        Assert.True(back.Running);
        Assert.False(back.ContactLost);
        Assert.InRange(before - back.RemainingMs, -(replyAfterContact + 1), 300);
        var events = (await day.Session(1).GetView())!.Events.Select(e => e.Kind);
        Assert.Contains(SessionEventKinds.ContactLost, events);
        Assert.Contains(SessionEventKinds.ContactRestored, events);
    }

    [Fact]
    public async Task A_proctor_extension_and_disqualification_are_recorded()
    {
        var day = await new ExamDay(Grains).Prepare();
        var token = await day.Start(1);
        var before = Ok(await day.Session(1).Heartbeat(token)).AllowedMs;

        var extended = Ok(await day.Room.ExtendTime(day.ParticipantNo(1), TimeSpan.FromMinutes(10), new ProctorAction("proctor-7", "power cut row C")));
        Assert.Equal(before + 600_000, extended.Clock.AllowedMs);
        Fails(ErrorCodes.ReasonRequired, await day.Room.Disqualify(day.ParticipantNo(1), new ProctorAction("proctor-7", " ")));

        var disqualified = Ok(await day.Room.Disqualify(day.ParticipantNo(1), new ProctorAction("proctor-7", "stand-in confirmed by ID check")));
        Assert.Equal(FinishReason.Disqualified, disqualified.FinishReason);
        Assert.False(disqualified.Result!.Pass!.Passed);
        Fails(ErrorCodes.SessionFinished, await day.Session(1).SubmitAnswer(token, new AnswerSubmission(1, day.PaperOf(1).Items[0].Item.Id, 0)));
    }
}
