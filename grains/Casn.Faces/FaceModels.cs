using System.Security.Cryptography;
using System.Text.Json;

namespace Casn.Faces;

/// <summary>The four model files, checked against the manifest's sha256 before any is loaded.</summary>
public sealed record FaceModelSet(string Detector, string Landmarks, string Embedder, string Liveness)
{
    public static readonly string[] Roles = ["detector", "landmarks", "embedder", "liveness"];

    /// <summary>Reads <c>manifest.json</c> in the folder and verifies every model it names; throws with the file named.</summary>
    public static FaceModelSet Load(string directory)
    {
        var manifestPath = Path.Combine(directory, "manifest.json");
        if (!File.Exists(manifestPath))
            throw new FaceModelException($"No face model manifest at {Path.GetFullPath(manifestPath)} (set {FaceOptions.Section}:ModelDirectory).");
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(manifestPath));
        var models = manifest.RootElement.GetProperty("models");
        var paths = new Dictionary<string, string>();
        foreach (var role in Roles)
        {
            if (!models.TryGetProperty(role, out var entry))
                throw new FaceModelException($"The face model manifest {manifestPath} has no '{role}' model.");
            var path = Path.Combine(directory, entry.GetProperty("file").GetString()!);
            Verify(path, entry.GetProperty("sha256").GetString()!);
            paths[role] = path;
        }
        return new FaceModelSet(paths["detector"], paths["landmarks"], paths["embedder"], paths["liveness"]);
    }

    static void Verify(string path, string expectedSha256)
    {
        if (!File.Exists(path)) throw new FaceModelException($"Face model {Path.GetFullPath(path)} is missing.");
        using var stream = File.OpenRead(path);
        var actual = Convert.ToHexStringLower(SHA256.HashData(stream));
        if (!string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
            throw new FaceModelException($"Face model {Path.GetFullPath(path)} has sha256 {actual}, but the manifest expects {expectedSha256}: refusing to load it.");
    }
}

public sealed class FaceModelException(string message) : Exception(message);
