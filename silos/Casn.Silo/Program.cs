using Orleans.Dashboard;
using Casn.Domain.Exams;
using Casn.Silo.Hosting;
using Casn.Silo.Http;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

// `--demo` is a bare switch; the command-line configuration provider expects key/value pairs, so it is
// taken out here and passed on as Casn:Demo.
var demo = args.Contains("--demo");
var builder = WebApplication.CreateBuilder(args.Where(a => a != "--demo").ToArray());
if (demo) builder.Configuration["Casn:Demo"] = "true";

builder.UseOrleans(silo => SiloComposition.Configure(silo, builder.Configuration));
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
    .ValidateOnStart();
builder.Services.AddSingleton<Casn.Silo.Boards.BoardFeed>();
builder.Services.AddSingleton<Casn.Silo.Boards.BoardDirectory>();
builder.Services.AddSingleton(PublicSite.From(builder.Configuration));
if (builder.Configuration.GetValue<bool>("Casn:Demo")) builder.Services.AddHostedService<DemoSeeder>();
// On stop: not ready, then the drain delay, then Orleans and the web server stop.
builder.Services.AddHostedService(sp => sp.GetRequiredService<SiloDrain>());

var app = builder.Build();
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
app.MapOperatorEndpoints();
app.MapImportEndpoints();
app.MapRoomEndpoints();
app.MapWorkstationEndpoints();
app.MapFaceEndpoints();
app.MapFaceEvidenceEndpoints();
app.MapBoardEndpoints();
app.MapCertificateEndpoints();
app.MapOperationsEndpoints();
// The dashboard shows the whole cluster (its live log, every grain and reminder): national operators only.
app.MapOrleansDashboard("/dashboard").Allow(Access.NationalOperator).ExcludeFromDescription();
app.Run();

/// <summary>Visible to the HTTP tests' WebApplicationFactory.</summary>
public partial class Program;
