using Casn.Client;
using Casn.Grains.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Casn.Service.Tests.Http;

/// <summary>
/// #17: a test harness drives grains over a real gateway: Casn.Client connects an Orleans client to a running silo (the
/// service's own host, on known ports), and the harness's run takes one candidate from check-in to a submitted sitting.
/// </summary>
public sealed class HarnessTests
{
    public static Task<IHost> Connect(GatewaySilo silo, ClusterTlsSettings? tls = null, TimeSpan? within = null) =>
        CasnClientHosting.ConnectAsync(o =>
        {
            o.Gateways = [$"127.0.0.1:{silo.GatewayPort}"];
            o.ClusterId = silo.ClusterId;
            if (tls is not null) o.Tls = tls;
        }, within ?? TimeSpan.FromSeconds(30));

    /// <summary>A self-signed certificate for server and client authentication, as a password-protected .pfx.</summary>
    static ClusterTlsSettings Certificate(string folder, string name)
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest($"CN={name}", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension(
            [new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.1"), new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        var names = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        names.AddDnsName(name);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var path = Path.Combine(folder, name + ".pfx");
        File.WriteAllBytes(path, certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12, "test-password"));
        return new ClusterTlsSettings { CertificatePath = path, CertificatePassword = "test-password" };
    }

    [Fact]
    public async Task With_the_cluster_certificate_a_harness_drives_grains_over_tls_and_without_it_the_gateway_stays_closed()
    {
        var folder = Directory.CreateTempSubdirectory("casn-tls-").FullName;
        try
        {
            var cluster = Certificate(folder, "casn-cluster");
            await using var silo = new GatewaySilo(new Dictionary<string, string>
            {
                ["Casn:Orleans:Tls:CertificatePath"] = cluster.CertificatePath!,
                ["Casn:Orleans:Tls:CertificatePassword"] = cluster.CertificatePassword!,
            });
            _ = silo.Server;
            // The HTTP side is unchanged.
            Assert.Equal("Healthy", await silo.CreateClient().GetStringAsync("/health/ready"));

            using (var client = await Connect(silo, cluster))
            {
                var output = new StringWriter();
                var total = await Casn.Harness.HarnessRun.RunAsync(client.Services.GetRequiredService<IClusterClient>(), output);
                Assert.Contains($"harness: finished, total {total}", output.ToString());
                await client.StopAsync();
            }

            // No TLS, or another certificate: no connection.
            await Assert.ThrowsAsync<CasnConnectException>(() => Connect(silo, within: TimeSpan.FromSeconds(8)));
            await Assert.ThrowsAsync<CasnConnectException>(() => Connect(silo, Certificate(folder, "someone-else"), TimeSpan.FromSeconds(8)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task The_harness_drives_a_sitting_through_a_grain_client_on_the_gateway()
    {
        await using var silo = new GatewaySilo();
        _ = silo.Server; // starts the silo
        using var client = await Connect(silo);
        var grains = client.Services.GetRequiredService<IClusterClient>();

        var output = new StringWriter();
        var total = await Casn.Harness.HarnessRun.RunAsync(grains, output);

        Assert.Matches($"harness: finished, total {total}\\s*$", output.ToString());
        // What the harness saw is what the cluster holds: the sitting is finished with that total.
        var line = output.ToString().Split('\n')[0];
        var roomKey = line.Split(" in ")[1].Split(',')[0];
        var participantNo = line.Split(' ')[1];
        var view = (await grains.GetGrain<ICandidateSessionGrain>(CasnKeys.SessionKeyOf(roomKey, participantNo)).GetView())!;
        Assert.Equal((Casn.Domain.Sessions.SessionStatus.Finished, total), (view.Status, view.Result!.Scores.Total));
        Assert.True(total > 0, "the harness answers its first items with their best options");
        await client.StopAsync();
    }

    [Fact]
    public void A_gateway_is_host_and_port()
    {
        Assert.Equal(30000, CasnClientHosting.Gateway("127.0.0.1:30000").Port);
        Assert.Throws<ArgumentException>(() => CasnClientHosting.Gateway("127.0.0.1"));
        Assert.Throws<ArgumentException>(() => CasnClientHosting.Gateway("127.0.0.1:99999"));
    }
}
