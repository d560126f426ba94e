using Casn.Service.Tests.Support;
using Casn.Domain;
using Casn.Domain.Sessions;
using Casn.Grains.Abstractions;
using static Casn.Service.Tests.Cluster.ExamDay;

namespace Casn.Service.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class ExamRoomTests(ClusterFixture fixture)
{
    IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task The_roster_takes_only_registered_candidates_and_no_more_than_the_seats()
    {
        var day = await new ExamDay(Grains).Prepare(candidates: 2);

        Fails(ErrorCodes.CandidateNotFound, await day.Room.AddToRoster([new RosterEntry("NEVER-REGISTERED", "S40")]));
        Fails(ErrorCodes.RequestInvalid, await day.Room.AddToRoster([new RosterEntry(day.ParticipantNo(9), "S01")]));
        // Adding the same people again is harmless: a re-sent import.
        Assert.Equal(2, Ok(await day.Room.AddToRoster([new RosterEntry(day.ParticipantNo(1), "S01")])).Attendance.Rostered);

        var small = new ExamDay(Grains);
        Ok(await Grains.GetGrain<IExamGrain>(small.Exam.Id).Define(small.Exam));
        Ok(await small.Room.Setup(new RoomSetup(small.Exam.Id, "Small", small.StartsAt, 1)));
        await DefinePosition(Grains, small.Exam.Id, small.PositionId);
        for (var n = 1; n <= 2; n++)
            Ok(await Grains.GetGrain<ICandidateGrain>(small.ParticipantNo(n)).Register(small.Profile(n)));
        Fails(ErrorCodes.RoomFull, await small.Room.AddToRoster([new RosterEntry(small.ParticipantNo(1), "A"), new RosterEntry(small.ParticipantNo(2), "B")]));
    }

    [Fact]
    public async Task A_candidate_whose_category_is_not_in_the_exam_cannot_register_or_be_seated()
    {
        var day = new ExamDay(Grains) { PositionId = $"POS-{Guid.NewGuid():N}"[..20] };
        Ok(await Grains.GetGrain<IExamGrain>(day.Exam.Id).Define(day.Exam));
        await DefinePosition(Grains, day.Exam.Id, day.PositionId);
        var candidate = Grains.GetGrain<ICandidateGrain>(day.ParticipantNo(1));
        // At registration: the position's only exam (SKD) has no such category.
        var refused = await candidate.Register(day.Profile(1, category: "astronaut"));
        Fails(ErrorCodes.CategoryUnknown, refused);
        Assert.Contains("cumlaude", refused.Fault!.Message);

        // The position also belongs to an exam that only ranks (PPPK: any category), so registration takes it; the SKD
        // room's roster still refuses it.
        var ranksOnly = Casn.Domain.Exams.DemoItemBank.For(Casn.Domain.Exams.Blueprints.Pppk2024 with { Id = $"PPPK-{Guid.NewGuid():N}"[..20] });
        Ok(await Grains.GetGrain<IExamGrain>(ranksOnly.Id).Define(ranksOnly));
        await DefinePosition(Grains, ranksOnly.Id, day.PositionId);
        Ok(await candidate.Register(day.Profile(1, category: "astronaut")));
        Ok(await day.Room.Setup(new RoomSetup(day.Exam.Id, "Room", day.StartsAt, 5)));
        Fails(ErrorCodes.CategoryUnknown, await day.Room.AddToRoster([new RosterEntry(day.ParticipantNo(1), "S1")]));
    }

    [Fact]
    public async Task A_candidate_must_name_a_defined_position_to_register_and_one_of_the_rooms_exam_to_be_seated()
    {
        var day = new ExamDay(Grains) { PositionId = $"POS-{Guid.NewGuid():N}"[..20] };
        Ok(await Grains.GetGrain<IExamGrain>(day.Exam.Id).Define(day.Exam));
        var candidate = Grains.GetGrain<ICandidateGrain>(day.ParticipantNo(1));
        Fails(ErrorCodes.PositionUnknown, await candidate.Register(day.Profile(1)));
        Assert.Null(await candidate.GetProfile());

        // Defined, but for another exam: registration takes it (it names no exam), the room of this exam does not.
        var other = TestExams.Skd($"O{Guid.NewGuid():N}"[..8]);
        Ok(await Grains.GetGrain<IExamGrain>(other.Id).Define(other));
        await DefinePosition(Grains, other.Id, day.PositionId);
        Ok(await candidate.Register(day.Profile(1)));
        Ok(await day.Room.Setup(new RoomSetup(day.Exam.Id, "Room", day.StartsAt, 5)));
        var refused = day.Room.AddToRoster([new RosterEntry(day.ParticipantNo(1), "S1")]);
        Fails(ErrorCodes.PositionUnknown, await refused);
        Assert.Contains(day.ParticipantNo(1), (await refused).Fault!.Message);
        // The refused roster gave the seat back: once the position is this exam's too, the same roster goes through.
        await DefinePosition(Grains, day.Exam.Id, day.PositionId);
        Ok(await day.Room.AddToRoster([new RosterEntry(day.ParticipantNo(1), "S1")]));
    }

    [Fact]
    public async Task Closing_the_room_submits_every_open_sitting_and_leaves_absentees_absent()
    {
        var day = await new ExamDay(Grains).Prepare(candidates: 3);
        var token = await day.Start(1);
        await day.CheckIn(2);
        Ok(await day.Session(1).SubmitAnswer(token, new AnswerSubmission(1, day.PaperOf(1).Items[0].Item.Id, 0)));

        var closed = Ok(await day.Room.Close(day.Proctor));

        Assert.Equal(RoomStatus.Closed, closed.Status);
        Assert.Equal(new Attendance(3, 0, 0, 0, 2, 1), closed.Attendance);
        // Everyone's sitting ends: the absentee's as absent (so their position hears of it), the others' as the room closed.
        Assert.All(closed.Seats, c => Assert.Equal(SessionStatus.Finished, c.Status));
        Assert.Equal([FinishReason.RoomClosed, FinishReason.RoomClosed, FinishReason.Absent], closed.Seats.OrderBy(c => c.ParticipantNo).Select(c => c.FinishReason));
        Assert.Equal(1, (await day.Session(1).GetView())!.Result!.Scores.Sections.Sum(s => s.Answered));
        Fails(ErrorCodes.RoomClosed, await day.Room.CheckIn(new CheckInRequest(day.ParticipantNo(3), "manual", day.Proctor)));
        Fails(ErrorCodes.SessionFinished, await day.Session(1).SubmitAnswer(token, new AnswerSubmission(2, day.PaperOf(1).Items[1].Item.Id, 0)));
    }

    [Fact]
    public async Task The_proctor_view_never_carries_national_ids()
    {
        var day = await new ExamDay(Grains).Prepare(candidates: 2);
        await day.Start(1);
        var view = Ok(await day.Room.GetView());
        var json = System.Text.Json.JsonSerializer.Serialize(view, Casn.Domain.Exams.CasnJson.Options);
        Assert.DoesNotContain("31750000000", json);
        Assert.DoesNotContain("nationalId", json, StringComparison.OrdinalIgnoreCase);
    }
}
