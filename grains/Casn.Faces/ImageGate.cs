using System.Buffers.Binary;

namespace Casn.Faces;

/// <summary>
/// Checks an image before any decoder sees it: size in bytes, format by magic number, dimensions from
/// the header (so a tiny file that claims 60,000 x 60,000 pixels is refused without allocating them),
/// and that the file is complete. Decoders fill a truncated JPEG with grey instead of failing, and a
/// half-grey face must not be compared.
/// </summary>
public static class ImageGate
{
    public readonly record struct Header(string Format, int Width, int Height);

    public static string? Check(ReadOnlySpan<byte> image, FaceOptions options, out Header header)
    {
        header = default;
        if (image.Length == 0) return FaceCodes.ImageEmpty;
        if (image.Length > options.MaxImageBytes) return FaceCodes.ImageTooLarge;
        Header? parsed = IsPng(image) ? PngHeader(image) : IsJpeg(image) ? JpegHeader(image) : null;
        if (!IsPng(image) && !IsJpeg(image)) return FaceCodes.ImageUnsupportedFormat;
        if (parsed is not { } found || found.Width <= 0 || found.Height <= 0) return FaceCodes.ImageCorrupt;
        header = found;
        if ((long)found.Width * found.Height > options.MaxImagePixels) return FaceCodes.ImageTooManyPixels;
        if (Math.Min(found.Width, found.Height) < options.MinImageSide) return FaceCodes.ImageTooSmall;
        if (!IsComplete(image, found.Format)) return FaceCodes.ImageCorrupt;
        return null;
    }

    static bool IsPng(ReadOnlySpan<byte> b) => b.Length >= 8 && b[..8].SequenceEqual((byte[])[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);

    static bool IsJpeg(ReadOnlySpan<byte> b) => b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF;

    static Header? PngHeader(ReadOnlySpan<byte> b)
    {
        // Signature, then the IHDR chunk: length (4), "IHDR" (4), width (4), height (4).
        if (b.Length < 24 || !b.Slice(12, 4).SequenceEqual("IHDR"u8)) return null;
        var width = BinaryPrimitives.ReadUInt32BigEndian(b.Slice(16, 4));
        var height = BinaryPrimitives.ReadUInt32BigEndian(b.Slice(20, 4));
        return width > int.MaxValue || height > int.MaxValue ? null : new Header("png", (int)width, (int)height);
    }

    static Header? JpegHeader(ReadOnlySpan<byte> b)
    {
        var i = 2;
        while (i + 4 <= b.Length)
        {
            if (b[i] != 0xFF) return null;
            var marker = b[i + 1];
            if (marker == 0xFF) { i++; continue; }
            if (marker is 0xD8 or 0x01 or (>= 0xD0 and <= 0xD7)) { i += 2; continue; }
            var length = BinaryPrimitives.ReadUInt16BigEndian(b.Slice(i + 2, 2));
            if (length < 2) return null;
            // Start-of-frame markers carry the size; C4 (DHT), C8 (JPG) and CC (DAC) do not.
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                if (i + 9 > b.Length) return null;
                return new Header("jpeg", BinaryPrimitives.ReadUInt16BigEndian(b.Slice(i + 7, 2)), BinaryPrimitives.ReadUInt16BigEndian(b.Slice(i + 5, 2)));
            }
            i += 2 + length;
        }
        return null;
    }

    /// <summary>A JPEG ends with its end-of-image marker, a PNG with its IEND chunk (trailing padding allowed).</summary>
    static bool IsComplete(ReadOnlySpan<byte> b, string format)
    {
        var tail = b[Math.Max(0, b.Length - 64)..];
        return format == "png" ? tail.IndexOf("IEND"u8) >= 0 : tail.LastIndexOf((byte[])[0xFF, 0xD9]) >= 0;
    }
}
