using Casn.Domain;
using Casn.Domain.Audit;
using Casn.Grains.Abstractions;
using QRCoder;

namespace Casn.Silo.Http;

/// <summary>
/// The public certificate check by code, with a QR code for the printed receipt (the receipt itself is the candidate's:
/// <c>/api/sessions/…/receipt</c>).
/// </summary>
public static class CertificateEndpoints
{
    public static void MapCertificateEndpoints(this IEndpointRouteBuilder app)
    {
        var certificates = app.MapGroup("/api/certificates/{code}").WithTags("Certificates").AllowPublic();
        certificates.MapGet("", GetCertificate)
            .Produces<Certificate>().WithSummary("What a receipt's code attests: participant, scores, outcome, chain head, and the signed statement.");
        certificates.MapGet("/qr.svg", GetQrCode)
            .Produces<string>(StatusCodes.Status200OK, "image/svg+xml").WithSummary("A QR code of the page that checks this code, for the printed receipt.");
    }

    static async Task<IResult> GetCertificate(string code, IGrainFactory grains) =>
        IsCode(code) && await grains.GetGrain<ICertificateGrain>(code.ToUpperInvariant()).Get() is { } certificate
            ? Results.Ok(certificate)
            : NotFound(code);

    static IResult GetQrCode(string code, PublicSite site) =>
        IsCode(code) ? Results.Text(QrSvg(site.Link(VerifyPath(code.ToUpperInvariant()))), "image/svg+xml") : NotFound(code);

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
