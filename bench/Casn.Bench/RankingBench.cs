using System.Diagnostics;
using Casn.Grains.Abstractions;
using Casn.Domain.Exams;
using Casn.Domain.Results;
using Casn.Domain.Scoring;
using Casn.Domain.Sessions;

namespace Casn.Bench;

/// <summary>
/// #15: finished results folded into their positions' rankings (Redis profile, fsync always), as sittings report them:
/// many small positions, then one large one (each report one appended entry), then the announcement of a 10,000-candidate position.
/// </summary>
public static class RankingBench
{
    const int Callers = 64;

    public static async Task Run(BenchOptions options, Figures figures)
    {
        await using var redis = await BenchRedis.StartAsync();
        await using var silo = await BenchSilo.StartAsync(redis.ConnectionString);
        var exam = DemoItemBank.For(Blueprints.SkdCpns2024 with { Id = "RANK-SKD" });
        BenchRoom.Ok(await silo.Grains.GetGrain<IExamGrain>(exam.Id).Define(exam));

        var positions = options.Quick ? 200 : 1000;
        var results = positions * 100;
        var rate = await Report(silo.Grains, results, i => $"P{i % positions}");
        figures.Add(new("ranking_results_per_s", rate, "1/s", $"{results:N0} results over {positions:N0} positions (100 each), {Callers} callers, Redis fsync always"));

        // One large position: a report is one appended entry however full it is.
        var large = options.Quick ? 1000 : 5000;
        var ranking = silo.Grains.GetGrain<IPositionRankingGrain>(PositionKey.Of(exam.Id, "LARGE"));
        BenchRoom.Ok(await ranking.Define(new Position("LARGE", "Bench", "Large position", 100)));
        var largeRate = await Report(silo.Grains, large, _ => "LARGE");
        figures.Add(new("ranking_results_per_s_one_position", largeRate, "1/s",
            $"{large:N0} results into one position, {Callers} callers: each report appends one log entry, so the rate holds as the position fills"));

        var watch = Stopwatch.StartNew();
        const int Reads = 5;
        for (var i = 0; i < Reads; i++) await ranking.GetStanding();
        figures.Add(new("standing_ms_large", watch.Elapsed.TotalMilliseconds / Reads, "ms", $"GetStanding of the {large:N0}-candidate position: rank, shortlist and lines (mean of {Reads})"));

        // Freezing and signing a 10,000-candidate announcement: standing, rows, statement, ECDSA signature, JSON, two blob writes.
        const int Announced = 10_000;
        var tenThousand = silo.Grains.GetGrain<IPositionRankingGrain>(PositionKey.Of(exam.Id, "TEN-K"));
        BenchRoom.Ok(await tenThousand.Define(new Position("TEN-K", "Bench", "A 10,000-candidate position", 500)));
        await Report(silo.Grains, Announced, _ => "TEN-K");
        await tenThousand.Announce();  // warm-up: the first also pays for JIT
        const int Announcements = 3;
        var times = new List<double>();
        var rows = 0;
        for (var i = 0; i < Announcements; i++)
        {
            watch.Restart();
            var summary = BenchRoom.Ok(await tenThousand.Announce());
            times.Add(watch.Elapsed.TotalMilliseconds);
            rows = summary.Rows;
        }
        figures.Add(new("announcement_ms_10k", times.Order().ElementAt(Announcements / 2), "ms",
            $"Announce() of a {Announced:N0}-candidate position: freeze, sign, store (median of {Announcements}; {rows:N0} rows)"));
    }

    static async Task<double> Report(IGrainFactory grains, int results, Func<int, string> positionOf)
    {
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, results), new ParallelOptions { MaxDegreeOfParallelism = Callers }, async (i, _) =>
        {
            // Scores spread like a real day's, so that ranking has ties and order to work out.
            var (twk, tiu, tkp) = (40 + i * 7 % 110, 50 + i * 13 % 125, 120 + i * 11 % 105);
            var sheet = new ScoreSheet([new("TWK", twk, 150, 30, 30), new("TIU", tiu, 175, 35, 35), new("TKP", tkp, 225, 45, 45)], twk + tiu + tkp);
            await grains.GetGrain<IPositionRankingGrain>(PositionKey.Of("RANK-SKD", positionOf(i))).Report(
                new SittingResult($"C{i:D7}", $"Peserta {i}", "general", sheet, PassingRules.Evaluate(Blueprints.SkdCpns2024, "general", sheet),
                    FinishReason.Submitted, "AAAA-BBBB-CCCC-DDDD"));
        });
        return results / watch.Elapsed.TotalSeconds;
    }
}
