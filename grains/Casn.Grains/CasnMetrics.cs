using System.Diagnostics.Metrics;

namespace Casn.Grains;

/// <summary>The service's own meters, next to Orleans' <c>Microsoft.Orleans</c> meter. Traces are Orleans' and ASP.NET Core's.</summary>
public static class CasnMetrics
{
    public const string MeterName = "Casn";

    public static readonly Meter Meter = new(MeterName);

    /// <summary>Answers stored and acknowledged (replays are not counted again).</summary>
    public static readonly Counter<long> AnswersAcknowledged =
        Meter.CreateCounter<long>("casn.answers.acknowledged", description: "Answers stored and acknowledged");

    /// <summary>Time from an answer reaching its session grain to its acknowledgement, storage write included.</summary>
    public static readonly Histogram<double> AnswerAckDuration =
        Meter.CreateHistogram<double>("casn.answers.ack_duration", unit: "ms", description: "Answer validation and storage time in the session grain");

    public static readonly Counter<long> AnswersRefused =
        Meter.CreateCounter<long>("casn.answers.refused", description: "Answers refused, by error code");

    public static readonly Counter<long> Suspensions =
        Meter.CreateCounter<long>("casn.sessions.suspensions", description: "Sessions suspended");

    public static readonly Counter<long> StorageFailures =
        Meter.CreateCounter<long>("casn.storage.failures", description: "Grain state writes refused by storage");

    public static readonly Counter<long> FaceChecks =
        Meter.CreateCounter<long>("casn.faces.checks", description: "Face comparisons, by purpose (check_in, in_exam) and outcome (verified, not_verified, retake, busy)");

    public static readonly Histogram<double> BoardPublishLag =
        Meter.CreateHistogram<double>("casn.boards.publish_lag", unit: "ms", description: "From a board's first unpublished change to its publication (the coalescing delay)");

    public static readonly Histogram<double> BoardDeliveryLag =
        Meter.CreateHistogram<double>("casn.boards.delivery_lag", unit: "ms", description: "From a board's publication to its arrival at a silo that serves viewers");

    public static readonly Counter<long> BiometricsPurged =
        Meter.CreateCounter<long>("casn.biometrics.purged", description: "Candidates whose photo and embeddings were deleted under the retention rule.");

    public static readonly Counter<long> ArchivesWritten =
        Meter.CreateCounter<long>("casn.archives.written", description: "Signed result archives stored at session end.");

    public static readonly Counter<long> ArchiveFailures =
        Meter.CreateCounter<long>("casn.archives.failures", description: "Result archives that could not be stored yet (retried by the session's reminder).");

    /// <summary>Grains placed outside their region because no silo of the region was up.</summary>
    public static readonly Counter<long> RegionPlacementFallbacks =
        Meter.CreateCounter<long>("casn.placement.region_fallbacks", description: "Grains placed outside their Kanreg because it had no silo");

    /// <summary>
    /// Grains a leaving or crowded silo handed to another silo with their state (grain migration), instead of a storage
    /// read or a rebuild; tagged <c>grain</c>: <c>sitting</c>, <c>room</c> or <c>board</c>.
    /// </summary>
    public static readonly Counter<long> HandedOver =
        Meter.CreateCounter<long>("casn.grains.handed_over", description: "Sittings, rooms and boards migrated to another silo with their state (a drain or a rebalance)");

    public static void CountHandOver(string grain) => HandedOver.Add(1, new KeyValuePair<string, object?>("grain", grain));

    /// <summary>Calls resent because their silo left before answering (<see cref="ResendOnSiloLoss"/>).</summary>
    public static readonly Counter<long> CallsResent =
        Meter.CreateCounter<long>("casn.calls.resent", description: "Calls safe to repeat, resent because their target silo left before answering");
}
