namespace Casn.Faces.Tests;

/// <summary>One engine (the real models, two workers) for all face tests.</summary>
public sealed class FaceEngineFixture : IDisposable
{
    public static readonly string ModelDirectory = Path.Combine(AppContext.BaseDirectory, "onnx-models");
    public static readonly string PhotoDirectory = Path.Combine(AppContext.BaseDirectory, "fixtures", "faces");

    public FaceEngine Engine { get; } = new(new FaceOptions { ModelDirectory = ModelDirectory }, workers: 2);

    public static byte[] Photo(string name) => File.ReadAllBytes(Path.Combine(PhotoDirectory, name));

    public static IEnumerable<string> PortraitNames() =>
        Directory.GetFiles(PhotoDirectory, "*.jpg").Select(Path.GetFileName).OfType<string>()
            .Where(n => !n.StartsWith("multi", StringComparison.Ordinal) && !n.Contains("partial", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    public static string PersonOf(string name) => name[..name.LastIndexOf('_')].Replace("_5", "", StringComparison.Ordinal);

    public void Dispose() => Engine.Dispose();
}
