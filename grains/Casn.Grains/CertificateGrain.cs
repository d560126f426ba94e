using Casn.Domain.Audit;

namespace Casn.Grains;

[GenerateSerializer]
public sealed class CertificateState
{
    [Id(0)] public Certificate? Certificate { get; set; }
}

/// <summary>Holds one receipt code's certificate. The first issue wins: a code never changes what it attests.</summary>
public sealed class CertificateGrain([PersistentState("certificate")] IPersistentState<CertificateState> state) : Grain, ICertificateGrain
{
    public async Task Issue(Certificate certificate)
    {
        if (certificate.Code != this.GetPrimaryKeyString())
            throw new ArgumentException("The certificate's code must be this grain's key.", nameof(certificate));
        if (state.State.Certificate is not null) return;
        state.State.Certificate = certificate;
        await state.WriteStateAsync();
    }

    public Task<Certificate?> Get() => Task.FromResult(state.State.Certificate);

    /// <summary>
    /// The public face of an archive: what it attests and the signature over it, and the position the candidate applied for
    /// (not signed: it only leads to that position's public announcement, which is signed itself).
    /// </summary>
    public static Certificate Of(SessionArchive archive, string positionId)
    {
        var result = archive.Result;
        return new Certificate(archive.CertificateCode, archive.ParticipantNo, archive.Name, archive.ExamId, result.Scores.Sections,
            result.Scores.Total, Certificate.OutcomeOf(result.Pass, result.Reason), result.Reason.ToString(), result.FinishedAt, result.AuditHead, archive.KeyId, archive.Signature,
            SessionArchive.Statement(archive.SessionKey, result, archive.CertificateCode), positionId);
    }
}
