namespace Casn.Service.Tests.Http;

/// <summary>The service's own host with a known gateway port and cluster id, so a grain client (Casn.Client) can connect.</summary>
public sealed class GatewaySilo(IReadOnlyDictionary<string, string>? more = null) : SiloFactory
{
    public int GatewayPort { get; } = FreePort();

    public string ClusterId { get; } = "gateway-" + Guid.NewGuid().ToString("N")[..8];

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(more ?? new Dictionary<string, string>())
    {
        ["Casn:Orleans:GatewayPort"] = GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Casn:Orleans:ClusterId"] = ClusterId,
    };
}
