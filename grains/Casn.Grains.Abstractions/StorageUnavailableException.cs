namespace Casn.Grains.Abstractions;

/// <summary>
/// Grain storage refused a write, so nothing was acknowledged. The same request can be sent again: over
/// HTTP this is 503 <c>storage.unavailable</c> with Retry-After.
/// </summary>
[GenerateSerializer]
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException() { }

    public StorageUnavailableException(string message) : base(message) { }

    public StorageUnavailableException(string message, Exception inner) : base(message, inner) { }
}
