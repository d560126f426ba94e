using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Casn.Silo.Http;

/// <summary>Settings from <c>Casn:Http</c>: the TLS-terminating proxy in front of the silos.</summary>
public sealed class EdgeSettings
{
    public const string Section = "Casn:Http";

    /// <summary>
    /// Addresses or networks (CIDR) of the ingress that terminates TLS. Only their X-Forwarded-For and
    /// X-Forwarded-Proto are believed: a client's own claims would let it pick its address, and with it
    /// escape the per-address PIN lock-out and rate limits. Empty: no forwarded header is read.
    /// </summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>How long browsers keep to HTTPS once told (HSTS, sent on HTTPS answers only).</summary>
    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(180);
}

/// <summary>TLS ends at the ingress: the silo learns the client's address and scheme from trusted proxies only, and tells browsers to stay on HTTPS.</summary>
public static class TlsEdge
{
    public static void AddCasnEdge(this WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(EdgeSettings.Section).Get<EdgeSettings>() ?? new EdgeSettings();
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only what is listed: the defaults (loopback) would trust any local process.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var entry in settings.TrustedProxies)
            {
                if (IPAddress.TryParse(entry, out var address)) o.KnownProxies.Add(address);
                else if (System.Net.IPNetwork.TryParse(entry, out var network)) o.KnownIPNetworks.Add(network);
                else throw new InvalidOperationException($"{EdgeSettings.Section}:TrustedProxies: '{entry}' is neither an IP address nor a network (CIDR).");
            }
            o.ForwardLimit = 1;
        });
        builder.Services.AddHsts(o =>
        {
            o.MaxAge = settings.HstsMaxAge;
            o.ExcludedHosts.Clear();
        });
    }

    public static void UseCasnEdge(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseHsts();
    }
}
