using Casn.Silo.Hosting;
using Casn.Silo.Http;

// `--demo` is a bare switch; the command-line configuration provider expects key/value pairs, so it is
// taken out here and passed on as Casn:Demo.
var demo = args.Contains("--demo");
var builder = WebApplication.CreateBuilder(args.Where(a => a != "--demo").ToArray());
if (demo) builder.Configuration["Casn:Demo"] = "true";

builder.UseOrleans(silo => SiloComposition.Configure(silo, builder.Configuration));
builder.AddCasnHttp();

var app = builder.Build();
app.UseCasnHttp();
app.Run();

/// <summary>Visible to the HTTP tests' WebApplicationFactory.</summary>
public partial class Program;
