using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Casn.Domain.Sessions;

namespace Casn.Domain.Audit;

/// <summary>One link of a sitting's audit chain: what happened, and the hash that ties it to every link before it.</summary>
[GenerateSerializer, Immutable]
public sealed record AuditEntry(
    [property: Id(0)] long Ordinal,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Kind,
    [property: Id(3)] string By,
    [property: Id(4)] string Detail,
    [property: Id(5)] string Hash);

/// <summary>What checking a chain found: intact, or the first entry that does not hold.</summary>
public sealed record AuditCheck(bool Intact, long? BrokenAt, string Message);

/// <summary>
/// Every answer, face check, proctor action and time change of a sitting is a link in a hash chain:
/// <c>hash_n = SHA-256(hash_{n-1} "\n" n "\n" at "\n" kind "\n" by "\n" detail)</c> in lowercase hex,
/// starting from a genesis that names the exam and the participant, so a chain cannot be moved to
/// another sitting. The final result carries the last hash (the head); change any entry, drop one or
/// reorder them, and the chain no longer leads to that head. Anyone can recompute it from an archive.
/// </summary>
public static class AuditChain
{
    public const string AnswerKind = "answer";
    public const string WorkstationActor = "workstation";

    public static string Genesis(string examId, string participantNo) => Hash($"casn-audit-v1\n{examId}\n{participantNo}");

    public static string Link(string previous, long ordinal, DateTimeOffset at, string kind, string by, string detail) =>
        Hash(string.Create(CultureInfo.InvariantCulture, $"{previous}\n{ordinal}\n{at.UtcDateTime:O}\n{kind}\n{by}\n{detail}"));

    /// <summary>How an answer reads in the chain: the client's sequence, the item, the shown option (or none) and whether it took effect.</summary>
    public static string AnswerDetail(long sequence, string itemId, int? choice, bool applied) =>
        string.Create(CultureInfo.InvariantCulture, $"seq={sequence} item={itemId} choice={(choice is { } c ? c.ToString(CultureInfo.InvariantCulture) : "none")} applied={(applied ? "yes" : "no")}");

    /// <summary>Recomputes every link; reports the first entry whose hash, place or content does not hold.</summary>
    public static AuditCheck Verify(string examId, string participantNo, IReadOnlyList<AuditEntry> entries, string expectedHead)
    {
        var previous = Genesis(examId, participantNo);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (entry.Ordinal != i + 1)
                return new(false, i + 1, $"entry {i + 1}: numbered {entry.Ordinal}; an entry is missing or out of order");
            var expected = Link(previous, entry.Ordinal, entry.At, entry.Kind, entry.By, entry.Detail);
            if (!string.Equals(expected, entry.Hash, StringComparison.Ordinal))
                return new(false, entry.Ordinal, $"entry {entry.Ordinal}: its content does not match its hash (changed after it was written)");
            previous = entry.Hash;
        }
        return string.Equals(previous, expectedHead, StringComparison.Ordinal)
            ? new(true, null, $"intact: {entries.Count} entries lead to head {expectedHead}")
            : new(false, entries.Count + 1L, $"the chain ends at {previous}, not at the result's head {expectedHead}: entries were removed or replaced");
    }

    static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
