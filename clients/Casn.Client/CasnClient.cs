using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
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

/// <summary>No silo answered a client within its time.</summary>
public sealed class CasnConnectException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// Connects an Orleans client to a Casn cluster, so a harness can call the grain interfaces (<c>Casn.Grains.Abstractions</c>)
/// directly. A grain client is inside the cluster's trust boundary: it bypasses HTTP authorisation, so gateways are for
/// internal networks only (see deploy/ and the README).
/// </summary>
public static class CasnClientHosting
{
    public static IHostApplicationBuilder AddCasnClient(this IHostApplicationBuilder builder, Action<CasnClientOptions>? configure = null)
    {
        var options = OptionsOf(builder, configure);
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

    static CasnClientOptions OptionsOf(IHostApplicationBuilder builder, Action<CasnClientOptions>? configure)
    {
        var options = builder.Configuration.GetSection(CasnClientOptions.Section).Get<CasnClientOptions>() ?? new CasnClientOptions();
        configure?.Invoke(options);
        return options;
    }

    /// <summary>
    /// For tools and tests: a started client host (settings from <c>Casn:Client</c> in the environment, then
    /// <paramref name="configure"/>), or <see cref="CasnConnectException"/> with a plain message when no silo answers within
    /// <paramref name="within"/> (15 s by default). It logs nothing and has no console lifetime, so a failed start never holds
    /// the process open.
    /// </summary>
    public static async Task<IHost> ConnectAsync(Action<CasnClientOptions>? configure = null, TimeSpan? within = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, ToolLifetime>();
        builder.AddCasnClient(configure);
        var options = OptionsOf(builder, configure);
        var host = builder.Build();
        try
        {
            using var connecting = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(15));
            await host.StartAsync(connecting.Token);
            return host;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Disposing a client that never connected can wait on its retries: let it go in the background.
            _ = Task.Run(host.Dispose);
            var where = string.IsNullOrWhiteSpace(options.Redis) ? string.Join(", ", options.Gateways) : "the gateways in its Redis";
            throw new CasnConnectException($"could not connect to the cluster '{options.ClusterId}' at {where}: is a silo running there, with this cluster id" +
                (options.Tls.Enabled ? " and this certificate?" : " (and no TLS required)?"), exception);
        }
    }

    sealed class ToolLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
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
