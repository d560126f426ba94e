using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;
using StackExchange.Redis;

namespace Casn.Client;

/// <summary>
/// Where the cluster is (<c>Casn:Client</c>). The embedded default is one silo's gateway on this machine; the production
/// profile finds the gateways in the silos' Redis membership table.
/// </summary>
public sealed class CasnClientOptions
{
    public const string Section = "Casn:Client";

    /// <summary>Gateways (<c>host:port</c>) to connect to when <see cref="Redis"/> is not set.</summary>
    public string[] Gateways { get; set; } = ["127.0.0.1:30000"];

    /// <summary>The silos' Redis (a StackExchange.Redis configuration string): the production profile's membership.</summary>
    public string? Redis { get; set; }

    /// <summary>As the silos' <c>Casn:Orleans:ClusterId</c> and <c>ServiceId</c>.</summary>
    public string ClusterId { get; set; } = "casn";

    public string ServiceId { get; set; } = "casn";

    /// <summary>The cluster certificate, when the silos require TLS (<c>Casn:Orleans:Tls</c>).</summary>
    public Casn.Grains.Abstractions.ClusterTlsSettings Tls { get; set; } = new();
}

/// <summary>
/// Connects an Orleans client to a Casn cluster, so a harness can call the grain interfaces (<c>Casn.Grains.Abstractions</c>)
/// directly. A grain client is inside the cluster's trust boundary: it bypasses HTTP authorisation, so gateways are for
/// internal networks only (see deploy/ and the README).
/// </summary>
public static class CasnClientHosting
{
    public static IHostApplicationBuilder AddCasnClient(this IHostApplicationBuilder builder, Action<CasnClientOptions>? configure = null)
    {
        var options = builder.Configuration.GetSection(CasnClientOptions.Section).Get<CasnClientOptions>() ?? new CasnClientOptions();
        configure?.Invoke(options);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = options.ServiceId;
            });
            if (!string.IsNullOrWhiteSpace(options.Redis))
                client.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(options.Redis));
            else
                client.UseStaticClustering([.. options.Gateways.Select(Gateway)]);
            if (options.Tls.Enabled)
            {
                var certificate = options.Tls.Load();
                client.UseTls(certificate, tls =>
                {
                    tls.RemoteCertificateMode = Orleans.Connections.Security.RemoteCertificateMode.RequireCertificate;
                    tls.ClientCertificateMode = Orleans.Connections.Security.RemoteCertificateMode.RequireCertificate;
                    tls.RemoteCertificateValidation = (remote, _, _) => Casn.Grains.Abstractions.ClusterTlsSettings.IsTheCluster(certificate, remote);
                    tls.OnAuthenticateAsClient = (_, a) => a.TargetHost = Casn.Grains.Abstractions.ClusterTlsSettings.HostName(certificate);
                });
            }
        });
        return builder;
    }

    /// <summary>A gateway as <c>host:port</c> (an IP address or a name).</summary>
    public static IPEndPoint Gateway(string value)
    {
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new ArgumentException($"A gateway is host:port, e.g. 127.0.0.1:30000 (got '{value}').", nameof(value));
        var host = value[..colon];
        var address = IPAddress.TryParse(host, out var parsed) ? parsed : Dns.GetHostAddresses(host).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
        return new IPEndPoint(address, port);
    }
}
