using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Casn.Domain;
using Casn.Domain.Imports;

namespace Casn.Silo.Http;

/// <summary>One line of an import's outcome, as the report gives it; <c>code</c> and <c>message</c> only when refused.</summary>
public sealed record ImportLine(int Line, string? ParticipantNo, ImportOutcome Outcome, string? Code = null, string? Message = null);

/// <summary>
/// What a bulk import did, line by line (in line order) and in total. Re-sending the same request gives the same report
/// with <c>unchanged</c> for everything that was created or updated the first time.
/// </summary>
public sealed record ImportReport(int Lines, int Created, int Updated, int Unchanged, int Refused, ImportLine[] Results)
{
    public static ImportReport Of(IEnumerable<ImportLine> lines)
    {
        var ordered = lines.OrderBy(l => l.Line).ToArray();
        int Count(ImportOutcome outcome) => ordered.Count(l => l.Outcome == outcome);
        return new(ordered.Length, Count(ImportOutcome.Created), Count(ImportOutcome.Updated), Count(ImportOutcome.Unchanged),
            Count(ImportOutcome.Refused), ordered);
    }
}

/// <summary>A line of an import file: its number (from 1, counting every line) and its text.</summary>
public readonly record struct RawLine(int Number, string? Text)
{
    /// <summary>Too long to be a record of this file: refused without keeping it.</summary>
    public bool TooLong => Text is null;
}

/// <summary>
/// Reads an import body as lines (NDJSON or CSV), without ever holding more than one line: a line over
/// <see cref="MaxLineChars"/> is skipped to its end and given as <see cref="RawLine.TooLong"/>. Blank lines are skipped
/// but counted, so that line numbers are the file's.
/// </summary>
public static class ImportLines
{
    public const string Ndjson = "application/x-ndjson";
    public const string Csv = "text/csv";
    public const int MaxLineChars = 16 * 1024;

    public static async IAsyncEnumerable<RawLine> Read(Stream body, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: true);
        var buffer = new char[64 * 1024];
        var line = new StringBuilder();
        var (number, tooLong) = (0, false);
        int read;
        while ((read = await reader.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] != '\n') continue;
                Append(buffer.AsSpan(start, i - start));
                number++;
                if (Take() is { } done) yield return done with { Number = number };
                start = i + 1;
            }
            Append(buffer.AsSpan(start, read - start));
        }
        number++;
        if (Take() is { } last) yield return last with { Number = number };

        void Append(ReadOnlySpan<char> text)
        {
            if (tooLong) return;
            if (line.Length + text.Length <= MaxLineChars) line.Append(text);
            else
            {
                tooLong = true;
                line.Clear();
            }
        }

        // The line read so far as a record: null when blank; a too-long line has no text.
        RawLine? Take()
        {
            var text = tooLong ? null : line.ToString().TrimEnd('\r');
            tooLong = false;
            line.Clear();
            return text is not null && string.IsNullOrWhiteSpace(text) ? null : new RawLine(0, text);
        }
    }

    public static Fault TooLongLine() => Faults.Of(ErrorCodes.ImportLineInvalid, $"The line is longer than {MaxLineChars} characters.");

    /// <summary>
    /// The fields of each record line by name: a CSV file's first line names its columns (any order, names as in the JSON
    /// form); an NDJSON line is one object. <paramref name="known"/> lists the columns a CSV may have; <paramref name="required"/>
    /// those it must.
    /// </summary>
    public static async IAsyncEnumerable<Record> Records(Stream body, bool csv, string[] known, string[] required,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string[]? columns = null;
        await foreach (var raw in Read(body, cancellationToken))
        {
            if (raw.TooLong)
            {
                yield return new Record(raw.Number, null, TooLongLine());
                continue;
            }
            if (!csv)
            {
                yield return FromJson(raw);
                continue;
            }
            var fields = Domain.Imports.Csv.Split(raw.Text!);
            if (columns is null)
            {
                columns = fields ?? [];
                var unknown = columns.Where(c => !known.Contains(c, StringComparer.OrdinalIgnoreCase)).ToList();
                var missing = required.Where(r => !columns.Contains(r, StringComparer.OrdinalIgnoreCase)).ToList();
                if (unknown.Count > 0 || missing.Count > 0 || columns.Distinct(StringComparer.OrdinalIgnoreCase).Count() != columns.Length)
                    throw new ImportHeaderException(
                        $"The CSV's first line must name its columns, each once: {string.Join(",", known)} ({string.Join(", ", required)} required)." +
                        (unknown.Count > 0 ? $" Unknown: {string.Join(", ", unknown)}." : "") + (missing.Count > 0 ? $" Missing: {string.Join(", ", missing)}." : ""));
                continue;
            }
            if (fields is null || fields.Length != columns.Length)
            {
                yield return new Record(raw.Number, null, Faults.Of(ErrorCodes.ImportLineInvalid,
                    fields is null ? "A quoted field is not closed." : $"The line has {fields.Length} fields; the header names {columns.Length}."));
                continue;
            }
            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < columns.Length; i++) values[columns[i]] = fields[i];
            yield return new Record(raw.Number, values, null);
        }
        if (csv && columns is null) throw new ImportHeaderException($"The CSV is empty: its first line must name its columns ({string.Join(",", known)}).");
    }

    static Record FromJson(RawLine raw)
    {
        try
        {
            using var document = JsonDocument.Parse(raw.Text!);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return new Record(raw.Number, null, Faults.Of(ErrorCodes.ImportLineInvalid, "Each line must be one JSON object."));
            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                values[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString()!,
                    JsonValueKind.Null => "",
                    _ => property.Value.GetRawText(),
                };
            }
            return new Record(raw.Number, values, null);
        }
        catch (JsonException error)
        {
            return new Record(raw.Number, null, Faults.Of(ErrorCodes.ImportLineInvalid, $"Not JSON: {error.Message}"));
        }
    }

    /// <summary>A record line: its fields by name, or why it could not be read.</summary>
    public sealed record Record(int Line, Dictionary<string, string>? Fields, Fault? Fault)
    {
        public string? this[string name] => Fields?.GetValueOrDefault(name) is { Length: > 0 } value ? value : null;
    }
}

/// <summary>A CSV whose first line does not name the columns the import reads: the whole body is refused (request.invalid).</summary>
public sealed class ImportHeaderException(string message) : Exception(message);
