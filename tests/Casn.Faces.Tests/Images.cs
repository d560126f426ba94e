using OpenCvSharp;

namespace Casn.Faces.Tests;

/// <summary>Builds test images from the fixtures with OpenCV: crops, other formats, broken files.</summary>
static class Images
{
    public static byte[] Crop(byte[] jpeg, int x, int y, int width, int height)
    {
        using var image = Cv2.ImDecode(jpeg, ImreadModes.Color);
        using var region = new Mat(image, new Rect(x, y, Math.Min(width, image.Width - x), Math.Min(height, image.Height - y)));
        return region.ImEncode(".jpg");
    }

    public static byte[] ToPng(byte[] jpeg)
    {
        using var image = Cv2.ImDecode(jpeg, ImreadModes.Color);
        return image.ImEncode(".png");
    }

    public static byte[] SolidPng(int width, int height)
    {
        using var image = new Mat(height, width, MatType.CV_8UC3, Scalar.All(128));
        return image.ImEncode(".png");
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
