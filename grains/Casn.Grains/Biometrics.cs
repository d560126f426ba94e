using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Casn.Grains;

/// <summary>Biometric settings (<c>Casn:Biometrics</c>).</summary>
public sealed class BiometricOptions
{
    public const string Section = "Casn:Biometrics";

    /// <summary>Base64 of a 32-byte AES key. Without one, a random key lives as long as the process (embedded default only).</summary>
    public string? Key { get; set; }

    /// <summary>Photos and embeddings are deleted this many days after the candidate's last exam date.</summary>
    public int RetentionDays { get; set; } = 30;
}

/// <summary>
/// Seals photos and embeddings with AES-GCM. The context (e.g. <c>photo:2410011000001</c>) is bound in as
/// associated data, so a sealed item moved to another candidate's record fails to open.
/// Layout: nonce (12) | tag (16) | ciphertext.
/// </summary>
public sealed class BiometricProtector
{
    const int NonceSize = 12, TagSize = 16;
    readonly byte[] _key;

    public BiometricProtector(byte[] key)
    {
        if (key.Length != 32) throw new ArgumentException($"{BiometricOptions.Section}:Key must be 32 bytes (base64).");
        _key = key;
    }

    public static BiometricProtector FromOptions(BiometricOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Key)) return new BiometricProtector(RandomNumberGenerator.GetBytes(32));
        try
        {
            return new BiometricProtector(Convert.FromBase64String(options.Key));
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{BiometricOptions.Section}:Key is not base64.");
        }
    }

    public byte[] Seal(ReadOnlySpan<byte> plain, string context)
    {
        var sealedBytes = new byte[NonceSize + TagSize + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), Encoding.UTF8.GetBytes(context));
        return sealedBytes;
    }

    /// <summary>Throws <see cref="CryptographicException"/> when the data or its context were altered.</summary>
    public byte[] Open(ReadOnlySpan<byte> sealedBytes, string context)
    {
        if (sealedBytes.Length < NonceSize + TagSize) throw new CryptographicException("Sealed data is too short.");
        var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(sealedBytes[..NonceSize], sealedBytes[(NonceSize + TagSize)..], sealedBytes.Slice(NonceSize, TagSize), plain, Encoding.UTF8.GetBytes(context));
        return plain;
    }

    public byte[] SealEmbedding(float[] embedding, string context) => Seal(MemoryMarshal.AsBytes(embedding.AsSpan()), context);

    public float[] OpenEmbedding(byte[] sealedBytes, string context) => MemoryMarshal.Cast<byte, float>(Open(sealedBytes, context)).ToArray();
}
