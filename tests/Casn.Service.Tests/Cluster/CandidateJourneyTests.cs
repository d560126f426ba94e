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
