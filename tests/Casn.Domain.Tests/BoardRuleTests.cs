using Casn.Domain.Boards;
using Casn.Domain.Scoring;
using Casn.Domain.Sessions;

namespace Casn.Domain.Tests;

/// <summary>The boards' rules: a sitting's public status, a room's lines (revisions, public delay, order), and sums.</summary>
public class BoardRuleTests
{
    static readonly DateTimeOffset Now = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);

    static BoardRow Row(string participantNo, int total, long revision, string status = BoardStatuses.InProgress) =>
        new(participantNo, $"Nama {participantNo}", [total], total, status, 1, revision);

    static string StatusOf(SessionStatus status, FinishReason reason = FinishReason.None, bool? passed = null) => BoardStatuses.Of(new SessionState
    {
        Status = status,
        FinishReason = reason,
        Result = passed is { } p ? new FinalResult("P1", "SKD", new ScoreSheet([], 0), new PassOutcome(p, []), reason, Now, "UMUM") : null,
    });

    [Fact]
    public void The_public_sees_a_neutral_status_and_a_pass_or_fail_only_once_finished()
    {
        Assert.Equal(BoardStatuses.NotStarted, StatusOf(SessionStatus.Registered));
        Assert.Equal(BoardStatuses.NotStarted, StatusOf(SessionStatus.CheckedIn));
        Assert.Equal(BoardStatuses.InProgress, StatusOf(SessionStatus.InProgress));
        // A suspended sitting (a suspected stand-in) is only "paused": the board accuses nobody.
        Assert.Equal(BoardStatuses.Paused, StatusOf(SessionStatus.Suspended));
        Assert.Equal(BoardStatuses.Absent, StatusOf(SessionStatus.Finished, FinishReason.Absent));
        Assert.Equal(BoardStatuses.Finished, StatusOf(SessionStatus.Finished, FinishReason.Submitted));
        Assert.Equal(BoardStatuses.Passed, StatusOf(SessionStatus.Finished, FinishReason.Submitted, passed: true));
        Assert.Equal(BoardStatuses.Failed, StatusOf(SessionStatus.Finished, FinishReason.TimedOut, passed: false));
    }

    [Fact]
    public void A_late_line_never_replaces_a_newer_one_and_rows_go_highest_total_first()
    {
        var board = new RoomBoard(TimeSpan.Zero);
        Assert.True(board.Update(Row("P2", 10, 5), "SKD", "SKD CPNS", ["TWK"], Now));
        Assert.True(board.Update(Row("P1", 10, 1), "SKD", "SKD CPNS", ["TWK"], Now));
        Assert.True(board.Update(Row("P3", 40, 1), "SKD", "SKD CPNS", ["TWK"], Now));
        Assert.False(board.Update(Row("P2", 99, 4), "SKD", "SKD CPNS", ["TWK"], Now));
        Assert.False(board.Update(Row("P2", 99, 5), "SKD", "SKD CPNS", ["TWK"], Now));

        var snapshot = board.Snapshot("room", 7, Now);
        Assert.Equal(["P3", "P1", "P2"], snapshot.Rows.Select(r => r.ParticipantNo));
        Assert.Equal((3, 60L, "SKD CPNS"), (snapshot.Summary!.Candidates, snapshot.Summary.SumOfTotals, snapshot.ExamTitle));

        Assert.True(board.Remove("P1"));
        Assert.False(board.Remove("P1"));
        Assert.Equal(["P3", "P2"], board.Snapshot("room", 8, Now).Rows.Select(r => r.ParticipantNo));
    }

    [Fact]
    public void With_a_public_delay_a_line_shows_only_when_due_and_a_removed_one_never()
    {
        var board = new RoomBoard(TimeSpan.FromMinutes(2));
        Assert.False(board.Update(Row("P1", 10, 1), "SKD", "SKD", ["TWK"], Now));
        Assert.False(board.Update(Row("P2", 20, 1), "SKD", "SKD", ["TWK"], Now.AddSeconds(30)));
        Assert.False(board.Update(Row("P3", 30, 1), "SKD", "SKD", ["TWK"], Now.AddSeconds(40)));
        Assert.True(board.HoldsBack);
        Assert.False(board.ReleaseDue(Now.AddSeconds(119)));
        Assert.Empty(board.Snapshot("room", 1, Now).Rows);

        Assert.True(board.ReleaseDue(Now.AddSeconds(120)));
        Assert.Equal(["P1"], board.Snapshot("room", 2, Now).Rows.Select(r => r.ParticipantNo));
        board.Remove("P2");
        Assert.True(board.ReleaseDue(Now.AddMinutes(10)));
        Assert.False(board.HoldsBack);
        Assert.Equal(["P3", "P1"], board.Snapshot("room", 3, Now).Rows.Select(r => r.ParticipantNo));
    }

    [Fact]
    public void A_moved_board_keeps_its_rows_its_held_lines_and_its_exam()
    {
        var board = new RoomBoard(TimeSpan.FromMinutes(2));
        board.Load(new BoardRows("SKD CPNS", ["TWK", "TIU"], [Row("P1", 10, 3)], "SKD"));
        board.Update(Row("P2", 20, 1), "SKD", "SKD CPNS", ["TWK", "TIU"], Now);

        var moved = new RoomBoard(TimeSpan.FromMinutes(2));
        moved.Restore(board.Save());
        Assert.True(moved.HoldsBack);
        Assert.Equal(board.Snapshot("room", 1, Now), moved.Snapshot("room", 1, Now), new SnapshotComparer());
        Assert.True(moved.ReleaseDue(Now.AddMinutes(2)));
        Assert.Equal(["P2", "P1"], moved.Snapshot("room", 2, Now).Rows.Select(r => r.ParticipantNo));
    }

    sealed class SnapshotComparer : IEqualityComparer<BoardSnapshot>
    {
        public bool Equals(BoardSnapshot? x, BoardSnapshot? y) => x!.ExamTitle == y!.ExamTitle && x.Sections.SequenceEqual(y.Sections)
            && x.Rows.SequenceEqual(y.Rows) && x.Summary!.Candidates == y.Summary!.Candidates;

        public int GetHashCode(BoardSnapshot obj) => 0;
    }

    [Fact]
    public void A_summary_adds_up_its_parts_and_only_the_nations_takes_shortlists()
    {
        var room1 = BoardSummary.Of([Row("P1", 120, 1, BoardStatuses.Passed), Row("P2", 60, 1, BoardStatuses.Failed)], "SKD", "SKD CPNS");
        var room2 = BoardSummary.Of([Row("P3", 0, 1, BoardStatuses.NotStarted)], "SKD", "SKD CPNS");

        var kanreg = new SummaryBoard(SummaryBoardKey.Kanreg("KANREG-V"));
        kanreg.Report("room-1", room1);
        kanreg.Report("room-2", room2);
        kanreg.Report("room-2", room2);
        Assert.False(kanreg.ReportShortlisted(new() { ["SKD"] = 5 }));
        var summary = kanreg.Snapshot(1, Now).Summary!;
        Assert.Equal((3, 2, 1, 1, 1), (summary.Candidates, summary.Finished, summary.Passed, summary.Failed, summary.NotStarted));
        Assert.Equal(new ExamCounts("SKD", "SKD CPNS", 2, 1), Assert.Single(summary.Exams!));
        Assert.Equal(60.0, summary.MeanTotal);

        var nation = new SummaryBoard(SummaryBoardKey.National);
        nation.Report("KANREG-V", summary);
        Assert.True(nation.ReportShortlisted(new() { ["SKD"] = 5, ["PPPK"] = 2 }));
        var national = nation.Snapshot(2, Now);
        Assert.Equal("national", national.Board);
        Assert.Equal([new ExamCounts("PPPK", "", 0, 0, 2), new ExamCounts("SKD", "SKD CPNS", 2, 1, 5)], national.Summary!.Exams!);
        Assert.Equal("KANREG-V", Assert.Single(national.Parts!).Name);
    }
}
