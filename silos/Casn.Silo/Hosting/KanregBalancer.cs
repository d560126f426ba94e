using Casn.Grains;
using Casn.Grains.Abstractions;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Casn.Silo.Hosting;

/// <summary>How a Kanreg's silos even out their sittings: how often each looks, and how many it hands over at most each time.</summary>
public sealed record KanregBalance(TimeSpan Every, int MovesPerRound)
{
    public static readonly KanregBalance Default = new(TimeSpan.FromSeconds(5), 100);

    /// <summary>A silo this close to its fair share moves nothing: a handover is cheap, but not free.</summary>
    public const double Slack = 0.1;

    /// <summary>
    /// What <paramref name="self"/> should hand over, and to whom: the sittings it holds above the Kanreg's fair share
    /// (its total over its silos, rounded up), to the silos below it, emptiest first; at most <see cref="MovesPerRound"/>.
    /// Every silo plans only its own moves, so no two silos move the same sitting; a silo that several fill at once
    /// is evened out again in the next rounds.
    /// </summary>
    public IReadOnlyList<(SiloAddress To, int Count)> Plan(SiloAddress self, IReadOnlyDictionary<SiloAddress, int> sittings)
    {
        if (sittings.Count < 2 || !sittings.TryGetValue(self, out var own)) return [];
        var fair = (int)Math.Ceiling(sittings.Values.Sum() / (double)sittings.Count);
        var excess = Math.Min(own - fair, MovesPerRound);
        if (excess <= Math.Max(1, (int)(fair * Slack))) return [];
        var moves = new List<(SiloAddress, int)>();
        foreach (var (silo, count) in sittings.Where(p => !p.Key.Equals(self) && p.Value < fair).OrderBy(p => p.Value))
        {
            var take = Math.Min(fair - count, excess);
            moves.Add((silo, take));
            excess -= take;
            if (excess == 0) break;
        }
        return moves;
    }
}

/// <summary>
/// Moves a Kanreg's sittings onto the silos it adds. A new silo takes its share of new sittings at once (placement
/// prefers the least loaded); this evens out the ones already running: every few seconds each silo of a Kanreg
/// compares its sittings with the Kanreg's other silos and hands its excess over, state and all (grain migration), to
/// the ones below their share. Orleans' own activation rebalancer is not used: it evens out whole silos across the
/// cluster, blind to Kanregs, and is still experimental in 10.4.
/// </summary>
public sealed partial class KanregBalancer(
    ILocalSiloDetails localSilo,
    IClusterMembershipService membership,
    SiloRegions regions,
    SiloRegion region,
    IGrainFactory grains,
    KanregBalance balance,
    ILogger<KanregBalancer> logger) : BackgroundService
{
    /// <summary>The sitting grain's type as Orleans' statistics name it.</summary>
    public static readonly string SittingType = $"{typeof(CandidateSessionGrain).FullName},{typeof(CandidateSessionGrain).Assembly.GetName().Name}";

    /// <summary>The sittings active on <paramref name="silo"/>, from Orleans' grain statistics.</summary>
    public static int SittingsOn(SiloAddress silo, IEnumerable<SimpleGrainStatistic> statistics) =>
        statistics.Where(s => s.SiloAddress.Equals(silo) && s.GrainType == SittingType).Sum(s => s.ActivationCount);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (region.Name is null || balance.Every <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(balance.Every);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var moved = await BalanceOnce();
                if (moved > 0) LogMoved(logger, moved, region.Name);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogFailed(logger, exception);
            }
        }
    }

    /// <summary>One round: the number of sittings asked to move.</summary>
    public async Task<int> BalanceOnce()
    {
        var snapshot = membership.CurrentSnapshot;
        if (snapshot.GetSiloStatus(localSilo.SiloAddress) != SiloStatus.Active) return 0;
        var peers = snapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && regions.Of(m.SiloAddress) == region.Name)
            .Select(m => m.SiloAddress).ToArray();
        if (peers.Length < 2) return 0;

        var management = grains.GetGrain<IManagementGrain>(0);
        var statistics = await management.GetSimpleGrainStatistics(peers);
        var sittings = peers.ToDictionary(silo => silo, silo => SittingsOn(silo, statistics));
        var plan = balance.Plan(localSilo.SiloAddress, sittings);
        if (plan.Count == 0) return 0;

        var mine = await management.GetDetailedGrainStatistics([SittingType], [localSilo.SiloAddress]);
        var keys = new Queue<string>(mine.Select(s => s.GrainId.Key.ToString()!));
        var moves = new List<Task>();
        foreach (var (to, count) in plan)
            for (var i = 0; i < count && keys.TryDequeue(out var key); i++)
                moves.Add(grains.GetGrain<ICandidateSessionGrain>(key).MoveTo(to));
        await Task.WhenAll(moves);
        return moves.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Handed {Count} sittings of {Region} to its emptier silos")]
    static partial void LogMoved(ILogger logger, int count, string region);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Evening out this Kanreg's sittings failed; trying again next round")]
    static partial void LogFailed(ILogger logger, Exception exception);
}
