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
        // Fixed point, as OpenCV does for 8-bit images: weights in 1/2048ths, one rounding at the end.
        const int One = 2048;
        var x0s = new int[width];
        var x1s = new int[width];
        var wxs = new int[width];
        for (var x = 0; x < width; x++)
        {
            var (low, high, weight) = Tap((x + 0.5) * scaleX - 0.5, regionWidth);
            (x0s[x], x1s[x], wxs[x]) = ((left + low) * 3, (left + high) * 3, (int)MathF.Round(weight * One));
        }
        ReadOnlySpan<byte> source = Bgr;
        var target = result.Bgr;
        for (var y = 0; y < height; y++)
        {
            var (low, high, weightY) = Tap((y + 0.5) * scaleY - 0.5, regionHeight);
            var wy = (int)MathF.Round(weightY * One);
            var row0 = source.Slice((top + low) * Width * 3, Width * 3);
            var row1 = source.Slice((top + high) * Width * 3, Width * 3);
            var output = target.Slice(y * width * 3, width * 3);
            for (var x = 0; x < width; x++)
            {
                int a = x0s[x], b = x1s[x], wx = wxs[x], o = x * 3;
                for (var c = 0; c < 3; c++)
                {
                    var upper = row0[a + c] * (One - wx) + row0[b + c] * wx;
                    var lower = row1[a + c] * (One - wx) + row1[b + c] * wx;
                    output[o + c] = (byte)((upper * (One - wy) + lower * wy + One * One / 2) >> 22);
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
        // Separable: columns first (every source row to the target width), then rows. Fixed point: column
        // shares in 1/4096ths, row shares in 1/256ths, one rounding at the end.
        const int ColumnOne = 4096, RowOne = 256, Shift = 20;
        var columns = Spans(regionWidth, width);
        var rows = Spans(regionHeight, height);
        var first = new int[width];
        var count = new int[width];
        var shares = new List<int>();
        for (var x = 0; x < width; x++)
        {
            (first[x], count[x]) = (columns[x][0].Index, columns[x].Length);
            foreach (var (_, weight) in columns[x]) shares.Add((int)MathF.Round(weight * ColumnOne));
        }
        var weights = shares.ToArray();
        var narrowLength = regionHeight * width * 3;
        var narrow = System.Buffers.ArrayPool<int>.Shared.Rent(narrowLength);
        try
        {
            ReadOnlySpan<byte> source = Bgr;
            for (var y = 0; y < regionHeight; y++)
            {
                var row = source.Slice(((top + y) * Width + left) * 3, regionWidth * 3);
                var output = narrow.AsSpan(y * width * 3, width * 3);
                var w = 0;
                for (var x = 0; x < width; x++)
                {
                    int b = 0, g = 0, r = 0;
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
            var sums = new int[width * 3];
            for (var y = 0; y < height; y++)
            {
                Array.Clear(sums);
                foreach (var (index, share) in rows[y])
                {
                    var weight = (int)MathF.Round(share * RowOne);
                    var row = narrow.AsSpan(index * width * 3, width * 3);
                    for (var i = 0; i < sums.Length; i++) sums[i] += row[i] * weight;
                }
                var output = result.Bgr.Slice(y * width * 3, width * 3);
                for (var i = 0; i < sums.Length; i++) output[i] = (byte)Math.Clamp((sums[i] + (1 << (Shift - 1))) >> Shift, 0, 255);
            }
            return result;
        }
        finally
        {
            System.Buffers.ArrayPool<int>.Shared.Return(narrow);
        }
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
        // The inverse map (which source point lands on each target pixel) is affine: step it along each row.
        double stepX = a / determinant, stepY = -b / determinant;
        ReadOnlySpan<byte> source = Bgr;
        var target = result.Bgr;
        var stride = Width * 3;
        for (var y = 0; y < side; y++)
        {
            var dy = y - ty;
            var sx = (a * -tx + b * dy) / determinant;
            var sy = (-b * -tx + a * dy) / determinant;
            for (var x = 0; x < side; x++, sx += stepX, sy += stepY)
            {
                var x0 = (int)Math.Floor(sx);
                var y0 = (int)Math.Floor(sy);
                var fx = (float)(sx - x0);
                var fy = (float)(sy - y0);
                var o = (y * side + x) * 3;
                if (x0 >= 0 && y0 >= 0 && x0 + 1 < Width && y0 + 1 < Height)
                {
                    var i00 = y0 * stride + x0 * 3;
                    for (var c = 0; c < 3; c++)
                    {
                        float p00 = source[i00 + c], p01 = source[i00 + 3 + c], p10 = source[i00 + stride + c], p11 = source[i00 + stride + 3 + c];
                        var upper = p00 + (p01 - p00) * fx;
                        var lower = p10 + (p11 - p10) * fx;
                        target[o + c] = Round(upper + (lower - upper) * fy);
                    }
                    continue;
                }
                // At the edge: a tap outside the source is black.
                int j00 = Index(x0, y0), j01 = Index(x0 + 1, y0), j10 = Index(x0, y0 + 1), j11 = Index(x0 + 1, y0 + 1);
                for (var c = 0; c < 3; c++)
                {
                    float p00 = j00 < 0 ? 0 : source[j00 + c], p01 = j01 < 0 ? 0 : source[j01 + c];
                    float p10 = j10 < 0 ? 0 : source[j10 + c], p11 = j11 < 0 ? 0 : source[j11 + c];
                    var upper = p00 + (p01 - p00) * fx;
                    var lower = p10 + (p11 - p10) * fx;
                    target[o + c] = Round(upper + (lower - upper) * fy);
                }
            }
        }
        return result;
    }

    int Index(int x, int y) => x < 0 || y < 0 || x >= Width || y >= Height ? -1 : (y * Width + x) * 3;

    // Every value here is a weighted mean of bytes, so it already lies in 0..255 (the clamp guards rounding).
    static byte Round(float value) => (byte)Math.Clamp((int)(value + 0.5f), 0, 255);
}
