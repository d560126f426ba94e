namespace Casn.Silo.Http;

/// <summary>
/// Where the public reaches this service (<c>Casn:PublicBaseUrl</c>, e.g. <c>https://ujian.example.go.id</c>):
/// every link and QR code the service hands out points there. Never the request's Host header, which
/// anyone can forge to send readers of a printed receipt to another site.
/// </summary>
public sealed record PublicSite(string BaseUrl)
{
    public const string Setting = "Casn:PublicBaseUrl";

    /// <summary>Without the setting, the embedded profile points at the README's local address; other profiles refuse to start.</summary>
    public const string EmbeddedDefault = "http://127.0.0.1:5080";

    public string Link(string pathAndQuery) => BaseUrl + pathAndQuery;

    public static PublicSite From(IConfiguration configuration)
    {
        var configured = configuration[Setting];
        if (string.IsNullOrWhiteSpace(configured))
        {
            var profile = configuration[$"{Hosting.ClusterSettings.Section}:Profile"] ?? Hosting.SiloComposition.EmbeddedProfile;
            return profile == Hosting.SiloComposition.EmbeddedProfile
                ? new PublicSite(EmbeddedDefault)
                : throw new InvalidOperationException($"{Setting} (e.g. https://ujian.example.go.id) is required when {Hosting.ClusterSettings.Section}:Profile is '{profile}': receipts' links and QR codes point there.");
        }
        if (!Uri.TryCreate(configured, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
            throw new InvalidOperationException($"{Setting} must be an http(s) address without query or fragment, e.g. https://ujian.example.go.id (got '{configured}').");
        return new PublicSite(uri.GetLeftPart(UriPartial.Path).TrimEnd('/'));
    }
}
