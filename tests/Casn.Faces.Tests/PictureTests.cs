namespace Casn.Faces.Tests;

/// <summary>
/// The resampling the alignment runs on: OpenCV's warpAffine (8-bit, fixed point) and area averaging.
/// The embedding tests show the end result; these pin the arithmetic, edges included.
/// </summary>
public sealed class PictureTests
{
    static Picture Noise(int width, int height, int seed)
    {
        var picture = new Picture(width, height);
        new Random(seed).NextBytes(picture.Rgb);
        return picture;
    }

    [Fact]
    public void The_identity_warp_copies_the_picture()
    {
        using var source = Noise(112, 112, 1);
        using var warped = source.WarpSimilarity(1, 0, 0, 0, 112);
        Assert.Equal(source.Rgb.ToArray(), warped.Rgb.ToArray());
    }

    [Fact]
    public void A_half_pixel_warp_averages_neighbours_rounding_half_up_and_is_black_outside()
    {
        using var source = Noise(9, 7, 2);
        // Target x lands on source x + 0.5: the mean of source x and x + 1, as OpenCV's 1/32-pixel weights give.
        using var warped = source.WarpSimilarity(1, 0, -0.5, 0, 9);
        var (s, w) = (source.Rgb.ToArray(), warped.Rgb.ToArray());
        for (var y = 0; y < 7; y++)
            for (var x = 0; x < 8; x++)
                for (var c = 0; c < 3; c++)
                    Assert.Equal((s[(y * 9 + x) * 3 + c] + s[(y * 9 + x + 1) * 3 + c] + 1) >> 1, w[(y * 9 + x) * 3 + c]);
        // The last column's right tap is outside: half of it is black.
        for (var c = 0; c < 3; c++) Assert.Equal((s[(0 * 9 + 8) * 3 + c] + 1) >> 1, w[(0 * 9 + 8) * 3 + c]);
        // Rows 7 and 8 of the square lie wholly below the source.
        Assert.All(w[(7 * 9 * 3)..], value => Assert.Equal(0, value));
    }

    [Fact]
    public void A_rotated_warp_is_within_one_level_of_exact_bilinear_sampling()
    {
        using var source = Noise(60, 50, 3);
        var (a, b, tx, ty) = (0.7 * Math.Cos(0.3), 0.7 * Math.Sin(0.3), -5.25, 3.5);
        using var warped = source.WarpSimilarity(a, b, tx, ty, 40);
        var (s, w) = (source.Rgb.ToArray(), warped.Rgb.ToArray());
        var determinant = a * a + b * b;
        for (var y = 0; y < 40; y++)
            for (var x = 0; x < 40; x++)
            {
                var sx = (a * (x - tx) + b * (y - ty)) / determinant;
                var sy = (-b * (x - tx) + a * (y - ty)) / determinant;
                var (x0, y0) = ((int)Math.Floor(sx), (int)Math.Floor(sy));
                if (x0 < 0 || y0 < 0 || x0 + 1 >= 60 || y0 + 1 >= 50) continue;
                for (var c = 0; c < 3; c++)
                {
                    double Tap(int px, int py) => s[(py * 60 + px) * 3 + c];
                    var (fx, fy) = (sx - x0, sy - y0);
                    var exact = (Tap(x0, y0) * (1 - fx) + Tap(x0 + 1, y0) * fx) * (1 - fy) + (Tap(x0, y0 + 1) * (1 - fx) + Tap(x0 + 1, y0 + 1) * fx) * fy;
                    // 1/32-pixel positions move a tap by up to 1/64 pixel: up to 255/64 levels on random noise.
                    Assert.InRange(w[(y * 40 + x) * 3 + c], exact - 5, exact + 5);
                }
            }
    }

    [Theory]
    [InlineData(7, 5, 3, 2)]
    [InlineData(190, 190, 120, 120)]
    [InlineData(64, 48, 16, 16)]
    [InlineData(101, 37, 100, 36)]
    public void Area_shrinking_is_the_exact_area_mean_within_one_level(int width, int height, int targetWidth, int targetHeight)
    {
        using var source = Noise(width + 6, height + 4, width);
        // A region inside a larger picture, as the alignment shrinks one.
        using var shrunk = source.ResizeArea(4, 3, width, height, targetWidth, targetHeight);
        var s = source.Rgb.ToArray();
        var w = shrunk.Rgb.ToArray();
        double scaleX = (double)width / targetWidth, scaleY = (double)height / targetHeight;
        for (var ty = 0; ty < targetHeight; ty++)
            for (var tx = 0; tx < targetWidth; tx++)
                for (var c = 0; c < 3; c++)
                {
                    double sum = 0;
                    for (var y = 0; y < height; y++)
                    {
                        var coverY = Math.Min((ty + 1) * scaleY, y + 1) - Math.Max(ty * scaleY, y);
                        if (coverY <= 0) continue;
                        for (var x = 0; x < width; x++)
                        {
                            var coverX = Math.Min((tx + 1) * scaleX, x + 1) - Math.Max(tx * scaleX, x);
                            if (coverX > 0) sum += coverX * coverY * s[((y + 3) * (width + 6) + x + 4) * 3 + c];
                        }
                    }
                    var exact = sum / (scaleX * scaleY);
                    Assert.InRange(w[(ty * targetWidth + tx) * 3 + c], exact - 1, exact + 1);
                }
    }
}
