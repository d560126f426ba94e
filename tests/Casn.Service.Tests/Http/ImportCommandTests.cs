using System.Text.Json;
using Casn.Cli;
using Casn.Service.Tests.Support;
using static Casn.Service.Tests.Http.HttpExamDay;

namespace Casn.Service.Tests.Http;

/// <summary>#18: <c>casn import</c> against a running service: chunks, a report of refused lines, and a resume after a stop.</summary>
[Collection(SiloCollection.Name)]
public sealed class ImportCommandTests(SiloFactory factory) : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("casn-import-").FullName;

    public void Dispose()
    {
        ImportCommand.HttpClientFactory = url => new HttpClient { BaseAddress = url };
        ImportCommand.GiveUpAfter = TimeSpan.FromMinutes(2);
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Counts the requests, and fails every one after the first <see cref="FailAfter"/> as a dropped network would.</summary>
    sealed class Network : DelegatingHandler
    {
        public int Sent;
        public int FailAfter = int.MaxValue;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref Sent) > FailAfter ? throw new HttpRequestException("connection reset (test)") : base.SendAsync(request, cancellationToken);
    }

    async Task<(int Code, string Out, string Err)> Casn(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var code = await CasnCommand.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task An_import_that_stops_halfway_goes_on_from_where_it_stopped_and_reports_refused_lines_by_their_line_in_the_file()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 0);
        var lines = new List<string> { "participantNo,name,nationalId,birthDate,category,positionId,accessible,kanreg,site" };
        for (var n = 1; n <= 25; n++)
        {
            lines.Add($"{day.ParticipantNo(n)},Peserta {n},{NationalId(n)},1999-02-03,general,POS-9,false,{HttpExamDay.Kanreg},{day.Site}");
            if (n == 4) lines.Add($"{day.ParticipantNo(90)},Peserta,123,1999-02-03,general,POS-9,false,{HttpExamDay.Kanreg},");   // line 6
            if (n == 17) lines.Add($"{day.ParticipantNo(3)},Peserta 3 lagi,{NationalId(3)},1999-02-03,general,POS-9,false,{HttpExamDay.Kanreg},"); // line 20
        }
        var file = Path.Combine(_folder, "candidates.csv");
        await File.WriteAllLinesAsync(file, lines);
        var tokenFile = Path.Combine(_folder, "token");
        await File.WriteAllTextAsync(tokenFile, TestStaff.NationalOperator());

        // The network drops after the first chunk of ten: the command stops, says where, and keeps its place.
        var network = new Network { FailAfter = 1 };
        ImportCommand.HttpClientFactory = _ => factory.CreateDefaultClient(network);
        ImportCommand.GiveUpAfter = TimeSpan.Zero;
        string[] command = ["import", "candidates", file, "--url", "http://localhost", "--token-file", tokenFile, "--chunk", "10"];
        var stopped = await Casn(command);
        Assert.Equal(3, stopped.Code);
        Assert.Contains("Stopped at line 12 of 28", stopped.Err);
        Assert.True(File.Exists(file + ".casn-import.json"));
        Assert.Equal(200, (int)(await day.Operator.GetAsync($"/api/candidates/{day.ParticipantNo(9)}")).StatusCode);
        Assert.Equal(404, (int)(await day.Operator.GetAsync($"/api/candidates/{day.ParticipantNo(10)}")).StatusCode);

        // Run again: only the rest is sent (two chunks), and the totals cover the whole file.
        network = new Network();
        ImportCommand.HttpClientFactory = _ => factory.CreateDefaultClient(network);
        var resumed = await Casn(command);
        Assert.Contains("Resuming candidates at line 12 of 28", resumed.Err);
        Assert.Equal(2, network.Sent);
        Assert.Equal(1, resumed.Code);
        Assert.Contains("candidates: 28 lines, 25 created, 0 updated, 0 unchanged, 2 refused", resumed.Out);
        Assert.False(File.Exists(file + ".casn-import.json"));
        var refused = (await File.ReadAllLinesAsync(file + ".refused.ndjson")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([(6, "candidate.invalid"), (20, "import.duplicate_line")],
            refused.Select(r => (r.GetProperty("line").GetInt32(), r.GetProperty("code").GetString())));
        Assert.Equal(200, (int)(await day.Operator.GetAsync($"/api/candidates/{day.ParticipantNo(25)}")).StatusCode);

        // The whole file once more from the start: nothing created twice.
        ImportCommand.HttpClientFactory = _ => factory.CreateClient();
        var again = await Casn([.. command, "--restart"]);
        Assert.Contains("candidates: 28 lines, 0 created, 0 updated, 25 unchanged, 2 refused", again.Out);
    }

    [Fact]
    public async Task Photos_from_a_folder_are_enrolled_and_a_second_run_finds_them_there()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 2);
        var photos = Directory.CreateDirectory(Path.Combine(_folder, "photos")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(photos, day.ParticipantNo(1) + ".jpg"), TestPhotos.Bytes("kit_harington_1.jpg"));
        await File.WriteAllBytesAsync(Path.Combine(photos, day.ParticipantNo(2) + ".jpg"), TestPhotos.Bytes("biden_1.jpg"));
        await File.WriteAllTextAsync(Path.Combine(photos, "notes.txt"), "not a photo: passed over");
        ImportCommand.HttpClientFactory = _ => factory.CreateClient();
        Environment.SetEnvironmentVariable(ImportCommand.TokenVariable, TestStaff.NationalOperator());
        try
        {
            var first = await Casn("import", "photos", photos, "--url", "http://localhost");
            Assert.Equal(0, first.Code);
            Assert.Contains("photos: 2 photos, 2 created, 0 updated, 0 unchanged, 0 refused", first.Out);
            var second = await Casn("import", "photos", photos, "--url", "http://localhost");
            Assert.Contains("photos: 2 photos, 0 created, 0 updated, 2 unchanged, 0 refused", second.Out);
        }
        finally
        {
            Environment.SetEnvironmentVariable(ImportCommand.TokenVariable, null);
        }
    }

    [Fact]
    public async Task Help_and_mistakes_are_plain_messages_with_their_exit_codes()
    {
        var help = await Casn("import", "candidates", "--help");
        Assert.Equal(0, help.Code);
        Assert.Contains("--chunk", help.Out);
        Assert.Contains("--token-file", help.Out);

        var missing = await Casn("import", "candidates");
        Assert.Equal(2, missing.Code);
        Assert.Contains("'candidates'", missing.Err);
        Assert.Contains("casn import candidates --help", missing.Err);

        var badChunk = await Casn("import", "rosters", "x.csv", "--chunk", "0");
        Assert.Equal((2, true), (badChunk.Code, badChunk.Err.Contains("--chunk must be 1-100000", StringComparison.Ordinal)));

        var noFile = await Casn("import", "photos", Path.Combine(_folder, "nowhere"), "--token-file", Path.Combine(_folder, "nowhere"));
        Assert.Equal(2, noFile.Code);
        Assert.Contains("No token file", noFile.Err);

        var tokenFile = Path.Combine(_folder, "token");
        await File.WriteAllTextAsync(tokenFile, TestStaff.NationalOperator());
        var wrongFormat = await Casn("import", "candidates", tokenFile, "--token-file", tokenFile);
        Assert.Equal(2, wrongFormat.Code);
        Assert.Contains("name the file .csv, .ndjson or .jsonl", wrongFormat.Err);

        // A token the service refuses stops the import with the service's own words, not a stack trace.
        var file = Path.Combine(_folder, "c.csv");
        await File.WriteAllLinesAsync(file, ["participantNo,name,nationalId,birthDate,category,positionId,kanreg", "P1,A,1234567890123456,1999-01-01,general,POS-9,K"]);
        await File.WriteAllTextAsync(tokenFile, TestStaff.Operator("KANREG-H"));
        ImportCommand.HttpClientFactory = _ => factory.CreateClient();
        var forbidden = await Casn("import", "candidates", file, "--token-file", tokenFile, "--url", "http://localhost");
        Assert.Equal(3, forbidden.Code);
        Assert.Contains("403 auth.forbidden", forbidden.Err);
        Assert.DoesNotContain("   at ", forbidden.Err);
    }
}
