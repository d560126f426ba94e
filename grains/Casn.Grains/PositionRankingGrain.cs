using Casn.Domain.Audit;
using Casn.Domain.Results;

namespace Casn.Grains;

/// <summary>What of a position changes rarely: its definition and the SKB scores. The results are the log's entries.</summary>
[GenerateSerializer, Immutable]
public sealed record PositionRankingHeader
{
    [Id(0)] public Position? Position { get; init; }

    /// <summary>SKB scores (0-100) the agency supplied, by participant number; a later file replaces a participant's score.</summary>
    [Id(1)] public Dictionary<string, decimal> Skb { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The latest announcement's version; 0 before the first.</summary>
    [Id(2)] public int AnnouncedVersion { get; init; }
}

/// <summary>
/// One position of one exam: its definition and its sittings' results. The rules are <see cref="Selection"/>; this
/// grain only keeps the results, durably, before it says it has them. It keeps them the way a sitting keeps its answers
/// (<see cref="ISittingLog"/>): a result is one appended entry and the header is written only when the position or its
/// SKB scores change, so a report costs the same in a position of 100 as in one of 50,000 (a whole-state write per
/// report made a position's total writes grow with the square of its candidates: `ranking_results_per_s_one_position`).
/// </summary>
public sealed partial class PositionRankingGrain(
    ISittingLog log,
    Orleans.Serialization.Serializer serializer,
    ExamCatalog exams,
    BlobStores blobs,
    ArchiveSigner signer,
    TimeProvider clock,
    ILogger<PositionRankingGrain> logger) : Grain, IPositionRankingGrain
{
    public const int MaxOpenings = 100_000;

    PositionRankingHeader _header = new();
    readonly Dictionary<string, SittingResult> _results = new(StringComparer.Ordinal);
    SittingVersion _version = SittingVersion.None;

    /// <summary>The log's key: <c>ranking/{examId}/{positionId}</c>, apart from every sitting's.</summary>
    string LogKey => "ranking/" + this.GetPrimaryKeyString();

    PositionKey Key => PositionKey.Parse(this.GetPrimaryKeyString());

    string ExamId => Key.ExamId;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (await Guard(() => log.Read(LogKey)) is not { } stored) return;
        _header = serializer.Deserialize<PositionRankingHeader>(stored.Header) ?? new PositionRankingHeader();
        foreach (var entry in stored.Entries)
        {
            var result = serializer.Deserialize<SittingResult>(entry)!;
            _results.TryAdd(result.ParticipantNo, result);
        }
        _version = stored.Version;
        // The nation's board learns this position's shortlist again, in case the last word was lost.
        if (_results.Count > 0) ScheduleShortlistReport();
    }

    int? _shortlistReported;
    IGrainTimer? _shortlistTimer;

    /// <summary>Says the shortlist's size to the position directory a second after the results change: once per burst, not per result.</summary>
    void ScheduleShortlistReport() =>
        _shortlistTimer ??= this.RegisterGrainTimer(ReportShortlist, new GrainTimerCreationOptions(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan));

    async Task ReportShortlist()
    {
        // Disposed once done: disposing a timer in its own callback cancels the callback.
        using var done = _shortlistTimer;
        _shortlistTimer = null;
        if (await CurrentStanding() is not var (position, _, standing)) return;
        var shortlisted = standing.Count(r => r.Shortlisted);
        if (shortlisted == _shortlistReported) return;
        try
        {
            await GrainFactory.GetGrain<IPositionDirectoryGrain>(IPositionDirectoryGrain.National).ReportShortlist(ExamId, position.Id, shortlisted);
            _shortlistReported = shortlisted;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogShortlistReportFailed(logger, exception, this.GetPrimaryKeyString());
            ScheduleShortlistReport();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telling the position directory ranking {Key}'s shortlist failed; trying again")]
    static partial void LogShortlistReportFailed(ILogger logger, Exception exception, string key);

    /// <summary>
    /// Appends entries and, when given, a new header, which becomes this activation's once stored (a failure leaves it as it
    /// was); on any failure this activation reloads before its next call.
    /// </summary>
    async Task Write(byte[][] entries, PositionRankingHeader? header)
    {
        // A log is only read with its header, so the first write always carries one.
        if (header is null && _version.HeaderVersion == 0) header = _header;
        try
        {
            _version = await Guard(() => log.Append(LogKey, _version, entries, header is null ? null : serializer.SerializeToArray(header)));
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
        if (header is not null) _header = header;
    }

    /// <summary>The defined position, its exam and the standing of the results so far; null while the position is not defined.</summary>
    async Task<(Position Position, ExamDefinition Exam, IReadOnlyList<StandingRow> Standing)?> CurrentStanding() =>
        _header.Position is { } position && await exams.Find(ExamId) is { } exam
            ? (position, exam, Selection.Standing(exam.Blueprint, position, _results.Values))
            : null;

    Task<T> Guard<T>(Func<Task<T>> call) =>
        LogStoreCalls.Guard(call, logger, LogKey, $"The store of ranking {this.GetPrimaryKeyString()} did not answer; retry the same request.");

    async Task<Result<Position>> IPositionRankingGrain.Define(Position position)
    {
        if (await exams.Find(ExamId) is null) return Faults.Of(ErrorCodes.ExamNotFound, $"Exam '{ExamId}' is not defined.");
        if (position.Id != Key.PositionId)
            return Faults.Of(ErrorCodes.RequestInvalid, "The position's id must match the address.");
        if (string.IsNullOrWhiteSpace(position.Agency) || position.Agency.Length > 200 || string.IsNullOrWhiteSpace(position.Title) || position.Title.Length > 200)
            return Faults.Of(ErrorCodes.RequestInvalid, "A position needs an agency and a title of 1-200 characters.");
        if (position.Openings is < 1 or > MaxOpenings)
            return Faults.Of(ErrorCodes.RequestInvalid, $"Openings must be 1-{MaxOpenings}.");
        if (_header.Position != position) await Write([], _header with { Position = position });
        // Stored here first, then made known: a failure in between is mended by the same request sent again.
        await GrainFactory.GetGrain<IPositionDirectoryGrain>(IPositionDirectoryGrain.National).Add(ExamId, position.Id);
        // New openings move the shortlist's edge.
        if (_results.Count > 0) ScheduleShortlistReport();
        return position;
    }

    async Task<int> IPositionRankingGrain.Report(SittingResult result)
    {
        // Idempotent: a sitting re-sends until it hears back, so the same participant may come again.
        if (!_results.ContainsKey(result.ParticipantNo))
        {
            // Stored first, then taken: a failure leaves nothing behind, and the sitting sends it again.
            await Write([serializer.SerializeToArray(result)], header: null);
            _results[result.ParticipantNo] = result;
            ScheduleShortlistReport();
        }
        return _results.Count;
    }

    async Task<Result<int>> IPositionRankingGrain.ImportSkb(string csv)
    {
        if (await CurrentStanding() is not { } current) return Faults.Of(ErrorCodes.PositionUnknown, "The position is not defined.");
        var shortlisted = current.Standing.Where(r => r.Shortlisted).Select(r => r.ParticipantNo).ToHashSet(StringComparer.Ordinal);
        var parsed = SkbScores.Parse(csv, shortlisted);
        if (!parsed.IsOk) return parsed.Fault!;
        var skb = new Dictionary<string, decimal>(_header.Skb, StringComparer.Ordinal);
        foreach (var (participantNo, score) in parsed.Value!) skb[participantNo] = score;
        // Stored first, then applied: a failure leaves the scores as they were.
        await Write([], _header with { Skb = skb });
        return parsed.Value!.Count;
    }

    async Task<FinalSelectionView?> IPositionRankingGrain.GetFinal()
    {
        if (await CurrentStanding() is not var (position, exam, standing)) return null;
        var weights = exam.Blueprint.FinalWeights ?? FinalWeights.Default;
        var rows = Selection.Final(exam.Blueprint, position, standing, _header.Skb, weights);
        var lines = rows.Select(r => new FinalLine(r.ParticipantNo, _results.TryGetValue(r.ParticipantNo, out var result) ? result.Name : "",
            r.Skd, r.Skb, r.Final, r.Rank, r.Chosen)).ToArray();
        var waiting = standing.Where(r => r.Shortlisted && !_header.Skb.ContainsKey(r.ParticipantNo)).Select(r => r.ParticipantNo).ToArray();
        return new FinalSelectionView(ExamId, position, weights.Skd, weights.Skb, lines, waiting);
    }

    /// <summary>The blob of an announcement version: <c>announcements/{examId}/{positionId}/v{n}</c> in the archives container.</summary>
    public static string AnnouncementName(string examId, string positionId, int version) => $"announcements/{examId}/{positionId}/v{version}";

    /// <summary>
    /// A copy of the latest version, <c>announcements/{examId}/{positionId}/latest</c>, which the public reads straight from
    /// blob storage: a stranger asking for made-up positions finds nothing there and wakes no grain.
    /// </summary>
    public static string LatestAnnouncementName(string examId, string positionId) => $"announcements/{examId}/{positionId}/latest";

    async Task<Result<AnnouncementSummary>> IPositionRankingGrain.Announce()
    {
        if (await CurrentStanding() is not var (position, exam, standing)) return Faults.Of(ErrorCodes.PositionUnknown, "The position is not defined.");
        var version = _header.AnnouncedVersion + 1;
        var sections = exam.Blueprint.SectionCodes;
        var announcement = signer.Sign(new Announcement(Announcement.CurrentFormat, ExamId, position.Id, position.Agency, position.Title,
            position.Openings, version, clock.GetUtcNow(), sections, Announcement.RowsOf(standing, sections), "", ""));
        // The signed file first, then the version that points at it (a failure in between only leaves an unused file), and only
        // then the public copy: the public never sees a version that could still be replaced.
        var json = System.Text.Encoding.UTF8.GetBytes(announcement.ToJson());
        await blobs.Archives.Put(AnnouncementName(ExamId, position.Id, version), json);
        await Write([], _header with { AnnouncedVersion = version });
        await blobs.Archives.Put(LatestAnnouncementName(ExamId, position.Id), json);
        return new AnnouncementSummary(version, announcement.At, announcement.Rows.Count, announcement.KeyId);
    }

    async Task<PositionStanding?> IPositionRankingGrain.GetStanding()
    {
        if (await CurrentStanding() is not var (position, exam, rows)) return null;
        var sections = exam.Blueprint.SectionCodes;
        var lines = rows.Select(r => new StandingLine(r.ParticipantNo, r.Result.Name, r.Result.Category, r.ScoresIn(sections),
            r.Result.Scores.Total, r.StatusName, r.Rank, r.Shortlisted, r.Result.CertificateCode)).ToArray();
        return new PositionStanding(ExamId, position, sections, lines, lines.Count(l => l.Shortlisted));
    }
}
