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

    /// <summary>
    /// The write was refused because another activation of the same sitting wrote first (for a moment during a silo's
    /// departure, Orleans can hold two). This one has stepped aside, so the same call sent again reaches the sitting as
    /// stored, and is answered.
    /// </summary>
    [Id(0)]
    public bool StaleActivation { get; init; }
}
