namespace Casn.Domain.Imports;

/// <summary>
/// One line of CSV (RFC 4180, comma-separated): fields may be quoted, with <c>""</c> for a quote inside. A field
/// never spans lines: registrations, rosters and scores have no line breaks in their values.
/// </summary>
public static class Csv
{
    /// <summary>The line's fields, trimmed outside quotes; null when a quote is not closed or text follows a closing quote.</summary>
    public static string[]? Split(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var i = 0;
        while (true)
        {
            while (i < line.Length && line[i] == ' ') i++;
            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= line.Length) return null;
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                        i++;
                        break;
                    }
                    field.Append(line[i++]);
                }
                while (i < line.Length && line[i] == ' ') i++;
                if (i < line.Length && line[i] != ',') return null;
            }
            else
            {
                var start = i;
                while (i < line.Length && line[i] != ',') i++;
                field.Append(line.AsSpan(start, i - start).TrimEnd());
            }
            fields.Add(field.ToString());
            field.Clear();
            if (i >= line.Length) return [.. fields];
            i++; // the comma
        }
    }

    /// <summary>A field written so that <see cref="Split"/> reads it back: quoted when it holds a comma, a quote or edge spaces.</summary>
    public static string Field(string? value) =>
        value is null ? ""
        : value.Contains(',') || value.Contains('"') || value.StartsWith(' ') || value.EndsWith(' ') ? "\"" + value.Replace("\"", "\"\"") + "\""
        : value;
}
