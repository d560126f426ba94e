using System.Text.RegularExpressions;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Casn.Grains.Abstractions;

namespace Casn.Grains;

/// <summary>Blob storage settings (<c>Casn:Storage</c>).</summary>
public sealed class StorageOptions
{
    public const string Section = "Casn:Storage";

    /// <summary>
    /// An Azure Storage connection string (<c>UseDevelopmentStorage=true</c> for Azurite). Without one,
    /// blobs go to <see cref="Directory"/>: the embedded default, one machine only.
    /// </summary>
    public string? BlobConnectionString { get; set; }

    public string Directory { get; set; } = Path.Combine(Path.GetTempPath(), "casn-storage");

    public string BiometricsContainer { get; set; } = "biometrics";

    public string ArchivesContainer { get; set; } = "archives";
}

/// <summary>
/// Where blobs live. Names are paths of letters, digits and '-' (e.g. <c>photos/2410011000001/registration</c>).
/// A store that cannot be reached throws <see cref="StorageUnavailableException"/>, which callers see as
/// a retry-able 503; nothing half-written is ever read back (writes replace a blob whole).
/// </summary>
public interface IBlobStore
{
    Task Put(string name, byte[] content);

    Task<byte[]?> Get(string name);

    Task<bool> Delete(string name);

    IAsyncEnumerable<string> List(string prefix);
}

/// <summary>The two containers: sealed biometric data (photos), and signed result archives.</summary>
public sealed record BlobStores(IBlobStore Biometrics, IBlobStore Archives)
{
    public static BlobStores From(StorageOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.BlobConnectionString))
            return new(new FolderBlobStore(Path.Combine(options.Directory, options.BiometricsContainer)),
                new FolderBlobStore(Path.Combine(options.Directory, options.ArchivesContainer)));
        BlobServiceClient service;
        try
        {
            service = new BlobServiceClient(options.BlobConnectionString, AzureBlobStore.ClientOptions());
        }
        catch (Exception error) when (error is FormatException or ArgumentException)
        {
            throw new InvalidOperationException($"{StorageOptions.Section}:BlobConnectionString is not a valid Azure Storage connection string.", error);
        }
        return new(new AzureBlobStore(service.GetBlobContainerClient(options.BiometricsContainer)),
            new AzureBlobStore(service.GetBlobContainerClient(options.ArchivesContainer)));
    }
}

static partial class BlobNames
{
    [GeneratedRegex("^[A-Za-z0-9-]+(/[A-Za-z0-9-]+)*$")]
    private static partial Regex SafeName();

    public static string Checked(string name) =>
        SafeName().IsMatch(name) ? name : throw new ArgumentException($"Unsafe blob name '{name}'.");
}

public sealed class FolderBlobStore(string root) : IBlobStore
{
    public async Task Put(string name, byte[] content)
    {
        var path = PathOf(name);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllBytesAsync(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }

    public async Task<byte[]?> Get(string name) => File.Exists(PathOf(name)) ? await File.ReadAllBytesAsync(PathOf(name)) : null;

    public Task<bool> Delete(string name)
    {
        var path = PathOf(name);
        if (!File.Exists(path)) return Task.FromResult(false);
        File.Delete(path);
        return Task.FromResult(true);
    }

    public async IAsyncEnumerable<string> List(string prefix)
    {
        await Task.CompletedTask;
        if (!System.IO.Directory.Exists(root)) yield break;
        foreach (var file in System.IO.Directory.EnumerateFiles(root, "*.bin", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var name = Path.GetRelativePath(root, file)[..^4].Replace(Path.DirectorySeparatorChar, '/');
            if (name.StartsWith(prefix, StringComparison.Ordinal)) yield return name;
        }
    }

    public string PathOf(string name) => Path.Combine(root, BlobNames.Checked(name).Replace('/', Path.DirectorySeparatorChar) + ".bin");
}

/// <summary>Azure Blob Storage (or Azurite): one container, created on first use.</summary>
public sealed class AzureBlobStore(BlobContainerClient container) : IBlobStore
{
    volatile bool _exists;

    async Task EnsureCreated()
    {
        if (_exists) return;
        await container.CreateIfNotExistsAsync();
        _exists = true;
    }

    /// <summary>Few, short retries: a caller waiting on an answer's acknowledgement prefers a quick 503 to a long hang.</summary>
    public static BlobClientOptions ClientOptions()
    {
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        return options;
    }

    public Task Put(string name, byte[] content) => Reach(async () =>
    {
        await container.GetBlobClient(BlobNames.Checked(name)).UploadAsync(new BinaryData(content), overwrite: true);
        return true;
    });

    public Task<byte[]?> Get(string name) => Reach(async () =>
    {
        try
        {
            var download = await container.GetBlobClient(BlobNames.Checked(name)).DownloadContentAsync();
            return download.Value.Content.ToArray();
        }
        catch (RequestFailedException error) when (error.ErrorCode == "BlobNotFound")
        {
            return (byte[]?)null;
        }
    });

    public Task<bool> Delete(string name) => Reach(async () =>
        (await container.GetBlobClient(BlobNames.Checked(name)).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots)).Value);

    public async IAsyncEnumerable<string> List(string prefix)
    {
        await Reach(async () => { await EnsureCreated(); return true; });
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }))
            yield return blob.Name;
    }

    async Task<T> Reach<T>(Func<Task<T>> act)
    {
        try
        {
            await EnsureCreated();
            try
            {
                return await act();
            }
            catch (RequestFailedException error) when (error.ErrorCode == "ContainerNotFound")
            {
                // The container went away (deleted by hand; an emulator restarted): make it again, once.
                _exists = false;
                await EnsureCreated();
                return await act();
            }
        }
        catch (Exception error) when (error is RequestFailedException or HttpRequestException or AggregateException or TaskCanceledException)
        {
            throw new StorageUnavailableException($"Blob storage ({container.Name}) is unavailable: {error.Message}");
        }
    }
}
