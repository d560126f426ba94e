using System.CommandLine;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace Casn.Cli;

/// <summary>
/// <c>casn import candidates|photos|rosters</c>: a national selection's bulk data into a running cluster, in chunks over the
/// bulk endpoints. After each chunk the place reached is saved next to the source (<c>SOURCE.casn-import.json</c>), so an
/// import that stops (a network failure, Ctrl+C, a silo restart) goes on from there when the same command runs again.
/// The service's imports are idempotent too, so a chunk sent twice creates nothing twice. Refused lines go to a
/// machine-readable report (NDJSON, with the source's own line numbers).
/// </summary>
public static class ImportCommand
{
    public const string TokenVariable = "CASN_TOKEN";
    public const string UrlVariable = "CASN_URL";

    /// <summary>How the command reaches the service; tests give a client of an in-process host.</summary>
    public static Func<Uri, HttpClient> HttpClientFactory { get; set; } = url => new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(10) };

    /// <summary>How long an import waits on a service that does not answer before it stops (to be resumed).</summary>
    public static TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromMinutes(2);

    public static Command Command(TextWriter stdout, TextWriter stderr)
    {
        var url = new Option<Uri>("--url")
        {
            Description = $"The service (default ${UrlVariable}, else http://127.0.0.1:5080).",
            DefaultValueFactory = _ => new Uri(Environment.GetEnvironmentVariable(UrlVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : "http://127.0.0.1:5080"),
            CustomParser = result =>
            {
                if (Uri.TryCreate(result.Tokens[0].Value, UriKind.Absolute, out var address) && address.Scheme is "http" or "https") return address;
                result.AddError("--url must be the service's http(s) address, e.g. https://casn.example.id.");
                return null;
            },
        };
        var tokenFile = new Option<FileInfo?>("--token-file") { Description = $"A national (or, for rosters, Kanreg) operator token; default ${TokenVariable}. Never on the command line itself." };
        var report = new Option<FileInfo?>("--report") { Description = "Where refused lines are written as NDJSON (default SOURCE.refused.ndjson)." };
        var restart = new Option<bool>("--restart") { Description = "Start from the beginning even when an earlier run of this import stopped halfway." };

        Command Text(string kind, string description, int chunk)
        {
            var file = new Argument<FileInfo>("FILE") { Description = "CSV (a first line naming the columns) or NDJSON (.ndjson, .jsonl)." };
            var size = CasnCommand.Ranged("--chunk", "Lines per request.", chunk, 1, 100_000);
            var command = new Command(kind, description) { file, url, tokenFile, size, report, restart };
            command.SetAction((parsed, cancellationToken) => Run(parsed, stdout, stderr, tokenFile, url, new Job(kind, parsed.GetValue(file)!.FullName,
                parsed.GetValue(size), parsed.GetValue(report)?.FullName, parsed.GetValue(restart)), cancellationToken));
            return command;
        }

        var source = new Argument<FileSystemInfo>("DIR|ZIP") { Description = "A folder or a zip of photos named {participantNo}.jpg (or .jpeg, .png)." };
        var photoChunk = CasnCommand.Ranged("--chunk", "Photos per request.", 32, 1, 1000);
        var photos = new Command("photos", "Enrol registration photos: one per candidate, named by participant number. As fast as the cluster's face workers take them.")
            { source, url, tokenFile, photoChunk, report, restart };
        photos.SetAction((parsed, cancellationToken) => Run(parsed, stdout, stderr, tokenFile, url, new Job("photos", parsed.GetValue(source)!.FullName,
            parsed.GetValue(photoChunk), parsed.GetValue(report)?.FullName, parsed.GetValue(restart)), cancellationToken));

        return new Command("import", "Bulk imports into a running cluster, with progress, resumable, idempotent.")
        {
            Text("candidates", "Register candidates: columns participantNo,name,nationalId,birthDate,category,positionId,accessible,kanreg,site.", 1000),
            photos,
            Text("rosters", "Seat candidates in rooms that are set up: columns room,participantNo,seat.", 2000),
        };
    }

    /// <summary>One import as asked for: what, from where, how many lines a request, where refused lines go, and whether to start over.</summary>
    sealed record Job(string Kind, string Source, int Chunk, string? ReportPath, bool Restart)
    {
        public string StatePath => Source + ".casn-import.json";

        public string Report => ReportPath ?? Source + ".refused.ndjson";

        public string Endpoint => $"/api/imports/{Kind}";
    }

    static async Task<int> Run(ParseResult parsed, TextWriter stdout, TextWriter stderr, Option<FileInfo?> tokenFile, Option<Uri> url, Job job, CancellationToken cancellationToken)
    {
        var token = parsed.GetValue(tokenFile) is { } file
            ? file.Exists ? (await File.ReadAllTextAsync(file.FullName, cancellationToken)).Trim() : throw new ArgumentException($"No token file {file}.")
            : Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
            : throw new ArgumentException($"An operator token is needed: --token-file FILE, or ${TokenVariable}.");
        var items = Items.Of(job);
        var state = Progress.Load(job, items.Fingerprint);
        if (state.Next > 1) stderr.WriteLine($"Resuming {job.Kind} at {items.Unit} {state.Next} of {items.Count} ({job.StatePath}).");
        else if (File.Exists(job.Report)) File.Delete(job.Report);

        using var http = HttpClientFactory(parsed.GetValue(url)!);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stderr),
            Interactive = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected ? InteractionSupport.Yes : InteractionSupport.No,
        });
        var started = DateTimeOffset.UtcNow;
        var doneAtStart = state.Next - 1;
        string? stopped = null;
        await console.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                var bar = progress.AddTask(job.Kind, maxValue: Math.Max(1, items.Count));
                bar.Value = doneAtStart;
                void Show()
                {
                    var seconds = Math.Max(0.001, (DateTimeOffset.UtcNow - started).TotalSeconds);
                    var rate = (state.Next - 1 - doneAtStart) / seconds;
                    bar.Description = string.Create(CultureInfo.InvariantCulture,
                        $"{job.Kind} {state.Next - 1:N0}/{items.Count:N0} · {rate:N0}/s · refused {state.Refused:N0}");
                    bar.Value = state.Next - 1;
                }
                Show();
                try
                {
                    foreach (var chunk in items.Chunks(state.Next, job.Chunk))
                    {
                        var report = chunk.Content is null ? ServiceReport.Empty : await Send(http, job.Endpoint, chunk.Content, cancellationToken);
                        state.Add(report, chunk.SourceLineOf, chunk.Duplicates, job.Report);
                        state.Next = chunk.Next;
                        state.Save(job);
                        Show();
                    }
                }
                catch (ImportStoppedException error)
                {
                    stopped = error.Message;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    stopped = "interrupted";
                }
            });

        var table = new Table().AddColumns("", job.Kind).HideHeaders();
        table.AddRow(items.Unit + "s", items.Count.ToString("N0", CultureInfo.InvariantCulture));
        foreach (var (name, count) in new[] { ("created", state.Created), ("updated", state.Updated), ("unchanged", state.Unchanged), ("refused", state.Refused) })
            table.AddRow(name, count.ToString("N0", CultureInfo.InvariantCulture));
        console.Write(table);
        if (stopped is not null)
        {
            stderr.WriteLine($"Stopped at {items.Unit} {state.Next} of {items.Count}: {stopped}. Run the same command again to go on from there.");
            return 3;
        }
        File.Delete(job.StatePath);
        var seeReport = state.Refused > 0 ? $" (see {job.Report})" : "";
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{job.Kind}: {items.Count} {items.Unit}s, {state.Created} created, {state.Updated} updated, {state.Unchanged} unchanged, {state.Refused} refused{seeReport}"));
        return state.Refused == 0 ? 0 : 1;
    }

    /// <summary>Sends a chunk until the service answers it: what it says to retry (429, 503) is retried as it says, a silent service for a while.</summary>
    static async Task<ServiceReport> Send(HttpClient http, string endpoint, Func<HttpContent> content, CancellationToken cancellationToken)
    {
        var silentSince = (DateTimeOffset?)null;
        for (var attempt = 1; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                response = await http.PostAsync(endpoint, content(), cancellationToken);
            }
            catch (Exception error) when (error is HttpRequestException || error is TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                silentSince ??= DateTimeOffset.UtcNow;
                if (DateTimeOffset.UtcNow - silentSince > GiveUpAfter) throw new ImportStoppedException($"the service does not answer ({error.Message})");
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 10)), cancellationToken);
                continue;
            }
            using (response)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.IsSuccessStatusCode) return JsonSerializer.Deserialize<ServiceReport>(body, JsonSerializerOptions.Web)!;
                if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
                {
                    await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), cancellationToken);
                    continue;
                }
                throw new ImportStoppedException($"{(int)response.StatusCode} {ProblemText(body)}");
            }
        }
    }

    static string ProblemText(string body)
    {
        try
        {
            var problem = JsonDocument.Parse(body).RootElement;
            return $"{problem.GetProperty("code").GetString()}: {(problem.TryGetProperty("detail", out var detail) ? detail.GetString() : "")}";
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return body.Length > 200 ? body[..200] : body;
        }
    }

    sealed class ImportStoppedException(string message) : Exception(message);

    /// <summary>The service's answer (<c>ImportReport</c>).</summary>
    sealed record ServiceReport(int Lines, int Created, int Updated, int Unchanged, int Refused, ServiceLine[] Results)
    {
        public static readonly ServiceReport Empty = new(0, 0, 0, 0, 0, []);
    }

    sealed record ServiceLine(int Line, string? ParticipantNo, string Outcome, string? Code, string? Message);

    /// <summary>
    /// A request's worth of the source: its body (null when every unit of it is a duplicate), where the body's lines are in
    /// the source, where the next chunk starts, and the units it leaves out because an earlier one named the same
    /// participant. Duplicates are found over the whole source here: the service sees one chunk at a time.
    /// </summary>
    sealed record Chunk(Func<HttpContent>? Content, Func<int, int> SourceLineOf, int Next, IReadOnlyList<ServiceLine> Duplicates);

    /// <summary>Per unit (from 1), the unit that named its participant first when an earlier one did.</summary>
    static Dictionary<int, (int First, string ParticipantNo)> Duplicates(IEnumerable<(int Unit, string? ParticipantNo)> units)
    {
        var (first, duplicates) = (new Dictionary<string, int>(StringComparer.Ordinal), new Dictionary<int, (int, string)>());
        foreach (var (unit, participantNo) in units)
        {
            if (participantNo is null) continue;
            if (first.TryGetValue(participantNo, out var earlier)) duplicates[unit] = (earlier, participantNo);
            else first[participantNo] = unit;
        }
        return duplicates;
    }

    static ServiceLine Duplicate(int unit, (int First, string ParticipantNo) duplicate, string unitName) =>
        new(unit, duplicate.ParticipantNo, "refused", "import.duplicate_line", $"{unitName} {duplicate.First} already names {duplicate.ParticipantNo}.");

    /// <summary>The source as numbered units (a file's lines, or photos in name order) and how to cut it into chunks.</summary>
    abstract class Items
    {
        public abstract int Count { get; }

        public abstract string Unit { get; }

        /// <summary>Changes when the source changes: an import is resumed only on the source it stopped in.</summary>
        public abstract string Fingerprint { get; }

        public abstract IEnumerable<Chunk> Chunks(int from, int size);

        public static Items Of(Job job) => job.Kind == "photos" ? Photos.Of(job.Source) : new Lines(job.Source);
    }

    /// <summary>
    /// A CSV or NDJSON file. Every chunk of a CSV starts with the file's header; the service numbers the body's lines from 1,
    /// which maps back to the file's line numbers here.
    /// </summary>
    sealed class Lines : Items
    {
        readonly string _path;
        readonly bool _csv;
        readonly string[] _lines;

        public Lines(string path)
        {
            if (!File.Exists(path)) throw new ArgumentException($"No file {path}.");
            var extension = Path.GetExtension(path).ToLowerInvariant();
            _csv = extension switch
            {
                ".csv" => true,
                ".ndjson" or ".jsonl" => false,
                _ => throw new ArgumentException($"{path}: name the file .csv, .ndjson or .jsonl, as its format."),
            };
            _path = path;
            _lines = File.ReadAllLines(path);
            if (_csv && _lines.Length == 0) throw new ArgumentException($"{path} is empty: a CSV's first line names its columns.");
        }

        public override int Count => _lines.Length;

        public override string Unit => "line";

        public override string Fingerprint => $"{_path}|{new FileInfo(_path).Length}|{File.GetLastWriteTimeUtc(_path).Ticks}";

        public override IEnumerable<Chunk> Chunks(int from, int size)
        {
            var duplicates = Duplicates(Enumerable.Range(_csv ? 2 : 1, Math.Max(0, _lines.Length - (_csv ? 1 : 0))).Select(line => (line, ParticipantNoOf(line))));
            // A CSV's line 1 is its header, sent with every chunk: the first chunk starts after it.
            for (var start = Math.Max(from, _csv ? 2 : 1); start <= _lines.Length; start += size)
            {
                var end = Math.Min(_lines.Length, start + size - 1);
                var (sent, left) = (new List<int>(), new List<ServiceLine>());
                var body = new StringBuilder();
                if (_csv) body.Append(_lines[0]).Append('\n');
                for (var line = start; line <= end; line++)
                {
                    if (duplicates.TryGetValue(line, out var duplicate))
                    {
                        left.Add(Duplicate(line, duplicate, "Line"));
                        continue;
                    }
                    body.Append(_lines[line - 1]).Append('\n');
                    sent.Add(line);
                }
                var text = body.ToString();
                yield return new Chunk(sent.Count == 0 ? null : () => new StringContent(text, Encoding.UTF8, _csv ? "text/csv" : "application/x-ndjson"),
                    bodyLine => sent[_csv ? bodyLine - 2 : bodyLine - 1], end + 1, left);
            }
        }

        /// <summary>The participant a line names, as well as it can be read here (the service reads it properly).</summary>
        string? ParticipantNoOf(int line)
        {
            var text = _lines[line - 1];
            if (string.IsNullOrWhiteSpace(text)) return null;
            if (_csv)
            {
                _column ??= Array.FindIndex(Domain.Imports.Csv.Split(_lines[0]) ?? [], c => c.Equals("participantNo", StringComparison.OrdinalIgnoreCase));
                return _column >= 0 && Domain.Imports.Csv.Split(text) is { } fields && fields.Length > _column && fields[_column.Value].Length > 0 ? fields[_column.Value] : null;
            }
            try
            {
                using var json = JsonDocument.Parse(text);
                return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("participantNo", out var p)
                    && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        int? _column;
    }

    /// <summary>Photos from a folder or a zip, in name order; the n-th photo is unit n.</summary>
    sealed class Photos(string fingerprint, IReadOnlyList<(string Name, Func<byte[]> Read)> photos) : Items
    {
        static readonly string[] Extensions = [".jpg", ".jpeg", ".png"];

        public override int Count => photos.Count;

        public override string Unit => "photo";

        public override string Fingerprint => fingerprint;

        public static Photos Of(string source)
        {
            if (Directory.Exists(source))
            {
                var files = Directory.EnumerateFiles(source).Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                    .Order(StringComparer.Ordinal).ToList();
                var fingerprint = $"{source}|{files.Count}|{files.Sum(f => new FileInfo(f).Length)}";
                return new Photos(fingerprint, [.. files.Select(f => (Path.GetFileName(f), (Func<byte[]>)(() => File.ReadAllBytes(f))))]);
            }
            if (!File.Exists(source)) throw new ArgumentException($"No folder or zip {source}.");
            var zip = ZipFile.OpenRead(source);
            var entries = zip.Entries.Where(e => Extensions.Contains(Path.GetExtension(e.Name).ToLowerInvariant())).OrderBy(e => e.FullName, StringComparer.Ordinal).ToList();
            return new Photos($"{source}|{new FileInfo(source).Length}|{File.GetLastWriteTimeUtc(source).Ticks}",
                [.. entries.Select(e => (e.Name, (Func<byte[]>)(() =>
                {
                    using var read = e.Open();
                    using var bytes = new MemoryStream();
                    read.CopyTo(bytes);
                    return bytes.ToArray();
                })))]);
        }

        public override IEnumerable<Chunk> Chunks(int from, int size)
        {
            var duplicates = Duplicates(photos.Select((p, i) => (i + 1, (string?)Path.GetFileNameWithoutExtension(p.Name))));
            for (var start = from; start <= photos.Count; start += size)
            {
                var end = Math.Min(photos.Count, start + size - 1);
                var (sent, left) = (new List<int>(), new List<ServiceLine>());
                for (var unit = start; unit <= end; unit++)
                {
                    if (duplicates.TryGetValue(unit, out var duplicate)) left.Add(Duplicate(unit, duplicate, "Photo"));
                    else sent.Add(unit);
                }
                var batch = sent.Select(unit => (photos[unit - 1].Name, Bytes: photos[unit - 1].Read())).ToList();
                yield return new Chunk(batch.Count == 0 ? null : () =>
                {
                    var content = new MultipartFormDataContent();
                    foreach (var (name, bytes) in batch)
                        content.Add(new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } }, "photo", name);
                    return content;
                }, bodyLine => sent[bodyLine - 1], end + 1, left);
            }
        }
    }

    /// <summary>Where an import stands: the next unit to send and the counts so far. Saved after every chunk.</summary>
    sealed class Progress
    {
        public string Fingerprint { get; set; } = "";
        public int Next { get; set; } = 1;
        public int Created { get; set; }
        public int Updated { get; set; }
        public int Unchanged { get; set; }
        public int Refused { get; set; }

        public static Progress Load(Job job, string fingerprint)
        {
            if (job.Restart || !File.Exists(job.StatePath)) return new Progress { Fingerprint = fingerprint };
            var saved = JsonSerializer.Deserialize<Progress>(File.ReadAllText(job.StatePath), JsonSerializerOptions.Web);
            if (saved is null || saved.Fingerprint != fingerprint)
                throw new ArgumentException($"{job.Source} changed since the import that stopped halfway ({job.StatePath}): run with --restart to import it from the beginning.");
            return saved;
        }

        public void Add(ServiceReport report, Func<int, int> sourceLineOf, IReadOnlyList<ServiceLine> duplicates, string reportPath)
        {
            (Created, Updated, Unchanged, Refused) = (Created + report.Created, Updated + report.Updated, Unchanged + report.Unchanged,
                Refused + report.Refused + duplicates.Count);
            var refused = report.Results.Where(r => r.Outcome == "refused").Select(r => r with { Line = sourceLineOf(r.Line) }).Concat(duplicates)
                .OrderBy(r => r.Line)
                .Select(r => JsonSerializer.Serialize(new { line = r.Line, participantNo = r.ParticipantNo, code = r.Code, message = r.Message }, JsonSerializerOptions.Web))
                .ToList();
            if (refused.Count > 0) File.AppendAllLines(reportPath, refused);
        }

        /// <summary>Written aside and moved into place: a crash mid-write never leaves a state that cannot be read.</summary>
        public void Save(Job job)
        {
            File.WriteAllText(job.StatePath + ".tmp", JsonSerializer.Serialize(this, JsonSerializerOptions.Web));
            File.Move(job.StatePath + ".tmp", job.StatePath, overwrite: true);
        }
    }
}
