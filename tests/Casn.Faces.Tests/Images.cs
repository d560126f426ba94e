using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Casn.Faces.Tests;

/// <summary>Builds test images from the fixtures: crops, other formats, broken files.</summary>
static class Images
{
    public static byte[] Crop(byte[] jpeg, int x, int y, int width, int height)
    {
        using var image = Image.Load<Rgb24>(jpeg);
        image.Mutate(i => i.Crop(new Rectangle(x, y, Math.Min(width, image.Width - x), Math.Min(height, image.Height - y))));
        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream);
        return stream.ToArray();
    }

    public static byte[] ToPng(byte[] jpeg)
    {
        using var image = Image.Load<Rgb24>(jpeg);
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }

    public static byte[] SolidPng(int width, int height)
    {
        using var image = new Image<Rgb24>(width, height, new Rgb24(128, 128, 128));
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }

    /// <summary>A PNG signature and IHDR chunk that claim a huge image, with no pixel data behind them.</summary>
    public static byte[] PngClaiming(uint width, uint height)
    {
        var bytes = new byte[64];
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R' }.CopyTo(bytes, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(20), height);
        return bytes;
    }
}
