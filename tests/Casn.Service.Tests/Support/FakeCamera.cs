using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Casn.Service.Tests.Support;

/// <summary>
/// A photo as a camera for Chromium: its fake capture device plays a Y4M file
/// (<c>--use-file-for-fake-video-capture</c>), so getUserMedia on a page shows this photo.
/// </summary>
public static class FakeCamera
{
    /// <summary>Writes the photo as a one-frame Y4M (4:2:0, BT.601) and returns the Chromium arguments that play it.</summary>
    public static string[] Arguments(string photoName)
    {
        var path = Path.Combine(Path.GetTempPath(), $"casn-camera-{Path.GetFileNameWithoutExtension(photoName)}-{Environment.ProcessId}.y4m");
        if (!File.Exists(path)) File.WriteAllBytes(path, Y4m(TestPhotos.Bytes(photoName)));
        return ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", $"--use-file-for-fake-video-capture={path}"];
    }

    static byte[] Y4m(byte[] jpeg)
    {
        using var image = Image.Load<Rgb24>(jpeg);
        int width = image.Width & ~1, height = image.Height & ~1;
        var y = new byte[width * height];
        var u = new byte[width / 2 * (height / 2)];
        var v = new byte[u.Length];
        image.ProcessPixelRows(rows =>
        {
            for (var row = 0; row < height; row++)
            {
                var pixels = rows.GetRowSpan(row);
                for (var col = 0; col < width; col++)
                {
                    var p = pixels[col];
                    y[row * width + col] = Clamp(0.257 * p.R + 0.504 * p.G + 0.098 * p.B + 16);
                    if (row % 2 == 0 && col % 2 == 0)
                    {
                        var i = row / 2 * (width / 2) + col / 2;
                        u[i] = Clamp(-0.148 * p.R - 0.291 * p.G + 0.439 * p.B + 128);
                        v[i] = Clamp(0.439 * p.R - 0.368 * p.G - 0.071 * p.B + 128);
                    }
                }
            }
        });
        using var file = new MemoryStream();
        file.Write(System.Text.Encoding.ASCII.GetBytes($"YUV4MPEG2 W{width} H{height} F30:1 Ip A1:1 C420jpeg\nFRAME\n"));
        file.Write(y);
        file.Write(u);
        file.Write(v);
        return file.ToArray();
    }

    static byte Clamp(double value) => (byte)Math.Clamp(Math.Round(value), 0, 255);
}
