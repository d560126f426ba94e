using Orleans.Dashboard;
using Casn.Domain.Exams;
using Casn.Silo.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Casn.Silo.Http;

/// <summary>
/// The web side of a silo, in one place: the edge (forwarded headers, TLS), access, limits, problems, JSON, the API
/// document, health, the boards' feed, the public site, the drain, and every endpoint. Program.cs adds it to the
/// silo host; the HTTP tests run that same Program.
/// </summary>
public static class HttpComposition
{
    public static WebApplicationBuilder AddCasnHttp(this WebApplicationBuilder builder)
    {
        builder.AddCasnTelemetry();
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
            c.ProblemDetails.Extensions["traceId"] = c.HttpContext.TraceIdentifier);
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.AddCasnEdge();
        builder.AddCasnAccess();
        builder.AddCasnLimits();
        // Unreadable bodies then reach ProblemExceptionHandler (and get a code) in every environment.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(o => CasnJson.Configure(o.SerializerOptions));
        builder.Services.AddCasnOpenApi();
        builder.Services.AddOptions<ClusterSettings>().Bind(builder.Configuration.GetSection(ClusterSettings.Section))
            .Validate(o => o.DrainDelay >= TimeSpan.Zero && o.DrainDelay <= TimeSpan.FromMinutes(5), $"{ClusterSettings.Section}:DrainDelay must be 0 to 5 minutes.")
            .Validate(o => o.BalanceEvery >= TimeSpan.Zero && o.BalanceMovesPerRound > 0, $"{ClusterSettings.Section}:BalanceEvery must not be negative and BalanceMovesPerRound must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<SiloDrain>();
        builder.Services.AddHealthChecks().AddCheck<SiloReadyCheck>("silo", tags: ["ready"]).AddCheck<SiloDrain>("drain", tags: ["ready"]);
        builder.Services.AddHostedService<FaceModelsCheck>();
        // Casn:Boards is bound with the grains (AddCasnGrains); the viewer settings are checked here, where they are used.
        builder.Services.AddOptions<Casn.Grains.BoardOptions>()
            .Validate(o => o.MaxViewersPerSilo > 0 && o.ViewerBuffer > 0 && o.RenewEvery > TimeSpan.Zero, "Casn:Boards viewer limits must be positive.")
            .Validate(o => o.FrameAncestors.All(Casn.Silo.Http.Origins.IsOrigin), "Casn:Boards:FrameAncestors must be origins such as https://tv.example.id (scheme and host, no path).")
            // Each viewer's stream writes one keep-alive per interval: a tiny one would keep every viewer's loop busy.
            .Validate(o => o.KeepAliveEvery >= TimeSpan.FromMilliseconds(100), "Casn:Boards:KeepAliveEvery must be at least 100 ms.")
            .ValidateOnStart();
        builder.Services.AddSingleton<Casn.Silo.Boards.BoardFeed>();
        builder.Services.AddSingleton<Casn.Silo.Boards.BoardDirectory>();
        builder.Services.AddSingleton(PublicSite.From(builder.Configuration));
        if (builder.Configuration.GetValue<bool>("Casn:Demo")) builder.Services.AddHostedService<DemoSeeder>();
        // On stop: not ready, then the drain delay, then Orleans and the web server stop.
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SiloDrain>());
        return builder;
    }

    public static WebApplication UseCasnHttp(this WebApplication app)
    {
        app.UseCasnEdge();
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages(context => Problems.ForBareStatus(context.HttpContext));
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseBodyLimits();
        app.MapOpenApi().AllowPublic();
        app.MapCasnApiDocs();
        app.MapPrometheusScrapingEndpoint("/metrics").Allow(Access.AnyOperator);
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowPublic();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") }).AllowPublic();
        app.MapExamEndpoints();
        app.MapCandidateEndpoints();
        app.MapStandInEndpoints();
        app.MapImportEndpoints();
        app.MapRoomEndpoints();
        app.MapSessionEndpoints();
        app.MapBoardEndpoints();
        app.MapCertificateEndpoints();
        app.MapArchiveEndpoints();
        app.MapOperationsEndpoints();
        // The dashboard shows the whole cluster (its live log, every grain and reminder): national operators only.
        app.MapOrleansDashboard("/dashboard").Allow(Access.NationalOperator).ExcludeFromDescription();
        return app;
    }
}
