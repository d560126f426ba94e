using Casn.Domain.Exams;
using Casn.Domain.Results;
using Casn.Domain.Scoring;
using Casn.Domain.Sessions;

namespace Casn.Domain.Tests;

/// <summary>#15's selection rules: SKD standing per position, the shortlist, the final 40/60 score and SKB files.</summary>
public class SelectionTests
{
    static readonly ExamBlueprint Skd = Blueprints.SkdCpns2024;
    static readonly Position TwoOpenings = new("POS-1", "Kementerian Contoh", "Analis Kebijakan", 2);

    static ScoreSheet Sheet(int twk, int tiu, int tkp) =>
        new([new("TWK", twk, 150, 0, 30), new("TIU", tiu, 175, 0, 35), new("TKP", tkp, 225, 0, 45)], twk + tiu + tkp);

    /// <summary>A finished sitting, its pass outcome worked out under its own category as the sitting does.</summary>
    static SittingResult Result(string no, int twk, int tiu, int tkp, string category = "general", FinishReason reason = FinishReason.Submitted)
    {
        var sheet = Sheet(twk, tiu, tkp);
        var pass = reason switch
        {
            FinishReason.Disqualified => new PassOutcome(false, ["disqualified"]),
            FinishReason.Absent => new PassOutcome(false, ["absent"]),
            _ => PassingRules.Evaluate(Skd, category, sheet),
        };
        return new SittingResult(no, $"Peserta {no}", category, sheet, pass, reason, $"CERT-{no}");
    }

    [Fact]
    public void Each_candidate_passes_under_their_own_category_and_only_those_who_pass_are_ranked()
    {
        var standing = Selection.Standing(Skd, TwoOpenings, [
            Result("G-PASS", 65, 80, 166),                      // general: every section minimum met (311)
            Result("G-FAIL", 64, 120, 200),                     // general: TWK below 65 though the total is higher (384)
            Result("C-PASS", 40, 85, 186, "cumlaude"),          // cum laude: TIU >= 85 and total >= 311, TWK does not count
            Result("C-FAIL", 100, 84, 200, "cumlaude"),         // cum laude: TIU 84
            Result("D-PASS", 40, 60, 186, "disability"),        // disability: TIU >= 60, total 286
            Result("P-FAIL", 40, 60, 185, "papua"),             // papua: total 285 < 286
        ]);

        Assert.Equal(["C-PASS", "G-PASS", "D-PASS"], standing.Where(r => r.Status == StandingStatus.Passed).Select(r => r.ParticipantNo));
        // C-PASS and G-PASS both total 311: C-PASS has more TKP (the first tie-break), so it ranks first.
        Assert.Equal([1, 2, 3], standing.Where(r => r.Rank is not null).Select(r => r.Rank!.Value));
        Assert.Equal(["C-FAIL", "G-FAIL", "P-FAIL"], standing.Where(r => r.Status == StandingStatus.Failed).Select(r => r.ParticipantNo));
        Assert.All(standing.Where(r => r.Status != StandingStatus.Passed), r => Assert.Equal((null, false), (r.Rank, r.Shortlisted)));
    }

    [Fact]
    public void Everyone_tied_at_the_shortlists_edge_goes_on_and_equal_candidates_share_a_rank()
    {
        // Two openings x factor 3: the cut is rank 6. Ranks 5-7 are equal on total, TKP, TIU and TWK.
        int[] tkp = [210, 209, 208, 207, 200, 200, 200, 199];
        var results = tkp.Select((points, n) => Result($"P{n}", 100, 100, points)).ToList();
        // Same total as P4-P6 but less TKP: ranked after them, outside the shortlist.
        results.Add(Result("P8", 101, 100, 199));
        var standing = Selection.Standing(Skd, TwoOpenings, results);

        Assert.Equal(["P0", "P1", "P2", "P3", "P4", "P5", "P6", "P8", "P7"], standing.Select(r => r.ParticipantNo));
        Assert.Equal([1, 2, 3, 4, 5, 5, 5, 8, 9], standing.Select(r => r.Rank!.Value));
        Assert.Equal(7, standing.Count(r => r.Shortlisted));
    }

    [Fact]
    public void Absent_and_disqualified_candidates_are_listed_with_that_status_and_never_ranked()
    {
        var standing = Selection.Standing(Skd, TwoOpenings, [
            Result("A1", 100, 120, 200),
            Result("DQ", 150, 175, 225, reason: FinishReason.Disqualified),  // the best score, disqualified by the proctor
            Result("TO", 100, 110, 190, reason: FinishReason.TimedOut),      // out of time: scored as it stood, and ranked
            Result("NOSHOW", 0, 0, 0, reason: FinishReason.Absent),          // never checked in: the room's close ended it
        ]);

        Assert.Equal([("A1", StandingStatus.Passed), ("TO", StandingStatus.Passed), ("NOSHOW", StandingStatus.Absent), ("DQ", StandingStatus.Disqualified)],
            standing.Select(r => (r.ParticipantNo, r.Status)));
        Assert.Equal([1, 2], standing.Where(r => r.Rank is not null).Select(r => r.Rank!.Value));
        // An absent candidate sat nothing: no section scores, rather than zeros that read as a sitting.
        Assert.Empty(standing.Single(r => r.ParticipantNo == "NOSHOW").ScoresIn(Skd.SectionCodes));
        Assert.Equal([100, 110, 190], standing.Single(r => r.ParticipantNo == "TO").ScoresIn(Skd.SectionCodes));
    }

    [Fact]
    public void The_final_score_is_40_percent_skd_and_60_percent_skb_on_0_to_100_and_the_openings_are_chosen()
    {
        var standing = Selection.Standing(Skd, TwoOpenings, [
            Result("HIGH-SKD", 150, 175, 225),  // 550 = 100.00
            Result("MID", 110, 110, 220),       // 440 = 80.00
            Result("LOW-SKD", 65, 80, 185),     // 330 = 60.00
            Result("NO-SKB", 100, 120, 200),    // shortlisted, but the agency sent no SKB score
        ]);
        var skb = new Dictionary<string, decimal> { ["HIGH-SKD"] = 50, ["MID"] = 80, ["LOW-SKD"] = 95 };

        var final = Selection.Final(Skd, TwoOpenings, standing, skb, FinalWeights.Default);

        // 0.4 x 60 + 0.6 x 95 = 81.00; 0.4 x 80 + 0.6 x 80 = 80.00; 0.4 x 100 + 0.6 x 50 = 70.00.
        Assert.Equal([("LOW-SKD", 60.00m, 81.00m), ("MID", 80.00m, 80.00m), ("HIGH-SKD", 100.00m, 70.00m)], final.Select(r => (r.ParticipantNo, r.Skd, r.Final)));
        Assert.Equal([true, true, false], final.Select(r => r.Chosen));
        Assert.DoesNotContain(final, r => r.ParticipantNo == "NO-SKB");
        // Other weights per exam: SKD alone.
        Assert.Equal("HIGH-SKD", Selection.Final(Skd, TwoOpenings, standing, skb, new FinalWeights(1, 0))[0].ParticipantNo);
    }

    [Fact]
    public void A_tie_on_the_final_score_is_broken_by_the_exams_sections_and_a_full_tie_at_the_last_opening_takes_both()
    {
        var standing = Selection.Standing(Skd, TwoOpenings with { Openings = 1 }, [
            Result("A", 100, 100, 220),  // 420: more TKP than B
            Result("B", 110, 110, 200),  // 420
            Result("C", 110, 110, 200),  // identical to B
        ]);
        var skb = new Dictionary<string, decimal> { ["A"] = 70, ["B"] = 70, ["C"] = 70 };

        var final = Selection.Final(Skd, TwoOpenings, standing, skb, FinalWeights.Default);
        Assert.Equal([("A", 1, true), ("B", 2, true), ("C", 2, true)], final.Select(r => (r.ParticipantNo, r.Rank, r.Chosen)));
    }

    [Fact]
    public void An_skb_file_is_taken_whole_or_refused_with_every_bad_line_named()
    {
        var shortlist = new HashSet<string>(StringComparer.Ordinal) { "P1", "P2", "P3" };
        var good = SkbScores.Parse("participantNo,score\nP1,87.5\r\nP2,100\n\nP3,0\n", shortlist);
        Assert.True(good.IsOk, good.Fault?.Message);
        Assert.Equal(new Dictionary<string, decimal> { ["P1"] = 87.5m, ["P2"] = 100m, ["P3"] = 0m }, good.Value);

        var bad = SkbScores.Parse("P1,87.5\nP2,101\nP9,50\nP1,60\nP3\n<script>,1\nP3,-5\nP3,8,5", shortlist);
        Assert.False(bad.IsOk);
        Assert.Equal(ErrorCodes.SkbInvalid, bad.Fault!.Code);
        foreach (var expected in new[]
                 {
                     "line 2: score '101'", "line 3: P9 is not on this position's SKD shortlist", "line 4: P1 appears twice",
                     "line 5: expected 'participantNo,score', found 1 fields", "line 6: '<script>' is not a participant number",
                     "line 7: score '-5'", "line 8: expected 'participantNo,score', found 3 fields",
                 })
            Assert.Contains(expected, bad.Fault.Message);
        Assert.DoesNotContain("line 1:", bad.Fault.Message);
        Assert.Equal(ErrorCodes.SkbInvalid, SkbScores.Parse("participantNo,score\n", shortlist).Fault?.Code);
    }

    [Theory]
    [InlineData(0.5, 0.5, true)]
    [InlineData(1, 0, true)]
    [InlineData(0.5, 0.6, false)]
    [InlineData(-0.2, 1.2, false)]
    public void An_exams_own_final_weights_must_add_up_to_one(double skd, double skb, bool valid)
    {
        var exam = ExamFixtures.Skd();
        exam = exam with { Blueprint = exam.Blueprint with { FinalWeights = new FinalWeights((decimal)skd, (decimal)skb) } };
        var problems = ExamValidator.Validate(exam);
        Assert.Equal(valid, !problems.Any(p => p.Contains("finalWeights", StringComparison.Ordinal)));
    }
}
