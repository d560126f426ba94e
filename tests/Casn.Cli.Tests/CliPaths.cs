namespace Casn.Cli.Tests;

/// <summary>The models and test photos, copied next to the test binaries (the models by Casn.Faces, the photos by this project).</summary>
public static class CliPaths
{
    public static readonly string ModelDirectory = Path.Combine(AppContext.BaseDirectory, "onnx-models");
    public static readonly string PhotoDirectory = Path.Combine(AppContext.BaseDirectory, "fixtures", "faces");
}
