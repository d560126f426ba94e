namespace Casn.Grains.Abstractions;

/// <summary>
/// A finished sitting's certificate, keyed by the code on the candidate's receipt. Public: anyone with
/// the code sees what it attests (participant number, name, scores, outcome) and the signature to check.
/// </summary>
public interface ICertificateGrain : IGrainWithStringKey
{
    /// <summary>Stores the certificate; issuing the same one again is accepted (archives are retried).</summary>
    Task Issue(Certificate certificate);

    Task<Certificate?> Get();
}

/// <summary>
/// What a receipt's code attests. <see cref="Statement"/> is exactly what the service signed (see
/// SessionArchive.Statement); with the public key from <c>/api/archive/public-key</c> anyone can check
/// <see cref="Signature"/> without trusting this page.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record Certificate(
    [property: Id(0)] string Code,
    [property: Id(1)] string ParticipantNo,
    [property: Id(2)] string Name,
    [property: Id(3)] string ExamId,
    [property: Id(4)] Casn.Domain.Scoring.SectionScore[] Sections,
    [property: Id(5)] int Total,
    [property: Id(6)] string Outcome,
    [property: Id(7)] string Reason,
    [property: Id(8)] DateTimeOffset FinishedAt,
    [property: Id(9)] string AuditHead,
    [property: Id(10)] string KeyId,
    [property: Id(11)] string Signature,
    [property: Id(12)] string Statement,
    [property: Id(13)] string PositionId = "")
{
    /// <summary>How a result reads on a receipt: passed or failed the exam's passing rules, or ranked where it has none.</summary>
    public static string OutcomeOf(Casn.Domain.Scoring.PassOutcome? pass, FinishReason reason) =>
        reason == FinishReason.Absent ? "absent" : pass is null ? "ranked" : Casn.Domain.Scoring.PassingRules.Word(pass);
}
