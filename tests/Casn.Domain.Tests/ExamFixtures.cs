using Casn.Domain.Exams;
using Casn.Domain.Papers;

namespace Casn.Domain.Tests;

/// <summary>
/// Exams with banks whose points are known by construction, so tests can pick "the option worth k"
/// and hand-compute the expected score.
/// </summary>
static class ExamFixtures
{
    public static ExamDefinition Skd(int poolFactor = 2) => WithKnownPoints(Blueprints.SkdCpns2024, poolFactor);

    public static ExamDefinition Pppk() => WithKnownPoints(Blueprints.Pppk2024, 2);

    /// <summary>Right/wrong items: the key is bank option (n mod options). Weighted items: option o is worth min+o.</summary>
    public static ExamDefinition WithKnownPoints(ExamBlueprint blueprint, int poolFactor)
    {
        var items = new List<ItemDefinition>();
        foreach (var section in blueprint.Sections)
        {
            for (var n = 0; n < section.ItemCount * poolFactor; n++)
            {
                var points = new int[section.OptionCount];
                if (section.Scoring.Kind == ScoringKind.RightWrong)
                    points[n % section.OptionCount] = section.Scoring.CorrectPoints;
                else
                    for (var o = 0; o < points.Length; o++)
                        points[o] = Math.Min(section.Scoring.MinOptionPoints + o, section.Scoring.MaxOptionPoints);
                var options = Enumerable.Range(0, section.OptionCount).Select(o => $"option {o}").ToArray();
                items.Add(new ItemDefinition($"{section.Code}-{n:D3}", section.Code, $"stem {n}", options, points));
            }
        }
        return new ExamDefinition(blueprint, "test-bank-1", [.. items]);
    }

    /// <summary>Participant 2024-001 checked in an hour before <paramref name="t0"/> and logged in at it: the clock runs.</summary>
    public static Sessions.CandidateSession StartedSession(ExamDefinition exam, Sessions.SessionRules rules, DateTimeOffset t0)
    {
        var setup = new Sessions.SessionSetup(exam.Id, "2024-001", "Siti", "general", false, "A1");
        var session = new Sessions.CandidateSession(Sessions.CandidateSession.NewState(setup, exam), exam, rules);
        session.CheckIn(new Sessions.CheckInRecord(t0.AddMinutes(-60), "manual", "proctor-1", "ID card checked"), "pin", true);
        Assert.True(session.Login(t0, "pin", "ws-1", "token").IsOk);
        return session;
    }

    /// <summary>The shown position on this paper of the option worth <paramref name="points"/>.</summary>
    public static int ShownPositionWorth(PaperItem item, int points) =>
        Array.FindIndex(item.OptionOrder, bankIndex => item.Item.Points[bankIndex] == points);

    public static int ShownPositionOfWrongOption(PaperItem item) => ShownPositionWorth(item, 0);
}
