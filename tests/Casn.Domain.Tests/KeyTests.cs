namespace Casn.Domain.Tests;

/// <summary>#16: keys are parsed once, by type: rooms, sittings, summary boards, and the region a placed grain's key names.</summary>
public class KeyTests
{
    [Theory]
    [InlineData("national", null, null, "Nasional")]
    [InlineData("kanreg:KANREG-V", "KANREG-V", null, "KANREG-V")]
    [InlineData("site:KANREG-V/JKT-01", "KANREG-V", "JKT-01", "KANREG-V/JKT-01")]
    public void Summary_board_keys_read_back_as_written(string key, string? region, string? site, string title)
    {
        var board = SummaryBoardKey.Parse(key)!;
        Assert.Equal((region, site, title, key), (board.Region, board.Site, board.Title, board.ToString()));
    }

    [Theory]
    [InlineData("KANREG-V/JKT-01/2026-12-03/1/R01")]
    [InlineData("kanreg:")]
    [InlineData("kanreg:bad/region")]
    [InlineData("site:KANREG-V")]
    [InlineData("site:KANREG-V/JKT-01/R01")]
    [InlineData("site:KANREG-V/<b>")]
    [InlineData("National")]
    public void Anything_else_is_not_a_summary_board(string key) => Assert.Null(SummaryBoardKey.Parse(key));

    [Fact]
    public void A_board_covers_the_rooms_of_its_scope_only()
    {
        var room = RoomKey.Parse("KANREG-V/JKT-01/2026-12-03/1/R01").Value!;
        Assert.True(SummaryBoardKey.Kanreg("KANREG-V").Covers(room));
        Assert.True(SummaryBoardKey.OfSite("KANREG-V", "JKT-01").Covers(room));
        Assert.False(SummaryBoardKey.OfSite("KANREG-V", "JKT-02").Covers(room));
        Assert.False(SummaryBoardKey.Kanreg("KANREG-X").Covers(room));
        Assert.False(SummaryBoardKey.National.Covers(room));
        Assert.True(SummaryBoardKey.Kanreg("KANREG-V").IsKanreg);
        Assert.False(SummaryBoardKey.OfSite("KANREG-V", "JKT-01").IsKanreg);
    }

    [Theory]
    [InlineData("KANREG-V/JKT-01/2026-12-03/1/R01/24100110001", "KANREG-V")]
    [InlineData("KANREG-V/JKT-01/2026-12-03/1/R01", "KANREG-V")]
    [InlineData("KANREG-V", "KANREG-V")]
    [InlineData("", null)]
    [InlineData("/x", null)]
    public void The_region_of_a_placed_grain_is_its_keys_first_part(string key, string? region) => Assert.Equal(region, Keys.RegionOf(key));

    [Fact]
    public void A_session_key_parses_into_its_room_and_participant()
    {
        var session = SessionKey.Parse("KANREG-V/JKT-01/2026-12-03/1/R01/24100110001").Value!;
        Assert.Equal(("KANREG-V/JKT-01/2026-12-03/1/R01", "24100110001"), (session.Room.ToString(), session.ParticipantNo));
        Assert.False(SessionKey.Parse("KANREG-V/JKT-01/2026-12-03/1/R01").IsOk);
        Assert.False(SessionKey.Parse("KANREG-V/JKT-01/2026-12-03/9/R01/1").IsOk);
    }
}
