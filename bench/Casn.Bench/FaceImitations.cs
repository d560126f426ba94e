using OpenCvSharp;

namespace Casn.Bench;

/// <summary>
/// Copies of a real photo made in software, as someone holding the registration photo might present it to
/// the check-in camera: re-encoded, resized, cropped, brightened, blurred, rotated, noisy, and imitations of
/// the photo shown on a phone screen or printed on paper. Used by the face-integrity benchmark for its
/// figures and, linked into the service tests, to prove the replay and liveness checks.
/// </summary>
public static class FaceImitations
{
    /// <summary>A copy as JPEG bytes, as a camera upload would arrive.</summary>
    public static byte[] Jpeg(byte[] photo, Func<Mat, Mat> make)
    {
        using var image = Cv2.ImDecode(photo, ImreadModes.Color);
        using var copy = make(image);
        return copy.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, 85));
    }

    /// <summary>Every kind of copy, by name.</summary>
    public static readonly (string Name, Func<Mat, Mat> Make)[] All =
    [
        ("jpeg-q30", image => Reencode(image, 30)),
        ("half-size", image => image.Resize(new Size(), 0.5, 0.5, InterpolationFlags.Area)),
        ("webcam-640", image => Fit(image, 640, 480)),
        ("crop-shift", image => new Mat(image, new Rect(image.Width / 20, image.Height / 25, image.Width * 9 / 10, image.Height * 9 / 10)).Clone()),
        ("brighter", image => Adjust(image, 1.15, 25)),
        ("darker-contrast", image => Adjust(image, 0.8, -10)),
        ("blur", image => image.GaussianBlur(new Size(5, 5), 1.2)),
        ("rotate-4deg", image => Rotate(image, 4)),
        ("noise", image => Noisy(image, 8)),
        ("screen", Screen),
        ("print", Print),
    ];

    static Mat Reencode(Mat image, int quality) => Cv2.ImDecode(image.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, quality)), ImreadModes.Color);

    public static Mat Fit(Mat image, int width, int height)
    {
        var scale = Math.Min((double)width / image.Width, (double)height / image.Height);
        return image.Resize(new Size(), scale, scale, InterpolationFlags.Area);
    }

    static Mat Adjust(Mat image, double gain, double offset)
    {
        var result = new Mat();
        image.ConvertTo(result, MatType.CV_8UC3, gain, offset);
        return result;
    }

    static Mat Rotate(Mat image, double degrees)
    {
        using var matrix = Cv2.GetRotationMatrix2D(new Point2f(image.Width / 2f, image.Height / 2f), degrees, 1.0);
        var result = new Mat();
        Cv2.WarpAffine(image, result, matrix, image.Size(), InterpolationFlags.Linear, BorderTypes.Reflect101);
        return result;
    }

    static Mat Noisy(Mat image, double sigma)
    {
        using var noise = new Mat(image.Size(), MatType.CV_16SC3);
        // OpenCV's generator is per thread: seeding it here makes every copy the same, run after run.
        Cv2.SetTheRNG(20261202);
        Cv2.Randn(noise, Scalar.All(0), Scalar.All(sigma));
        using var wide = new Mat();
        image.ConvertTo(wide, MatType.CV_16SC3);
        using var sum = new Mat();
        Cv2.Add(wide, noise, sum);
        var result = new Mat();
        sum.ConvertTo(result, MatType.CV_8UC3);
        return result;
    }

    /// <summary>The photo shown on a phone held up to the camera: a dark bezel around it, a blue cast, raised blacks, a line pattern, softness.</summary>
    public static Mat Screen(Mat image)
    {
        using var shown = Adjust(image, 0.85, 30);
        using var lines = new Mat(shown.Size(), MatType.CV_8UC3, Scalar.All(0));
        int height = lines.Height, width = lines.Width;
        for (var y = 0; y < height; y += 3) Cv2.Line(lines, new Point(0, y), new Point(width - 1, y), Scalar.All(18));
        using var patterned = new Mat();
        Cv2.Subtract(shown, lines, patterned);
        using var tinted = new Mat();
        Cv2.Multiply(patterned, new Scalar(1.12, 1.0, 0.9), tinted);
        using var soft = tinted.GaussianBlur(new Size(3, 3), 0.8);
        var border = Math.Max(image.Width, image.Height) / 5;
        var framed = new Mat();
        Cv2.CopyMakeBorder(soft, framed, border, border, border, border, BorderTypes.Constant, new Scalar(25, 25, 25));
        return framed;
    }

    /// <summary>The photo printed and held up: washed-out colour, low contrast, paper grain, a white margin, a slight tilt.</summary>
    public static Mat Print(Mat image)
    {
        using var grey = image.CvtColor(ColorConversionCodes.BGR2GRAY).CvtColor(ColorConversionCodes.GRAY2BGR);
        using var faded = new Mat();
        Cv2.AddWeighted(image, 0.55, grey, 0.45, 0, faded);
        using var flat = Adjust(faded, 0.7, 45);
        using var grainy = Noisy(flat, 6);
        var margin = Math.Max(image.Width, image.Height) / 8;
        using var paper = new Mat();
        Cv2.CopyMakeBorder(grainy, paper, margin, margin, margin, margin, BorderTypes.Constant, new Scalar(235, 238, 240));
        return Rotate(paper, -3);
    }
}
