using static Casn.Faces.Tests.FaceEngineFixture;

namespace Casn.Faces.Tests;

public sealed class BadInputTests(FaceEngineFixture fixture) : IClassFixture<FaceEngineFixture>
{
    FaceEngine Engine => fixture.Engine;

    async Task<string?> ProblemOf(byte[] bytes) => (await Engine.AnalyzeAsync(bytes)).Problem;

    [Fact]
    public async Task Each_kind_of_bad_image_gets_its_own_code()
    {
        var jpeg = Photo("obama_1.jpg");
        Assert.Equal(FaceCodes.ImageEmpty, await ProblemOf([]));
        Assert.Equal(FaceCodes.ImageUnsupportedFormat, await ProblemOf("GIF89a not really a picture"u8.ToArray()));
        Assert.Equal(FaceCodes.ImageUnsupportedFormat, await ProblemOf(System.Text.Encoding.UTF8.GetBytes("{\"photo\": \"base64...\"}")));
        Assert.Equal(FaceCodes.ImageCorrupt, await ProblemOf(jpeg[..(jpeg.Length / 2)]));
        Assert.Equal(FaceCodes.ImageCorrupt, await ProblemOf(jpeg[..20]));
        Assert.Equal(FaceCodes.ImageTooManyPixels, await ProblemOf(Images.PngClaiming(60_000, 60_000)));
        Assert.Equal(FaceCodes.ImageTooSmall, await ProblemOf(Images.SolidPng(1, 1)));
        Assert.Equal(FaceCodes.ImageTooLarge, await ProblemOf([.. jpeg, .. new byte[9 * 1024 * 1024]]));
        Assert.Equal(FaceCodes.NoFace, await ProblemOf(Images.SolidPng(640, 480)));
    }

    [Fact]
    public async Task Garbage_inside_a_well_formed_jpeg_gets_an_answer_never_a_crash()
    {
        var jpeg = Photo("kit_harington_2.jpg");
        var random = new Random(7);
        for (var trial = 0; trial < 20; trial++)
        {
            var broken = (byte[])jpeg.Clone();
            var start = 600 + random.Next(broken.Length / 2);
            random.NextBytes(broken.AsSpan(start, Math.Min(4000, broken.Length - start - 2)));
            var analysis = await Engine.AnalyzeAsync(broken);
            // Either refused, or a face still found in what survived: both are answers, not crashes.
            Assert.True(analysis.Problem is null or FaceCodes.ImageCorrupt or FaceCodes.NoFace or FaceCodes.FaceTooSmall or FaceCodes.SeveralFaces or FaceCodes.FacePartial,
                analysis.Problem);
        }
    }

    [Fact]
    public void A_model_file_that_does_not_match_the_manifest_is_refused_by_name()
    {
        var directory = Directory.CreateTempSubdirectory("casn-models-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(ModelDirectory)) File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
            File.AppendAllText(Path.Combine(directory, "fr_feature.onnx"), "tampered");

            var error = Assert.Throws<FaceModelException>(() => FaceModelSet.Load(directory));
            Assert.Contains("fr_feature.onnx", error.Message);
            Assert.Contains("refusing to load it", error.Message);

            File.Delete(Path.Combine(directory, "fr_liveness.onnx"));
            File.Delete(Path.Combine(directory, "fr_feature.onnx"));
            Assert.Contains("fr_feature.onnx is missing", Assert.Throws<FaceModelException>(() => FaceModelSet.Load(directory)).Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
