using Casn.Domain;
using Casn.Domain.Audit;
using Casn.Domain.Boards;
using Casn.Domain.Results;
using Casn.Domain.Sessions;
using Casn.Grains.Abstractions;
using Casn.Service.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Casn.Service.Tests.Cluster.ExamDay;

namespace Casn.Service.Tests.Cluster;

/// <summary>#15: finished sittings reach their position's ranking, once each, and the standing follows the exam's rules.</summary>
[Collection(ClusterCollection.Name)]
public sealed class PositionRankingTests(ClusterFixture fixture)
{
    IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task Every_finished_sitting_reaches_its_positions_ranking_exactly_once()
    {
        var day = new ExamDay(Grains) { PositionId = $"POS-{Guid.NewGuid():N}"[..20] };
        await day.Prepare(candidates: 5);
        var ranking = Grains.GetGrain<IPositionRankingGrain>(PositionKey.Of(day.Exam.Id, day.PositionId));
        Ok(await ranking.Define(new Position(day.PositionId, "Kementerian Contoh", "Analis Kebijakan", 1)));
        for (var n = 1; n <= 5; n++)
        {
            var token = await day.Start(n);
            // Candidate n answers n items with their best option: different totals.
            for (var i = 0; i < n; i++)
            {
                var item = day.PaperOf(n).Items[i];
                Ok(await day.Session(n).SubmitAnswer(token, new AnswerSubmission(i + 1, item.Item.Id, item.BestChoice())));
            }
            if (n == 5) Ok(await day.Room.Disqualify(day.ParticipantNo(5), day.Proctor));
            else Ok(await day.Session(n).Submit(token));
        }

        PositionStanding standing = null!;
        await Eventually(async () => (standing = (await ranking.GetStanding())!).Lines.Length == 5, TimeSpan.FromSeconds(15), "five results in the ranking");
        Assert.Equal(Enumerable.Range(1, 5).Select(day.ParticipantNo).Order(), standing.Lines.Select(l => l.ParticipantNo).Order());
        Assert.Equal("disqualified", standing.Lines.Single(l => l.ParticipantNo == day.ParticipantNo(5)).Status);
        Assert.Null(standing.Lines.Single(l => l.ParticipantNo == day.ParticipantNo(5)).Rank);
        // Each line carries the certificate of the sitting's signed archive, and no national ID anywhere.
        for (var n = 1; n <= 5; n++)
        {
            var view = (await day.Session(n).GetView())!;
            var line = standing.Lines.Single(l => l.ParticipantNo == day.ParticipantNo(n));
            Assert.Equal((SessionArchive.CertificateCodeFor(view.Result!.AuditHead), view.Result.Scores.Total), (line.CertificateCode, line.Total));
        }
        Assert.DoesNotContain("31750000000", System.Text.Json.JsonSerializer.Serialize(standing));

        // The sittings recorded that the ranking took their results (so their reminders stop), and a repeat changes nothing.
        var store = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<Casn.Grains.SittingStore>();
        await Eventually(async () => (await store.Load(day.Session(1).GetPrimaryKeyString()))!.Value.State.ResultReportedAt is not null,
            TimeSpan.FromSeconds(10), "the report recorded by the sitting");
        var first = standing.Lines.Single(l => l.ParticipantNo == day.ParticipantNo(1));
        Assert.Equal(5, await ranking.Report(new SittingResult(first.ParticipantNo, "Someone Else", "general",
            new Casn.Domain.Scoring.ScoreSheet([], 999), null, FinishReason.Submitted, "FAKE")));
        var after = (await ranking.GetStanding())!.Lines.Single(l => l.ParticipantNo == day.ParticipantNo(1));
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(first), System.Text.Json.JsonSerializer.Serialize(after));
    }

    [Fact]
    public async Task Closing_the_room_finishes_everyone_on_its_roster_and_a_no_show_reaches_the_ranking_as_absent()
    {
        var day = new ExamDay(Grains) { PositionId = $"POS-{Guid.NewGuid():N}"[..20] };
        await day.Prepare(candidates: 3);
        var ranking = Grains.GetGrain<IPositionRankingGrain>(PositionKey.Of(day.Exam.Id, day.PositionId));
        Ok(await ranking.Define(new Position(day.PositionId, "Kementerian Contoh", "Analis Kebijakan", 1)));
        // 1 sits and submits; 2 is checked in but never logs in (present, closed by the room); 3 never comes.
        Ok(await day.Session(1).Submit(await day.Start(1)));
        await day.CheckIn(2);
        Ok(await day.Room.Close(day.Proctor));

        PositionStanding standing = null!;
        await Eventually(async () => (standing = (await ranking.GetStanding())!).Lines.Length == 3, TimeSpan.FromSeconds(15), "three results in the ranking");
        var absent = standing.Lines.Single(l => l.ParticipantNo == day.ParticipantNo(3));
        Assert.Equal(("absent", 0, null), (absent.Status, absent.SectionScores.Length, absent.Rank));
        Assert.NotEqual("absent", standing.Lines.Single(l => l.ParticipantNo == day.ParticipantNo(2)).Status);
        // The no-show's sitting is signed and archived like any other: its certificate says so.
        var view = (await day.Session(3).GetView())!;
        Assert.Equal((SessionStatus.Finished, FinishReason.Absent), (view.Status, view.Result!.Reason));
        Assert.Equal(SessionArchive.CertificateCodeFor(view.Result.AuditHead), absent.CertificateCode);
        await Eventually(async () => await Grains.GetGrain<ICertificateGrain>(absent.CertificateCode).Get() is { Outcome: "absent" },
            TimeSpan.FromSeconds(10), "the absent candidate's certificate");
        // The room's attendance counts the no-show as absent, not finished.
        var attendance = Ok(await day.Room.GetView()).Attendance;
        Assert.Equal((2, 1), (attendance.Finished, attendance.Absent));

        // A second close (a proctor mending a crash mid-close) tells everyone again and changes nothing.
        Ok(await day.Room.Close(day.Proctor));
        Assert.Equal(FinishReason.Absent, (await day.Session(3).GetView())!.Result!.Reason);
        Assert.Equal(3, (await ranking.GetStanding())!.Lines.Length);
    }

    [Fact]
    public async Task The_nations_board_counts_each_exams_finished_passed_and_shortlisted_candidates()
    {
        // An exam of its own (its duration makes its id), so other tests' sittings do not count here.
        var day = new ExamDay(Grains, duration: TimeSpan.FromMinutes(97)) { PositionId = $"POS-{Guid.NewGuid():N}"[..20] };
        await day.Prepare(candidates: 2);
        Ok(await day.Session(1).Submit(await day.Start(1)));
        var ranking = Grains.GetGrain<IPositionRankingGrain>(PositionKey.Of(day.Exam.Id, day.PositionId));
        Ok(await ranking.Define(new Position(day.PositionId, "Agency", "Title", 1)));
        // Five ranked results (no pass rule on them): one opening x 3 shortlists three.
        for (var n = 1; n <= 5; n++)
            await ranking.Report(new SittingResult($"S{n}", $"Peserta {n}", "general", new Casn.Domain.Scoring.ScoreSheet([], 300 + n), null, FinishReason.Submitted, $"CODE-{n}"));

        // The directory keeps the shortlists (so a restarted national board shows them at once) and tells the nation's board.
        var directory = Grains.GetGrain<IPositionDirectoryGrain>(IPositionDirectoryGrain.National);
        await Eventually(async () => (await directory.ShortlistedByExam()).GetValueOrDefault(day.Exam.Id) == 3, TimeSpan.FromSeconds(10), "the shortlist in the directory");
        var national = Grains.GetGrain<ISummaryBoardGrain>(ISummaryBoardGrain.National);
        ExamCounts? Counts(BoardSnapshot snapshot) => snapshot.Summary!.Exams?.SingleOrDefault(e => e.ExamId == day.Exam.Id);
        await Eventually(async () => Counts(await national.GetSnapshot()) is { Shortlisted: 3 }, TimeSpan.FromSeconds(10), "the shortlist on the nation's board");
        await Eventually(async () => Counts(await national.GetSnapshot()) is { Finished: 1 }, TimeSpan.FromSeconds(10), "the finished sitting on the nation's board");
        var counts = Counts(await national.GetSnapshot())!;
        Assert.Equal((day.Exam.Blueprint.Title, 0, 3), (counts.Title, counts.Passed, counts.Shortlisted));
    }

    [Fact]
    public async Task A_report_appends_one_entry_and_a_repeat_or_a_reactivation_changes_nothing()
    {
        var day = await new ExamDay(Grains).Prepare(candidates: 1);
        var positionId = $"POS-{Guid.NewGuid():N}"[..20];
        var key = PositionKey.Of(day.Exam.Id, positionId);
        var ranking = Grains.GetGrain<IPositionRankingGrain>(key);
        Ok(await ranking.Define(new Position(positionId, "Agency", "Title", 1)));
        var log = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<Casn.Grains.ISittingLog>();
        var defined = (await log.Read("ranking/" + key))!.Version;

        SittingResult Result(int n) => new($"P{n}", $"Peserta {n}", "general", new Casn.Domain.Scoring.ScoreSheet([], 300 + n), null, FinishReason.Submitted, $"CODE-{n}");
        for (var n = 1; n <= 3; n++) Assert.Equal(n, await ranking.Report(Result(n)));
        Assert.Equal(3, await ranking.Report(Result(2)));
        // One small entry per result, however many came before, and the header (definition, SKB) untouched.
        Assert.Equal(defined with { Length = defined.Length + 3 }, (await log.Read("ranking/" + key))!.Version);

        await fixture.Cluster.DeactivateAsync(ranking);
        Assert.Equal(3, await ranking.Report(Result(3)));
        var standing = (await ranking.GetStanding())!;
        Assert.Equal(["P1", "P2", "P3"], standing.Lines.Select(l => l.ParticipantNo).Order());
        Assert.Equal(("Agency", 1), (standing.Position.Agency, standing.Position.Openings));
    }

    [Fact]
    public async Task A_position_is_defined_with_sane_values_for_a_defined_exam_and_its_standing_is_unknown_until_then()
    {
        var day = await new ExamDay(Grains).Prepare(candidates: 1);
        var positionId = $"POS-{Guid.NewGuid():N}"[..20];
        var ranking = Grains.GetGrain<IPositionRankingGrain>(PositionKey.Of(day.Exam.Id, positionId));
        Assert.Null(await ranking.GetStanding());

        Fails(ErrorCodes.RequestInvalid, await ranking.Define(new Position(positionId, "Agency", "Title", 0)));
        Fails(ErrorCodes.RequestInvalid, await ranking.Define(new Position(positionId, " ", "Title", 3)));
        Fails(ErrorCodes.RequestInvalid, await ranking.Define(new Position("OTHER", "Agency", "Title", 3)));
        Fails(ErrorCodes.ExamNotFound, await Grains.GetGrain<IPositionRankingGrain>(PositionKey.Of("NO-SUCH-EXAM", positionId))
            .Define(new Position(positionId, "Agency", "Title", 3)));
        Assert.Null(await ranking.GetStanding());

        Ok(await ranking.Define(new Position(positionId, "Agency", "Title", 3)));
        var standing = (await ranking.GetStanding())!;
        Assert.Equal((3, 0), (standing.Position.Openings, standing.Lines.Length));
        Assert.Equal(day.Exam.Blueprint.SectionCodes, standing.Sections);
    }
}
