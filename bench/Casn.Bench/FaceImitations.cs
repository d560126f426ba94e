using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Casn.Bench;

/// <summary>
/// Copies of a real photo made in software, as someone holding the registration photo might present it to
/// the check-in camera: re-encoded, resized, cropped, brightened, blurred, rotated, noisy, and imitations of
/// the photo shown on a phone screen or printed on paper. Used by the face-integrity benchmark for its
/// figures and, linked into the service tests, to prove the replay and liveness checks. Deterministic:
/// the same photo always gives the same copy.
/// </summary>
public static class FaceImitations
{
    /// <summary>A copy as JPEG bytes (quality 85), as a camera upload would arrive.</summary>
    public static byte[] Jpeg(byte[] photo, Func<Image<Rgb24>, Image<Rgb24>> make)
    {
        using var image = Image.Load<Rgb24>(photo);
        using var copy = make(image);
        return Encode(copy, 85);
    }

    static byte[] Encode(Image<Rgb24> image, int quality)
    {
        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream, new JpegEncoder { Quality = quality });
        return stream.ToArray();
    }

    /// <summary>Every kind of copy, by name.</summary>
    public static readonly (string Name, Func<Image<Rgb24>, Image<Rgb24>> Make)[] All =
    [
        ("jpeg-q30", image => Image.Load<Rgb24>(Encode(image, 30))),
        ("half-size", image => image.Clone(x => x.Resize(new ResizeOptions { Size = new Size(image.Width / 2, image.Height / 2), Sampler = KnownResamplers.Box }))),
        ("webcam-640", image => Fit(image, 640, 480)),
        ("crop-shift", image => image.Clone(x => x.Crop(new Rectangle(image.Width / 20, image.Height / 25, image.Width * 9 / 10, image.Height * 9 / 10)))),
        ("brighter", image => Adjust(image, 1.15f, 25)),
        ("darker-contrast", image => Adjust(image, 0.8f, -10)),
        ("blur", image => image.Clone(x => x.GaussianBlur(1.2f))),
        ("rotate-4deg", image => Rotate(image, 4)),
        ("noise", image => Noisy(image, 8)),
        ("screen", Screen),
        ("print", Print),
    ];

    /// <summary>Shrunk (area averaging) to fit within width x height, as a webcam frame; a smaller image stays as it is.</summary>
    public static Image<Rgb24> Fit(Image<Rgb24> image, int width, int height)
    {
        var scale = Math.Min(1, Math.Min((double)width / image.Width, (double)height / image.Height));
        var size = new Size(Math.Max(1, (int)(image.Width * scale)), Math.Max(1, (int)(image.Height * scale)));
        return image.Clone(x => x.Resize(new ResizeOptions { Size = size, Sampler = KnownResamplers.Box }));
    }

    /// <summary>Every channel as value * gain + offset, clamped.</summary>
    static Image<Rgb24> Adjust(Image<Rgb24> image, float gain, float offset) => Map(image, (p, _, _) =>
        new Rgb24(Clamp(p.R * gain + offset), Clamp(p.G * gain + offset), Clamp(p.B * gain + offset)));

    /// <summary>Turned about the centre, same size, the corners filled from the nearest edge (no black wedges).</summary>
    static Image<Rgb24> Rotate(Image<Rgb24> image, float degrees)
    {
        var rotated = image.Clone(x => x.Rotate(degrees));
        var (left, top) = ((rotated.Width - image.Width) / 2, (rotated.Height - image.Height) / 2);
        rotated.Mutate(x => x.Crop(new Rectangle(left, top, image.Width, image.Height)));
        return rotated;
    }

    /// <summary>Gaussian noise of this spread on every channel, from a fixed seed.</summary>
    static Image<Rgb24> Noisy(Image<Rgb24> image, double sigma)
    {
        var random = new Random(20261202);
        float Gaussian() => (float)(sigma * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        return Map(image, (p, _, _) => new Rgb24(Clamp(p.R + Gaussian()), Clamp(p.G + Gaussian()), Clamp(p.B + Gaussian())));
    }

    /// <summary>The photo shown on a phone held up to the camera: a dark bezel around it, a blue cast, raised blacks, a line pattern, softness.</summary>
    public static Image<Rgb24> Screen(Image<Rgb24> image)
    {
        using var shown = Map(image, (p, _, y) =>
        {
            var line = y % 3 == 0 ? 18 : 0;
            return new Rgb24(Clamp((p.R * 0.85f + 30 - line) * 0.9f), Clamp(p.G * 0.85f + 30 - line), Clamp((p.B * 0.85f + 30 - line) * 1.12f));
        });
        shown.Mutate(x => x.GaussianBlur(0.8f));
        return Framed(shown, Math.Max(image.Width, image.Height) / 5, new Rgb24(25, 25, 25));
    }

    /// <summary>The photo printed and held up: washed-out colour, low contrast, paper grain, a white margin, a slight tilt.</summary>
    public static Image<Rgb24> Print(Image<Rgb24> image)
    {
        using var faded = Map(image, (p, _, _) =>
        {
            var grey = 0.299f * p.R + 0.587f * p.G + 0.114f * p.B;
            float Fade(byte channel) => (channel * 0.55f + grey * 0.45f) * 0.7f + 45;
            return new Rgb24(Clamp(Fade(p.R)), Clamp(Fade(p.G)), Clamp(Fade(p.B)));
        });
        using var grainy = Noisy(faded, 6);
        using var paper = Framed(grainy, Math.Max(image.Width, image.Height) / 8, new Rgb24(240, 238, 235));
        return Rotate(paper, -3);
    }

    /// <summary>The image in the middle of a larger canvas of one colour.</summary>
    static Image<Rgb24> Framed(Image<Rgb24> image, int border, Rgb24 colour)
    {
        var canvas = new Image<Rgb24>(image.Width + 2 * border, image.Height + 2 * border, colour);
        canvas.Mutate(x => x.DrawImage(image, new Point(border, border), 1f));
        return canvas;
    }

    /// <summary>A new image with each pixel mapped (pixel, x, y).</summary>
    static Image<Rgb24> Map(Image<Rgb24> image, Func<Rgb24, int, int, Rgb24> map)
    {
        var result = new Image<Rgb24>(image.Width, image.Height);
        image.ProcessPixelRows(result, (source, target) =>
        {
            for (var y = 0; y < source.Height; y++)
            {
                var from = source.GetRowSpan(y);
                var to = target.GetRowSpan(y);
                for (var x = 0; x < from.Length; x++) to[x] = map(from[x], x, y);
            }
        });
        return result;
    }

    static byte Clamp(float value) => (byte)Math.Clamp((int)MathF.Round(value), 0, 255);
}
