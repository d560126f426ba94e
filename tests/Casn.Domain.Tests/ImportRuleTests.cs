using Casn.Domain.Imports;
using Casn.Domain.Rooms;

namespace Casn.Domain.Tests;

/// <summary>#18: the pure parts of bulk imports: CSV lines, and how a room sorts a roster import line by line.</summary>
public class ImportRuleTests
{
    [Theory]
    [InlineData("a,b,c", new[] { "a", "b", "c" })]
    [InlineData(" a , b ,c ", new[] { "a", "b", "c" })]
    [InlineData("\"Siti, S.Pd.\",2", new[] { "Siti, S.Pd.", "2" })]
    [InlineData("\"say \"\"hi\"\"\" , x", new[] { "say \"hi\"", "x" })]
    [InlineData("a,,", new[] { "a", "", "" })]
    [InlineData("", new[] { "" })]
    public void Csv_lines_split_into_their_fields(string line, string[] fields) => Assert.Equal(fields, Csv.Split(line)!);

    [Theory]
    [InlineData("\"unclosed,a")]
    [InlineData("\"closed\"x,a")]
    public void A_broken_csv_line_is_not_guessed_at(string line) => Assert.Null(Csv.Split(line));

    [Theory]
    [InlineData("plain")]
    [InlineData("with, comma")]
    [InlineData("with \"quotes\"")]
    [InlineData(" edge ")]
    public void A_written_field_reads_back_the_same(string value) => Assert.Equal(["x", value], Csv.Split(Csv.Field(value) + ",x")!.Reverse());

    static ExamRoom RoomWith(int seats, params (string Participant, string Seat)[] seated)
    {
        var room = new ExamRoom(new RoomState(), RoomKey.Parse("KANREG-V/JKT-01/2026-12-03/1/R01").Value!, new RoomRules(40, TimeSpan.FromMinutes(5)));
        room.SetUp(new RoomSetup("SKD", "Ruang 1", new DateTimeOffset(2026, 12, 3, 8, 0, 0, TimeSpan.FromHours(7)), seats));
        room.Seat(seated.Select(s => new RosterEntry(s.Participant, s.Seat)));
        return room;
    }

    static string Show(ImportLineResult? result) => result is null ? "claim" : result.Fault?.Code ?? result.Outcome.ToString();

    [Fact]
    public void A_roster_import_is_sorted_line_by_line_in_order_until_the_room_is_full()
    {
        var room = RoomWith(3, ("P1", "S1"));
        var sorted = room.SortImport([
            new("P1", "S1"),     // already so
            new("P1", "S2"),     // already here, elsewhere
            new("P2", "S1"),     // S1 is P1's
            new("P3", "S3"),     // a new seat
            new("P4", "S3"),     // S3 is held for the line above
            new("P5", "bad seat"),
            new("P6", "S4"),
            new("P7", "S5"),     // the third and last seat went to P6
        ]);
        Assert.Equal(["Unchanged", ErrorCodes.RosterSeatConflict, ErrorCodes.RosterSeatConflict, "claim", ErrorCodes.RosterSeatConflict,
            ErrorCodes.RequestInvalid, "claim", ErrorCodes.RoomFull], sorted.Select(Show));
    }

    [Fact]
    public void A_closed_room_refuses_every_line()
    {
        var room = RoomWith(4);
        room.State.Status = RoomStatus.Closed;
        Assert.All(room.SortImport([new("P1", "S1"), new("P2", "S2")]), r => Assert.Equal(ErrorCodes.RoomClosed, r!.Fault!.Code));
    }
}
