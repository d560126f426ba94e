using System.Text.Json.Serialization;

namespace Casn.Domain.Imports;

/// <summary>
/// What one line of a bulk import did. Imports are idempotent: a line that finds its data already there is
/// <see cref="Unchanged"/> and writes nothing, so an import run again after a failure creates nothing twice.
/// </summary>
public enum ImportOutcome
{
    [JsonStringEnumMemberName("created")] Created,
    [JsonStringEnumMemberName("updated")] Updated,
    [JsonStringEnumMemberName("unchanged")] Unchanged,
    [JsonStringEnumMemberName("refused")] Refused,
}

/// <summary>One line's outcome between grains: <see cref="Fault"/> is set exactly when it was refused.</summary>
[GenerateSerializer, Immutable]
public sealed record ImportLineResult([property: Id(0)] ImportOutcome Outcome, [property: Id(1)] Fault? Fault = null)
{
    public static readonly ImportLineResult Created = new(ImportOutcome.Created);
    public static readonly ImportLineResult Updated = new(ImportOutcome.Updated);
    public static readonly ImportLineResult Unchanged = new(ImportOutcome.Unchanged);

    public static ImportLineResult Refused(Fault fault) => new(ImportOutcome.Refused, fault);

    public static implicit operator ImportLineResult(Fault fault) => Refused(fault);

    public static ImportLineResult Refused(string code, string message) => new(ImportOutcome.Refused, Faults.Of(code, message));
}
