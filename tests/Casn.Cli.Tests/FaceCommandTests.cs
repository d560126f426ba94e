using Casn.Cli;
using static Casn.Cli.Tests.CliPaths;

namespace Casn.Cli.Tests;

public sealed class FaceCommandTests
{
    static async Task<(int Code, string[] Out, string Err)> Casn(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var code = await CasnCommand.RunAsync([.. args, "--models", ModelDirectory], stdout, stderr);
        return (code, stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), stderr.ToString());
    }

    [Fact]
    public async Task Face_compare_prints_one_line_per_pair_in_order_with_a_summary_on_stderr()
    {
        var pairs = Path.GetTempFileName();
        await File.WriteAllLinesAsync(pairs, ["file_x,file_y,label", "obama_1.jpg,obama_4.jpg,same", "kit_harington_1.jpg,rose_leslie_1.jpg,different", "biden_1.jpg,biden_2.jpg"]);
        try
        {
            var (code, lines, err) = await Casn("face", "compare", "--pairs", pairs, "--images", PhotoDirectory);

            Assert.Equal(0, code);
            Assert.Equal(3, lines.Length);
            Assert.Matches(@"^obama_1\.jpg,obama_4\.jpg,0\.\d{4},true$", lines[0]);
            Assert.Matches(@"^kit_harington_1\.jpg,rose_leslie_1\.jpg,-?0\.\d{4},false$", lines[1]);
            Assert.Matches(@"^biden_1\.jpg,biden_2\.jpg,0\.\d{4},true$", lines[2]);
            Assert.Contains("3 pairs, 3 compared, 2 match, 1 do not, 0 not comparable; threshold 0.41", err);
        }
        finally
        {
            File.Delete(pairs);
        }
    }

    [Fact]
    public async Task Face_compare_says_which_images_could_not_be_compared_and_why()
    {
        var pairs = Path.GetTempFileName();
        await File.WriteAllLinesAsync(pairs, ["missing.jpg,obama_1.jpg"]);
        try
        {
            var (code, lines, err) = await Casn("face", "compare", "--pairs", pairs, "--images", PhotoDirectory);
            Assert.Equal(1, code);
            Assert.Equal(["missing.jpg,obama_1.jpg,,false"], lines);
            Assert.Contains("missing.jpg: file.not_found", err);
        }
        finally
        {
            File.Delete(pairs);
        }
    }

    [Fact]
    public async Task Face_check_reports_faces_quality_and_liveness()
    {
        var (code, lines, _) = await Casn("face", "check", Path.Combine(PhotoDirectory, "multi_two_people.jpg"));
        Assert.Equal(1, code);
        Assert.Contains("faces: 2", lines);
        Assert.Contains("quality: face.several", lines);
        Assert.Contains(lines, l => l.StartsWith("liveness: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Wrong_usage_explains_itself_with_exit_code_2()
    {
        Assert.Equal(2, (await Casn("face", "compare", "--images", PhotoDirectory)).Code);
        var nonsense = await Casn("nonsense");
        Assert.Equal(2, nonsense.Code);
        Assert.Contains("'nonsense'", nonsense.Err);
        Assert.Contains("See 'casn --help'", nonsense.Err);
        Assert.Contains("--threshold must be", (await Casn("face", "check", Path.Combine(PhotoDirectory, "obama_1.jpg"), "--threshold", "7")).Err);
    }
}
