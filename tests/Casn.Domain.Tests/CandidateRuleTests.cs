using Casn.Domain.Candidates;
using Casn.Domain.Imports;

namespace Casn.Domain.Tests;

/// <summary>The candidate's rules: what a registration says, where and how often they sit, moves, and retention.</summary>
public class CandidateRuleTests
{
    static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    static readonly CandidateProfile Profile = new("P001", "Siti Aminah", "3171012345678901", new DateOnly(1998, 5, 1), "UMUM", "POS-1", false, "KANREG-V", "JKT-01");
    static readonly RoomKey Jakarta1 = RoomKey.Parse("KANREG-V/JKT-01/2026-12-03/1/R01").Value!;
    static readonly RoomKey Jakarta1Later = RoomKey.Parse("KANREG-V/JKT-01/2026-12-10/1/R02").Value!;
    static readonly RoomKey Jakarta2 = RoomKey.Parse("KANREG-V/JKT-02/2026-12-03/1/R01").Value!;
    static readonly RoomKey Medan = RoomKey.Parse("KANREG-VI/MDN-01/2026-12-03/1/R01").Value!;

    static Candidate Registered(CandidateProfile? profile = null)
    {
        var candidate = new Candidate(new CandidateState(), "P001");
        Assert.Equal(ImportLineResult.Created, candidate.Register(profile ?? Profile, Now));
        return candidate;
    }

    [Theory]
    [InlineData("participant")]
    [InlineData("name")]
    [InlineData("nik-short")]
    [InlineData("nik-letters")]
    [InlineData("category")]
    [InlineData("kanreg")]
    [InlineData("site")]
    public void A_registration_that_says_something_wrong_is_refused_naming_it(string wrong)
    {
        var profile = wrong switch
        {
            "participant" => Profile with { ParticipantNo = "P002" },
            "name" => Profile with { Name = new string('x', 201) },
            "nik-short" => Profile with { NationalId = "317101234567890" },
            "nik-letters" => Profile with { NationalId = "317101234567890X" },
            "category" => Profile with { Category = "<b>" },
            "kanreg" => Profile with { Kanreg = "" },
            _ => Profile with { Site = "JKT 01" },
        };
        Assert.Equal(ErrorCodes.CandidateInvalid, new Candidate(new CandidateState(), "P001").ProfileFault(profile)?.Code);
        Assert.Null(new Candidate(new CandidateState(), "P001").ProfileFault(Profile));
    }

    [Fact]
    public void The_same_registration_again_changes_nothing_and_a_change_of_place_before_a_seat_is_recorded()
    {
        var candidate = Registered();
        Assert.Equal(ImportLineResult.Unchanged, candidate.Register(Profile, Now));
        Assert.Equal(ImportLineResult.Updated, candidate.Register(Profile with { Name = "Siti A." }, Now));
        Assert.Empty(candidate.State.Moves);

        Assert.Equal(ImportLineResult.Updated, candidate.Register(Profile with { Site = "JKT-02" }, Now));
        var move = Assert.Single(candidate.State.Moves);
        Assert.Equal(("JKT-01", "JKT-02", "registration"), (move.FromSite, move.ToSite, move.By));
    }

    [Fact]
    public void A_candidate_holding_a_seat_changes_place_only_by_a_move()
    {
        var candidate = Registered();
        Assert.True(candidate.Seat(Jakarta1, "SKD").IsOk);
        var refused = candidate.Register(Profile with { Kanreg = "KANREG-VI", Site = null }, Now);
        Assert.Equal(ErrorCodes.CandidateAlreadySeated, refused.Fault?.Code);
        Assert.Equal("KANREG-V", candidate.Profile!.Kanreg);
        Assert.Empty(candidate.State.Moves);
    }

    [Fact]
    public void A_candidate_sits_only_with_their_kanreg_and_site_once_per_exam()
    {
        var candidate = Registered();
        Assert.Equal(ErrorCodes.CandidateOtherKanreg, candidate.PlaceFault(Medan)?.Code);
        Assert.Equal(ErrorCodes.CandidateOtherSite, candidate.PlaceFault(Jakarta2)?.Code);
        Assert.Null(candidate.PlaceFault(Jakarta1));

        Assert.Equal(new SeatTaken(true, Jakarta1.Date), candidate.Seat(Jakarta1, "SKD").Value);
        // A roster sent again takes the same seat again; another room for the same exam is refused.
        Assert.Equal(new SeatTaken(false, null), candidate.Seat(Jakarta1, "SKD").Value);
        Assert.Equal(ErrorCodes.CandidateAlreadySeated, candidate.Seat(Jakarta1Later, "SKD").Fault?.Code);
        // Another exam on a later date moves the retention clock; an earlier date does not.
        Assert.Equal(new SeatTaken(true, Jakarta1Later.Date), candidate.Seat(Jakarta1Later, "SKB").Value);
        Assert.Equal(new SeatTaken(true, null), candidate.Seat(Jakarta1, "PPPK").Value);
        Assert.Equal(Jakarta1Later.Date, candidate.State.LastExamDate);

        Assert.False(candidate.ReleaseSeat(Jakarta1Later, "SKD"));
        Assert.True(candidate.ReleaseSeat(Jakarta1, "SKD"));
        Assert.True(candidate.Seat(Jakarta1Later, "SKD").IsOk);
    }

    [Fact]
    public void A_move_needs_a_place_and_a_reason_and_names_the_seats_it_must_free()
    {
        var candidate = Registered(Profile with { Site = null });
        candidate.Seat(Jakarta1, "SKD");
        candidate.Seat(Jakarta2, "SKB");
        Assert.Equal(ErrorCodes.CandidateInvalid, candidate.MoveFault(new CandidateMoveRequest("", null, "why"), "ops")?.Code);
        Assert.Equal(ErrorCodes.ReasonRequired, candidate.MoveFault(new CandidateMoveRequest("KANREG-V", "JKT-02", " "), "ops")?.Code);
        Assert.Equal(ErrorCodes.CandidateNotFound, new Candidate(new CandidateState(), "P001").MoveFault(new CandidateMoveRequest("KANREG-V", null, "why"), "ops")?.Code);

        var toSite2 = new CandidateMoveRequest("KANREG-V", "JKT-02", "closer to home");
        Assert.Null(candidate.MoveFault(toSite2, "ops"));
        Assert.False(candidate.StaysPut(toSite2));
        Assert.Equal([("SKD", Jakarta1)], candidate.SeatsOutside(toSite2));

        candidate.ReleaseSeat(Jakarta1, "SKD");
        candidate.Move(toSite2, "ops", [Jakarta1.ToString()], Now);
        Assert.Equal(("KANREG-V", "JKT-02"), (candidate.Profile!.Kanreg, candidate.Profile.Site));
        Assert.Equal([Jakarta1.ToString()], Assert.Single(candidate.State.Moves).ReleasedRooms);
        Assert.True(candidate.StaysPut(toSite2));
    }

    [Fact]
    public void The_record_keeps_the_latest_moves_only()
    {
        var candidate = Registered();
        for (var i = 0; i < Candidate.MovesKept + 5; i++)
            candidate.Move(new CandidateMoveRequest("KANREG-V", $"S{i}", "again"), "ops", [], Now.AddMinutes(i));
        Assert.Equal(Candidate.MovesKept, candidate.State.Moves.Count);
        Assert.Equal("S54", candidate.State.Moves[^1].ToSite);
        Assert.Equal("S5", candidate.State.Moves[0].ToSite);
    }

    [Fact]
    public void Biometrics_are_due_for_deletion_only_after_the_retention_days_past_the_latest_exam()
    {
        var candidate = Registered();
        candidate.Enrolled([1], [2], [3], Now);
        Assert.True(candidate.IsEnrolledPhoto([3]));
        Assert.False(candidate.IsEnrolledPhoto([4]));
        // Not seated yet: no exam date, nothing due.
        Assert.False(candidate.RetentionDue(new DateOnly(2030, 1, 1), 90));

        candidate.Seat(Jakarta1, "SKD");
        Assert.Equal(Jakarta1.Date.AddDays(90), candidate.KeepUntil(90));
        Assert.False(candidate.RetentionDue(Jakarta1.Date.AddDays(90), 90));
        Assert.True(candidate.RetentionDue(Jakarta1.Date.AddDays(91), 90));

        candidate.BiometricsPurged(Now);
        Assert.False(candidate.HoldsBiometrics);
        Assert.False(candidate.IsEnrolledPhoto([3]));
        Assert.False(candidate.RetentionDue(Jakarta1.Date.AddDays(91), 90));
        Assert.Equal(Now, candidate.State.BiometricsPurgedAt);
    }
}
