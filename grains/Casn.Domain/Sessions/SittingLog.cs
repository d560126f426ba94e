using Casn.Domain.Audit;

namespace Casn.Domain.Sessions;

/// <summary>
/// One entry of a sitting's append-only log: an answer or an event, with the audit chain's link hash
/// (32 bytes) up to and including it. The log is the audit chain, so the two cannot disagree.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SittingEntry(
    [property: Id(0)] AnswerRecord? Answer,
    [property: Id(1)] SessionEvent? Event,
    [property: Id(2)] byte[] Link)
{
    public long Ordinal => Answer?.Ordinal ?? Event!.Ordinal;

    public DateTimeOffset At => Answer?.At ?? Event!.At;
}

/// <summary>
/// How a sitting's state is kept: a header (status, clock, counters, everything but answers and events) written
/// only when it changes, and an append-only log of answers and events. An answer appends one entry and leaves the
/// header alone, so the storage work per answer is constant however many answers came before.
/// </summary>
public static class SittingLog
{
    /// <summary>
    /// The header: the state without its log and without what the log implies (the chain's head and length).
    /// <paramref name="withContact"/> false also leaves out the last contact, which moves with every request: that
    /// form decides whether the header changed; the stored form carries the contact as of its write.
    /// </summary>
    public static SessionState Header(SessionState state, bool withContact)
    {
        var header = state.ShallowCopy();
        header.Answers = [];
        header.Events = [];
        header.AuditHead = null;
        header.AuditCount = 0;
        if (!withContact) header.LastContact = null;
        return header;
    }

    /// <summary>
    /// The entries recorded since the log held <paramref name="answersWritten"/> answers and <paramref name="eventsWritten"/>
    /// events, in the chain's order, each with its link from <paramref name="previousLink"/> (null: the genesis).
    /// </summary>
    public static List<SittingEntry> NewEntries(SessionState state, int answersWritten, int eventsWritten, string examId, string? previousLink)
    {
        var entries = new List<SittingEntry>(state.Answers.Count - answersWritten + state.Events.Count - eventsWritten);
        for (var i = answersWritten; i < state.Answers.Count; i++) entries.Add(new SittingEntry(state.Answers[i], null, []));
        for (var i = eventsWritten; i < state.Events.Count; i++) entries.Add(new SittingEntry(null, state.Events[i], []));
        if (entries.Count > 1) entries.Sort((a, b) => a.Ordinal.CompareTo(b.Ordinal));
        var previous = previousLink ?? AuditChain.Genesis(examId, state.Setup!.ParticipantNo);
        for (var i = 0; i < entries.Count; i++)
        {
            // The newest entry's link is the chain's head, which the sitting computed when it recorded the entry: one
            // hash per answer, not two. Earlier entries (several recorded between two writes) are linked here.
            previous = i == entries.Count - 1 && entries[i].Ordinal == state.AuditCount && state.AuditHead is { } head
                ? head
                : LinkOf(previous, entries[i]);
            entries[i] = entries[i] with { Link = Convert.FromHexString(previous) };
        }
        return entries;
    }

    /// <summary>
    /// The state a header and its log describe. Every link is recomputed: a log that was changed, cut or reordered
    /// is refused rather than served. The last contact is the later of the header's and the last answer's.
    /// </summary>
    public static SessionState Replay(SessionState header, IReadOnlyList<SittingEntry> entries, string examId)
    {
        var state = header.ShallowCopy();
        state.Answers = [];
        state.Events = [];
        var previous = AuditChain.Genesis(examId, header.Setup!.ParticipantNo);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (entry.Ordinal != i + 1)
                throw new SittingLogBrokenException(header.Setup.ParticipantNo, i + 1, $"numbered {entry.Ordinal}");
            previous = LinkOf(previous, entry);
            if (!Convert.FromHexString(previous).AsSpan().SequenceEqual(entry.Link))
                throw new SittingLogBrokenException(header.Setup.ParticipantNo, i + 1, "its content does not match its link");
            if (entry.Answer is { } answer)
            {
                state.Answers.Add(answer);
                if (state.LastContact is not { } contact || answer.At > contact) state.LastContact = answer.At;
            }
            else state.Events.Add(entry.Event!);
        }
        state.AuditCount = entries.Count;
        state.AuditHead = entries.Count == 0 ? null : previous;
        return state;
    }

    static string LinkOf(string previous, SittingEntry entry) => entry.Answer is { } a
        ? AuditChain.Link(previous, a.Ordinal, a.At, AuditChain.AnswerKind, AuditChain.WorkstationActor,
            AuditChain.AnswerDetail(a.Sequence, a.ItemId, a.Choice, a.Applied))
        : AuditChain.Link(previous, entry.Event!.Ordinal, entry.Event.At, entry.Event.Kind, entry.Event.By, entry.Event.Detail);
}

/// <summary>A stored log whose chain does not hold: the sitting is not served from it (the signed archive and an operator decide).</summary>
public sealed class SittingLogBrokenException(string participantNo, long entry, string problem)
    : Exception($"The stored log of sitting {participantNo} is broken at entry {entry}: {problem}.");
