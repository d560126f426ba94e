using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.InteropServices;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Casn.Faces;

/// <summary>
/// An 8-bit RGB image in managed memory, and the few operations the face pipeline needs on it: decoding
/// (ImageSharp, managed code: untrusted photos never reach a native parser), crops, resizes and the
/// alignment warp. The geometry follows OpenCV's definitions (pixel centres at +0.5, bilinear taps, area
/// averaging, BT.601 grey), which the models' figures were measured with.
/// </summary>
public sealed class Picture : IDisposable
{
    public int Width { get; }

    public int Height { get; }

    readonly Memory<Rgb24> _pixels;

    /// <summary>The decoder's own (pooled) image, when this picture is a decoded one: its memory is used as is, not copied.</summary>
    readonly Image<Rgb24>? _owner;

    /// <summary>
    /// Row-major, three bytes per pixel: red, green, blue. (RGB rather than OpenCV's BGR because ImageSharp
    /// decodes to RGB about a tenth faster; the models that want BGR get it when their input is filled.)
    /// </summary>
    public Span<byte> Rgb => MemoryMarshal.AsBytes(_pixels.Span);

    public Picture(int width, int height)
    {
        Width = width;
        Height = height;
        _pixels = new Rgb24[width * height];
    }

    Picture(Image<Rgb24> owner, Memory<Rgb24> pixels)
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
        Image<Rgb24>? image = null;
        try
        {
            image = Image.Load<Rgb24>(Decoding, encoded);
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
        ReadOnlySpan<byte> source = Rgb;
        var target = result.Rgb;
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
        // Separable, in fixed point: shares in 1/2048ths both ways (255 x 2048 x 2048 fits an int), one rounding at the
        // end. Integer sums do not depend on their order, so rows are summed first: whole source rows at a
        // time, which vectorises, leaving the columns only the narrower target rows.
        const int ColumnOne = 2048, RowOne = 2048, Shift = 22;
        var columns = new AreaTaps(regionWidth, width, ColumnOne);
        var rows = new AreaTaps(regionHeight, height, RowOne);
        var rowLength = regionWidth * 3;
        var buffer = System.Buffers.ArrayPool<int>.Shared.Rent(rowLength * 2 + 1);
        try
        {
            var widened = buffer.AsSpan(0, rowLength);
            var sums = buffer.AsSpan(rowLength, rowLength + 1);
            sums[rowLength] = 0;
            ReadOnlySpan<byte> source = Rgb;
            var result = new Picture(width, height);
            for (var y = 0; y < height; y++)
            {
                sums[..rowLength].Clear();
                var rowShares = rows.Shares(y);
                for (var j = 0; j < rowShares.Length; j++)
                {
                    if (rowShares[j] == 0) continue;
                    var row = source.Slice(((top + rows.Start[y] + j) * Width + left) * 3, rowLength);
                    TensorPrimitives.ConvertTruncating<byte, int>(row, widened);
                    TensorPrimitives.MultiplyAdd<int>(widened, rowShares[j], sums[..rowLength], sums[..rowLength]);
                }
                var output = result.Rgb.Slice(y * width * 3, width * 3);
                for (var x = 0; x < width; x++)
                {
                    // The three channels of a pixel as one vector (its fourth lane is the next pixel's red,
                    // summed and dropped; the row has one int of padding for the last pixel).
                    var shares = columns.Shares(x);
                    var window = sums.Slice(columns.Start[x] * 3, shares.Length * 3 + 1);
                    var sum = Vector128<int>.Zero;
                    for (var j = 0; j < shares.Length; j++) sum += Vector128.Create((ReadOnlySpan<int>)window.Slice(j * 3, 4)) * shares[j];
                    var pixel = Vector128.Clamp((sum + Vector128.Create(1 << (Shift - 1))) >> Shift, Vector128<int>.Zero, Vector128.Create(255));
                    output[x * 3] = (byte)pixel.GetElement(0);
                    output[x * 3 + 1] = (byte)pixel.GetElement(1);
                    output[x * 3 + 2] = (byte)pixel.GetElement(2);
                }
            }
            return result;
        }
        finally
        {
            System.Buffers.ArrayPool<int>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// For each target index t, the source indices it covers and each one's share in 1/<c>one</c>ths (they sum
    /// to about <c>one</c>). Every target gets the same number of taps, from Start[t] on, padded with zero
    /// shares: the loops over them then run the same count each time, which the processor predicts.
    /// </summary>
    readonly struct AreaTaps
    {
        public readonly int[] Start;
        readonly int[] _shares;
        readonly int _taps;

        public ReadOnlySpan<int> Shares(int target) => _shares.AsSpan(target * _taps, _taps);

        public AreaTaps(int source, int target, int one)
        {
            var scale = (double)source / target;
            _taps = Math.Min(source, (int)Math.Ceiling(scale) + 1);
            Start = new int[target];
            _shares = new int[target * _taps];
            for (var t = 0; t < target; t++)
            {
                double start = t * scale, end = (t + 1) * scale;
                var first = (int)Math.Floor(start);
                // Shifted back at the far edge so that all taps stay inside the source.
                Start[t] = Math.Min(first, source - _taps);
                for (var s = first; s < Math.Min(source, (int)Math.Ceiling(end)); s++)
                {
                    var cover = Math.Min(end, s + 1) - Math.Max(start, s);
                    if (cover > 1e-9) _shares[t * _taps + s - Start[t]] = (int)MathF.Round((float)(cover / scale) * one);
                }
            }
        }
    }

    /// <summary>BT.601 luma, as OpenCV's RGB2GRAY computes it (fixed point, rounded).</summary>
    public byte[] Grey()
    {
        var grey = new byte[Width * Height];
        ReadOnlySpan<byte> rgb = Rgb;
        for (var i = 0; i < grey.Length; i++)
            grey[i] = (byte)((rgb[i * 3] * 4899 + rgb[i * 3 + 1] * 9617 + rgb[i * 3 + 2] * 1868 + 8192) >> 14);
        return grey;
    }

    /// <summary>
    /// The picture under the affine map (x', y') = (a x - b y + tx, b x + a y + ty), sampled bilinearly into a
    /// side x side square; outside the source is black. The arithmetic is OpenCV's warpAffine for 8-bit
    /// images: the inverse map stepped in 1/1024ths of a pixel, each source point rounded to 1/32 of a pixel,
    /// and integer bilinear weights (the four sum to 1024). That is the pipeline the models' figures were measured
    /// with, and it costs a fraction of floating point per pixel.
    /// </summary>
    public Picture WarpSimilarity(double a, double b, double tx, double ty, int side)
    {
        var result = new Picture(side, side);
        // The inverse of [a -b tx; b a ty], computed as warpAffine computes it.
        var d = 1.0 / (a * a + b * b);
        double m0 = a * d, m1 = b * d, m3 = -(b * d), m4 = a * d;
        double m2 = -m0 * tx - m1 * ty, m5 = -m3 * tx - m4 * ty;
        const int Scale = 1024, SubpixelBits = 5, Subpixels = 1 << SubpixelBits, RoundToSubpixel = Scale / Subpixels / 2;
        var stepsX = new int[side];
        var stepsY = new int[side];
        for (var x = 0; x < side; x++)
            (stepsX[x], stepsY[x]) = ((int)Math.Round(m0 * x * Scale), (int)Math.Round(m3 * x * Scale));
        ReadOnlySpan<byte> source = Rgb;
        var target = result.Rgb;
        var stride = Width * 3;
        // Unsigned compares: one test per axis that 0 <= x0 and x0 + 1 < Width (same for y).
        uint innerWidth = (uint)Width - 1, innerHeight = (uint)Height - 1;
        for (var y = 0; y < side; y++)
        {
            var rowX = (int)Math.Round((m1 * y + m2) * Scale) + RoundToSubpixel;
            var rowY = (int)Math.Round((m4 * y + m5) * Scale) + RoundToSubpixel;
            var row = target.Slice(y * side * 3, side * 3);
            for (var x = 0; x < side; x++)
            {
                // In 1/32ths of a pixel; the shifts floor, as OpenCV's do.
                int sx = (rowX + stepsX[x]) >> SubpixelBits, sy = (rowY + stepsY[x]) >> SubpixelBits;
                int x0 = sx >> SubpixelBits, y0 = sy >> SubpixelBits, fx = sx & (Subpixels - 1), fy = sy & (Subpixels - 1);
                int w00 = (Subpixels - fx) * (Subpixels - fy), w01 = fx * (Subpixels - fy), w10 = (Subpixels - fx) * fy, w11 = fx * fy;
                var pixel = row.Slice(x * 3, 3);
                if ((uint)x0 < innerWidth && (uint)y0 < innerHeight)
                {
                    // Both taps of each row in one slice: the channel reads below need no further bounds checks.
                    var upper = source.Slice(y0 * stride + x0 * 3, 6);
                    var lower = source.Slice(y0 * stride + stride + x0 * 3, 6);
                    pixel[0] = (byte)((upper[0] * w00 + upper[3] * w01 + lower[0] * w10 + lower[3] * w11 + 512) >> 10);
                    pixel[1] = (byte)((upper[1] * w00 + upper[4] * w01 + lower[1] * w10 + lower[4] * w11 + 512) >> 10);
                    pixel[2] = (byte)((upper[2] * w00 + upper[5] * w01 + lower[2] * w10 + lower[5] * w11 + 512) >> 10);
                    continue;
                }
                // At the edge: a tap outside the source is black.
                int j00 = Index(x0, y0), j01 = Index(x0 + 1, y0), j10 = Index(x0, y0 + 1), j11 = Index(x0 + 1, y0 + 1);
                for (var c = 0; c < 3; c++)
                {
                    var sum = (j00 < 0 ? 0 : source[j00 + c] * w00) + (j01 < 0 ? 0 : source[j01 + c] * w01)
                        + (j10 < 0 ? 0 : source[j10 + c] * w10) + (j11 < 0 ? 0 : source[j11 + c] * w11);
                    pixel[c] = (byte)((sum + 512) >> 10);
                }
            }
        }
        return result;
    }

    int Index(int x, int y) => x < 0 || y < 0 || x >= Width || y >= Height ? -1 : (y * Width + x) * 3;
}
