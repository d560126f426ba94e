using Casn.Domain.Audit;

namespace Casn.Silo.Http;

public sealed record ArchivePublicKey(string KeyId, string Pem);

/// <summary>The public key that signs result archives, certificates and announcements: anyone can check them with it.</summary>
public static class ArchiveEndpoints
{
    public static void MapArchiveEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGroup("/api/archive").MapGet("/public-key", GetPublicKey)
            .AllowPublic().WithTags("Certificates").Produces<ArchivePublicKey>().WithSummary("The public key that signs result archives and certificates (PEM, EC P-256).");

    static IResult GetPublicKey(ArchiveSigner signer) => Results.Ok(new ArchivePublicKey(signer.KeyId, signer.PublicKeyPem));
}
