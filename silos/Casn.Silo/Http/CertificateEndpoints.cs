using Casn.Domain;
using Casn.Domain.Audit;
using Casn.Grains.Abstractions;
using QRCoder;

namespace Casn.Silo.Http;

public sealed record ArchivePublicKey(string KeyId, string Pem);

/// <summary>What the candidate takes home: the result and the code that anyone can check.</summary>
public sealed record Receipt(string ParticipantNo, string ExamId, Casn.Domain.Scoring.ScoreSheet Scores, string Outcome, string Reason,
    DateTimeOffset FinishedAt, string AuditHead, string CertificateCode, string VerifyPath, string VerifyUrl);

/// <summary>
/// Verifiable results: the candidate's receipt, the public certificate check by code (with a QR code
/// for the printed receipt), and the public key that signs archives.
/// </summary>
public static class CertificateEndpoints
{
    public static void MapCertificateEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/archive/public-key", (ArchiveSigner signer) => Results.Ok(new ArchivePublicKey(signer.KeyId, signer.PublicKeyPem)))
            .AllowPublic().WithTags("Certificates").Produces<ArchivePublicKey>().WithSummary("The public key that signs result archives and certificates (PEM, EC P-256).");

        var certificates = app.MapGroup("/api/certificates/{code}").WithTags("Certificates").AllowPublic();
        certificates.MapGet("", async (string code, IGrainFactory grains) =>
                IsCode(code) && await grains.GetGrain<ICertificateGrain>(code.ToUpperInvariant()).Get() is { } certificate
                    ? Results.Ok(certificate)
                    : NotFound(code))
            .Produces<Certificate>().WithSummary("What a receipt's code attests: participant, scores, outcome, chain head, and the signed statement.");
        certificates.MapGet("/qr.svg", (string code, PublicSite site) =>
                IsCode(code)
                    ? Results.Text(QrSvg(site.Link(VerifyPath(code.ToUpperInvariant()))), "image/svg+xml")
                    : NotFound(code))
            .Produces<string>(StatusCodes.Status200OK, "image/svg+xml").WithSummary("A QR code of the page that checks this code, for the printed receipt.");

        app.MapGet("/api/sessions/" + SessionRoute.Template + "/receipt", ([AsParameters] SessionRoute route, HttpRequest http, IGrainFactory grains, PublicSite site) =>
                WorkstationEndpoints.WithToken(route, http, grains, async (session, credential) =>
                {
                    var result = await session.GetResult(credential);
                    if (!result.IsOk) return (Result<Receipt>)result.Fault!;
                    var r = result.Value!;
                    var code = SessionArchive.CertificateCodeFor(r.AuditHead);
                    return (Result<Receipt>)new Receipt(r.ParticipantNo, r.ExamId, r.Scores, Certificate.OutcomeOf(r.Pass, r.Reason), r.Reason.ToString(), r.FinishedAt, r.AuditHead, code,
                        VerifyPath(code), site.Link(VerifyPath(code)));
                }))
            .AllowCandidate().RequireRateLimiting(Limits.Workstation).WithTags("Workstation").Produces<Receipt>().WithSummary("The candidate's receipt once finished: scores, chain head and certificate code.");
    }

    /// <summary>The public page that checks a code.</summary>
    public static string VerifyPath(string code) => $"/certificate.html?code={code}";

    static IResult NotFound(string code) => Problems.Of(ErrorCodes.CertificateNotFound, $"No certificate has the code '{Truncate(code)}'.");

    static string Truncate(string code) => code.Length <= 24 ? code : code[..24] + "…";

    /// <summary>Codes are 16 letters and digits in four groups (see SessionArchive.CertificateCodeFor).</summary>
    static bool IsCode(string code) => code.Length == 19 && code.Where((c, i) => i % 5 == 4 ? c == '-' : char.IsAsciiLetterOrDigit(c)).Count() == 19;

    public static string QrSvg(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(4);
    }
}
