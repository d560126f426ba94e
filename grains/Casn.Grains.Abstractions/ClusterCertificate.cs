using System.Security.Cryptography.X509Certificates;

namespace Casn.Grains.Abstractions;

/// <summary>
/// TLS between silos and grain clients (<c>Casn:Orleans:Tls</c> on silos, <c>Casn:Client:Tls</c> on clients): one cluster
/// certificate, which every silo and every client presents, and the only one each accepts (pinned, so a self-signed one
/// serves). A gateway without it is closed to anyone without the certificate's private key.
/// </summary>
public sealed class ClusterTlsSettings
{
    /// <summary>A PKCS#12 (.pfx) file with the certificate and its private key; TLS is off while this is empty.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath);

    public X509Certificate2 Load()
    {
        if (!File.Exists(CertificatePath))
            throw new InvalidOperationException($"The cluster certificate '{CertificatePath}' (Tls:CertificatePath) does not exist.");
        return X509CertificateLoader.LoadPkcs12FromFile(CertificatePath, CertificatePassword);
    }

    /// <summary>The peer is this cluster when it presents the very same certificate.</summary>
    public static bool IsTheCluster(X509Certificate2 cluster, X509Certificate2? remote) =>
        remote is not null && remote.RawDataMemory.Span.SequenceEqual(cluster.RawDataMemory.Span);

    /// <summary>The name a connecting side asks for (SNI): the certificate's own, whatever address it dials.</summary>
    public static string HostName(X509Certificate2 cluster) => cluster.GetNameInfo(X509NameType.DnsName, forIssuer: false) is { Length: > 0 } name ? name : "casn-cluster";
}
