namespace Casn.Simulator;

/// <summary>One answer a simulated candidate will send: when (from the start), which item (by its place in the paper), which shown option.</summary>
public sealed record PlannedAnswer(TimeSpan At, int ItemIndex, int Choice);

/// <summary>
/// A candidate's pace: every item answered once at a random moment in the first 90 % of the exam, and a
/// share of them changed later, as people do. The same seed gives the same schedule.
/// </summary>
public static class AnswerSchedule
{
    public static IReadOnlyList<PlannedAnswer> For(int seed, int items, int options, TimeSpan duration, double changeShare)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(items);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options);
        var random = new Random(seed);
        var window = duration * 0.9;
        var plan = new List<PlannedAnswer>(items + (int)(items * changeShare) + 1);
        for (var i = 0; i < items; i++) plan.Add(new PlannedAnswer(window * random.NextDouble(), i, random.Next(options)));
        var changes = (int)Math.Round(items * changeShare);
        foreach (var first in plan.OrderBy(_ => random.Next()).Take(changes).ToList())
        {
            var later = first.At + (window - first.At) * random.NextDouble();
            plan.Add(new PlannedAnswer(later, first.ItemIndex, (first.Choice + 1 + random.Next(options - 1)) % options));
        }
        return [.. plan.OrderBy(p => p.At)];
    }
}

/// <summary>Who sits where, and who is a hired stand-in, from the options and a seed.</summary>
public sealed record Seat(string Region, string Site, string Room, int Number, string ParticipantNo, string Person, bool StandIn);

public static class Seating
{
    public static IReadOnlyList<Seat> For(SimulationOptions options, IReadOnlyList<string> people)
    {
        var random = new Random(options.Seed);
        var seats = new List<Seat>();
        var n = 0;
        for (var r = 1; r <= options.Regions; r++)
        for (var s = 1; s <= options.Sites; s++)
        for (var m = 1; m <= options.Rooms; m++)
        for (var c = 1; c <= options.Candidates; c++)
        {
            n++;
            seats.Add(new Seat($"KANREG-SIM{r}", $"SITE-{options.RunId}-{s}", $"R{m:D2}", c, $"S{options.RunId}{n:D6}",
                people[n % people.Count], random.NextDouble() < options.StandInShare));
        }
        return seats;
    }
}
