using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Casn.Service.Tests.Http;

/// <summary>#19: a silo asked to leave is not ready at once (load balancers stop sending), while it still lives and serves.</summary>
public sealed class DrainTests
{
    sealed class DrainingSilo : SiloFactory
    {
        protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Casn:Orleans:DrainDelay"] = "00:00:02" };
    }

    [Fact]
    public async Task A_silo_asked_to_stop_turns_not_ready_first_and_keeps_serving()
    {
        await using var silo = new DrainingSilo();
        var http = silo.CreateClient();
        Assert.Equal(200, (int)(await http.GetAsync("/health/ready")).StatusCode);

        silo.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

        var ready = await http.GetAsync("/health/ready");
        Assert.Equal(503, (int)ready.StatusCode);
        Assert.Equal(200, (int)(await http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(200, (int)(await http.GetAsync("/api/archive/public-key")).StatusCode);
    }
}
