using Casn.Grains;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Casn.Silo.Hosting;

/// <summary>
/// Metrics from Orleans (<c>Microsoft.Orleans</c>) and the service (<c>Casn</c>) on <c>/metrics</c> for
/// Prometheus; with <c>Casn:Telemetry:OtlpEndpoint</c> set, metrics and traces also go to an OTLP collector.
/// </summary>
public static class TelemetryComposition
{
    public const string OtlpEndpointKey = "Casn:Telemetry:OtlpEndpoint";

    public static void AddCasnTelemetry(this WebApplicationBuilder builder)
    {
        var otlp = OtlpEndpoint(builder.Configuration);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("casn-silo"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter("Microsoft.Orleans", CasnMetrics.MeterName).AddPrometheusExporter();
                // Acks take a millisecond or two; the default buckets (0, 5, 10, ...) would hide every change.
                metrics.AddView("casn.answers.ack_duration", new ExplicitBucketHistogramConfiguration
                {
                    Boundaries = [0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 1000, 5000],
                });
                if (otlp is not null) metrics.AddOtlpExporter(o => o.Endpoint = otlp);
            });
        if (otlp is not null)
            telemetry.WithTracing(tracing => tracing
                .AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application")
                .AddOtlpExporter(o => o.Endpoint = otlp));
    }

    static Uri? OtlpEndpoint(IConfiguration configuration)
    {
        var value = configuration[OtlpEndpointKey];
        if (string.IsNullOrWhiteSpace(value)) return null;
        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new InvalidOperationException($"{OtlpEndpointKey} '{value}' must be an absolute http(s) URL, e.g. http://127.0.0.1:4317.");
    }
}
