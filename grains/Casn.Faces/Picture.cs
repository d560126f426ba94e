using System.Runtime.InteropServices;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Casn.Faces;

/// <summary>
/// An 8-bit BGR image in managed memory, and the few operations the face pipeline needs on it: decoding
/// (ImageSharp, managed code: untrusted photos never reach a native parser), crops, resizes and the
/// alignment warp. The geometry follows OpenCV's definitions (pixel centres at +0.5, bilinear taps, area
/// averaging, BT.601 grey), which the models' figures were measured with.
/// </summary>
public sealed class Picture : IDisposable
{
    public int Width { get; }

    public int Height { get; }

    readonly Memory<Bgr24> _pixels;

    /// <summary>The decoder's own (pooled) image, when this picture is a decoded one: its memory is used as is, not copied.</summary>
    readonly Image<Bgr24>? _owner;

    /// <summary>Row-major, three bytes per pixel: blue, green, red.</summary>
    public Span<byte> Bgr => MemoryMarshal.AsBytes(_pixels.Span);

    public Picture(int width, int height)
    {
        Width = width;
        Height = height;
        _pixels = new Bgr24[width * height];
    }

    Picture(Image<Bgr24> owner, Memory<Bgr24> pixels)
    {
        (Width, Height, _owner, _pixels) = (owner.Width, owner.Height, owner, pixels);
    }

    /// <summary>Decoded images in one piece of pooled memory, so the pipeline reads them in place.</summary>
    static readonly Configuration Decoding = CreateDecoding();

    static Configuration CreateDecoding()
    {
        var configuration = Configuration.Default.Clone();
        configuration.PreferContiguousImageBuffers = true;
        return configuration;
    }

    /// <summary>A JPEG or PNG, turned upright by its EXIF orientation; null when the data cannot be decoded.</summary>
    public static Picture? Decode(byte[] encoded)
    {
        Image<Bgr24>? image = null;
        try
        {
            image = Image.Load<Bgr24>(Decoding, encoded);
            image.Mutate(x => x.AutoOrient());
            if (!image.DangerousTryGetSinglePixelMemory(out var pixels))
            {
                image.Dispose();
                return null;
            }
            return new Picture(image, pixels);
        }
        catch (Exception error) when (error is ImageFormatException or UnknownImageFormatException or InvalidImageContentException or NotSupportedException or InvalidOperationException)
        {
            image?.Dispose();
            return null;
        }
    }

    public void Dispose() => _owner?.Dispose();

    /// <summary>Bilinear resize with pixel centres aligned (OpenCV's INTER_LINEAR).</summary>
    public Picture ResizeLinear(int width, int height, Picture? into = null) => ResizeLinear(0, 0, Width, Height, width, height, into);

    /// <summary>
    /// The rectangle (left, top, w, h) of this picture, resized bilinearly: a crop and a resize without copying
    /// the crop. Written into <paramref name="into"/> when given (a buffer the caller reuses), else a new picture.
    /// </summary>
    public Picture ResizeLinear(int left, int top, int regionWidth, int regionHeight, int width, int height, Picture? into = null)
    {
        var result = into is { } reused && reused.Width == width && reused.Height == height ? reused : new Picture(width, height);
        double scaleX = (double)regionWidth / width, scaleY = (double)regionHeight / height;
        var x0s = new int[width];
        var x1s = new int[width];
        var wxs = new float[width];
        for (var x = 0; x < width; x++)
        {
            var (low, high, weight) = Tap((x + 0.5) * scaleX - 0.5, regionWidth);
            (x0s[x], x1s[x], wxs[x]) = ((left + low) * 3, (left + high) * 3, weight);
        }
        ReadOnlySpan<byte> source = Bgr;
        var target = result.Bgr;
        for (var y = 0; y < height; y++)
        {
            var (low, high, wy) = Tap((y + 0.5) * scaleY - 0.5, regionHeight);
            var row0 = source.Slice((top + low) * Width * 3, Width * 3);
            var row1 = source.Slice((top + high) * Width * 3, Width * 3);
            var output = target.Slice(y * width * 3, width * 3);
            for (var x = 0; x < width; x++)
            {
                int a = x0s[x], b = x1s[x];
                var wx = wxs[x];
                for (var c = 0; c < 3; c++)
                {
                    float p00 = row0[a + c], p01 = row0[b + c], p10 = row1[a + c], p11 = row1[b + c];
                    var upper = p00 + (p01 - p00) * wx;
                    var lower = p10 + (p11 - p10) * wx;
                    output[x * 3 + c] = Round(upper + (lower - upper) * wy);
                }
            }
        }
        return result;
    }

    static (int Low, int High, float Weight) Tap(double position, int size)
    {
        if (position <= 0) return (0, 0, 0);
        if (position >= size - 1) return (size - 1, size - 1, 0);
        var low = (int)position;
        return (low, low + 1, (float)(position - low));
    }

    /// <summary>
    /// Shrinks by averaging every source pixel's share of each target pixel (OpenCV's INTER_AREA when
    /// shrinking): no source pixel is skipped, so a large face loses detail evenly instead of aliasing.
    /// </summary>
    public Picture ResizeArea(int width, int height) => ResizeArea(0, 0, Width, Height, width, height);

    /// <summary>The rectangle (left, top, w, h) of this picture, shrunk by area averaging, without copying the crop.</summary>
    public Picture ResizeArea(int left, int top, int regionWidth, int regionHeight, int width, int height)
    {
        if (width >= regionWidth || height >= regionHeight) return ResizeLinear(left, top, regionWidth, regionHeight, width, height);
        // Separable: columns first (every source row to the target width), then rows.
        var columns = Spans(regionWidth, width);
        var rows = Spans(regionHeight, height);
        var narrow = new float[regionHeight * width * 3];
        ReadOnlySpan<byte> source = Bgr;
        // Each target column's taps, flattened: consecutive source columns from its first, with their shares.
        var first = new int[width];
        var count = new int[width];
        var shares = new List<float>();
        for (var x = 0; x < width; x++)
        {
            (first[x], count[x]) = (columns[x][0].Index, columns[x].Length);
            foreach (var (_, weight) in columns[x]) shares.Add(weight);
        }
        var weights = shares.ToArray();
        for (var y = 0; y < regionHeight; y++)
        {
            var row = source.Slice(((top + y) * Width + left) * 3, regionWidth * 3);
            var output = narrow.AsSpan(y * width * 3, width * 3);
            var w = 0;
            for (var x = 0; x < width; x++)
            {
                float b = 0, g = 0, r = 0;
                var at = first[x] * 3;
                for (var k = 0; k < count[x]; k++, w++, at += 3)
                {
                    var weight = weights[w];
                    b += row[at] * weight;
                    g += row[at + 1] * weight;
                    r += row[at + 2] * weight;
                }
                output[x * 3] = b;
                output[x * 3 + 1] = g;
                output[x * 3 + 2] = r;
            }
        }
        var result = new Picture(width, height);
        var sums = new float[width * 3];
        for (var y = 0; y < height; y++)
        {
            Array.Clear(sums);
            foreach (var (index, weight) in rows[y])
            {
                var row = narrow.AsSpan(index * width * 3, width * 3);
                for (var i = 0; i < sums.Length; i++) sums[i] += row[i] * weight;
            }
            var output = result.Bgr.Slice(y * width * 3, width * 3);
            for (var i = 0; i < sums.Length; i++) output[i] = Round(sums[i]);
        }
        return result;
    }

    /// <summary>For each target index, the source indices it covers and each one's share (shares sum to 1).</summary>
    static (int Index, float Weight)[][] Spans(int source, int target)
    {
        var scale = (double)source / target;
        var spans = new (int, float)[target][];
        for (var t = 0; t < target; t++)
        {
            double start = t * scale, end = (t + 1) * scale;
            var list = new List<(int, float)>();
            for (var s = (int)Math.Floor(start); s < Math.Min(source, (int)Math.Ceiling(end)); s++)
            {
                var cover = Math.Min(end, s + 1) - Math.Max(start, s);
                if (cover > 1e-9) list.Add((s, (float)(cover / scale)));
            }
            spans[t] = [.. list];
        }
        return spans;
    }

    /// <summary>BT.601 luma, as OpenCV's BGR2GRAY computes it (fixed point, rounded).</summary>
    public byte[] Grey()
    {
        var grey = new byte[Width * Height];
        ReadOnlySpan<byte> bgr = Bgr;
        for (var i = 0; i < grey.Length; i++)
            grey[i] = (byte)((bgr[i * 3] * 1868 + bgr[i * 3 + 1] * 9617 + bgr[i * 3 + 2] * 4899 + 8192) >> 14);
        return grey;
    }

    /// <summary>
    /// The picture under the affine map (x', y') = (a x - b y + tx, b x + a y + ty), sampled bilinearly into a
    /// side x side square; outside the source is black (OpenCV's warpAffine with a constant border).
    /// </summary>
    public Picture WarpSimilarity(double a, double b, double tx, double ty, int side)
    {
        var result = new Picture(side, side);
        var determinant = a * a + b * b;
        ReadOnlySpan<byte> source = Bgr;
        var target = result.Bgr;
        for (var y = 0; y < side; y++)
            for (var x = 0; x < side; x++)
            {
                // The inverse map: which source point lands on this target pixel.
                var (dx, dy) = (x - tx, y - ty);
                var sx = (a * dx + b * dy) / determinant;
                var sy = (-b * dx + a * dy) / determinant;
                var x0 = (int)Math.Floor(sx);
                var y0 = (int)Math.Floor(sy);
                var fx = (float)(sx - x0);
                var fy = (float)(sy - y0);
                // The four taps; a tap outside the source is black.
                int i00 = Index(x0, y0), i01 = Index(x0 + 1, y0), i10 = Index(x0, y0 + 1), i11 = Index(x0 + 1, y0 + 1);
                for (var c = 0; c < 3; c++)
                {
                    float p00 = i00 < 0 ? 0 : source[i00 + c], p01 = i01 < 0 ? 0 : source[i01 + c];
                    float p10 = i10 < 0 ? 0 : source[i10 + c], p11 = i11 < 0 ? 0 : source[i11 + c];
                    var upper = p00 + (p01 - p00) * fx;
                    var lower = p10 + (p11 - p10) * fx;
                    target[(y * side + x) * 3 + c] = Round(upper + (lower - upper) * fy);
                }
            }
        return result;
    }

    int Index(int x, int y) => x < 0 || y < 0 || x >= Width || y >= Height ? -1 : (y * Width + x) * 3;

    // Every value here is a weighted mean of bytes, so it already lies in 0..255 (the clamp guards rounding).
    static byte Round(float value) => (byte)Math.Clamp((int)(value + 0.5f), 0, 255);
}
