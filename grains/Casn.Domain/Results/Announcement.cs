using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Casn.Domain.Audit;
using Casn.Domain.Exams;

namespace Casn.Domain.Results;

/// <summary>One public line of an announcement: no NIK, no photo; the certificate code ties it to a signed session archive.</summary>
public sealed record AnnouncementRow(int? Rank, string ParticipantNo, string Name, int[] SectionScores, int Total, string Status, bool Shortlisted, string CertificateCode);

/// <summary>
/// A position's results as announced: a frozen, versioned snapshot of the SKD standing, signed with the archive key
/// (<see cref="ArchiveSigner"/>), so anyone with the published public key can check it, and check each row against the
/// candidate's own signed archive.
/// </summary>
public sealed record Announcement(
    int Format,
    string ExamId,
    string PositionId,
    string Agency,
    string Title,
    int Openings,
    int Version,
    DateTimeOffset At,
    string[] Sections,
    IReadOnlyList<AnnouncementRow> Rows,
    string KeyId,
    string Signature)
{
    public const int CurrentFormat = 1;

    /// <summary>The rows of a standing, in its order: ranked, then failed, disqualified and absent.</summary>
    public static IReadOnlyList<AnnouncementRow> RowsOf(IReadOnlyList<StandingRow> standing, string[] sections) =>
        [.. standing.Select(r => new AnnouncementRow(r.Rank, r.ParticipantNo, r.Result.Name, r.ScoresIn(sections),
            r.Result.Scores.Total, r.StatusName, r.Shortlisted, r.Result.CertificateCode))];

    /// <summary>
    /// What the signature covers, one fact per line so that a verifier in any language can rebuild it. Free text (agency,
    /// title, names) is percent-encoded (RFC 3986, UTF-8), so no name can break a line or forge a field.
    /// </summary>
    public string Statement()
    {
        static string Text(string value) => Uri.EscapeDataString(value);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"casn-announcement-v1\n{ExamId}\n{PositionId}\n{Text(Agency)}\n{Text(Title)}\n{Openings}\n{Version}\n{At.UtcDateTime:O}\n{string.Join(',', Sections)}\n{Rows.Count}\n");
        foreach (var row in Rows)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{(row.Rank is { } rank ? rank.ToString(CultureInfo.InvariantCulture) : "-")} {row.ParticipantNo} {Text(row.Name)} {string.Join(',', row.SectionScores)} {row.Total} {row.Status} {(row.Shortlisted ? "shortlisted" : "-")} {(row.CertificateCode.Length == 0 ? "-" : row.CertificateCode)}\n");
        }
        return text.ToString();
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>
    /// The rows as CSV for spreadsheets: <c>rank,participantNo,name,{sections},total,status,shortlisted,certificateCode</c>. Fields are
    /// quoted when needed, and text that a spreadsheet would run as a formula (=, +, -, @, tab, CR) is prefixed with '.
    /// The signed JSON is the record; this is a convenience copy of it.
    /// </summary>
    public string ToCsv()
    {
        static string Field(string value)
        {
            if (value.Length > 0 && "=+-@\t\r".Contains(value[0])) value = "'" + value;
            return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
        }
        var csv = new StringBuilder();
        csv.Append("rank,participantNo,name,").AppendJoin(',', Sections.Select(Field)).Append(",total,status,shortlisted,certificateCode\n");
        foreach (var row in Rows)
        {
            csv.Append(row.Rank?.ToString(CultureInfo.InvariantCulture) ?? "").Append(',').Append(Field(row.ParticipantNo)).Append(',').Append(Field(row.Name));
            foreach (var score in Sections.Select((_, i) => i < row.SectionScores.Length ? row.SectionScores[i].ToString(CultureInfo.InvariantCulture) : ""))
                csv.Append(',').Append(score);
            csv.Append(CultureInfo.InvariantCulture, $",{row.Total},{row.Status},{(row.Shortlisted ? "yes" : "")},{row.CertificateCode}\n");
        }
        return csv.ToString();
    }

    public static Announcement FromJson(string json) =>
        JsonSerializer.Deserialize<Announcement>(json, Json) ?? throw new InvalidDataException("The announcement is empty.");

    static readonly JsonSerializerOptions Json = new(CasnJson.Options) { WriteIndented = true };
}

public static class AnnouncementSigning
{
    /// <summary>Signs an unsigned announcement (its key id and signature are filled in).</summary>
    public static Announcement Sign(this ArchiveSigner signer, Announcement unsigned)
    {
        var withKey = unsigned with { KeyId = signer.KeyId, Signature = "" };
        return withKey with { Signature = Convert.ToBase64String(signer.SignStatement(withKey.Statement())) };
    }
}

/// <summary>
/// Checks an announcement as an outsider would: its signature against the published key, and, when archives are at hand,
/// that every row with a certificate is the candidate's own signed archive (same participant, same total, intact).
/// </summary>
public static class AnnouncementVerifier
{
    public static AuditCheck Verify(Announcement announcement, string publicKeyPem, Func<string, SessionArchive?>? archiveByCertificate = null)
    {
        using var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(publicKeyPem);
        }
        catch (ArgumentException)
        {
            return new(false, null, "the public key is not a PEM EC public key");
        }
        if (ArchiveSigner.KeyIdOf(key.ExportSubjectPublicKeyInfo()) != announcement.KeyId)
            return new(false, null, $"the announcement was signed with key {announcement.KeyId}, not with this public key");
        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(announcement.Signature);
        }
        catch (FormatException)
        {
            return new(false, null, "the signature is not base64");
        }
        if (!key.VerifyData(Encoding.UTF8.GetBytes(announcement.Statement()), signature, HashAlgorithmName.SHA256))
            return new(false, null, "the signature does not match: a row, a score, a rank or the position was changed");
        if (archiveByCertificate is null)
            return new(true, null, $"signature valid (key {announcement.KeyId}); {announcement.Rows.Count} rows; archives not checked");

        var checkedRows = 0;
        for (var i = 0; i < announcement.Rows.Count; i++)
        {
            var row = announcement.Rows[i];
            if (row.CertificateCode.Length == 0)
                return new(false, i + 1, $"row {i + 1} ({row.ParticipantNo}): no certificate code, so no archive stands behind it");
            if (archiveByCertificate(row.CertificateCode) is not { } archive)
                return new(false, i + 1, $"row {i + 1} ({row.ParticipantNo}): no archive with certificate {row.CertificateCode}");
            var archiveCheck = ArchiveVerifier.Verify(archive, publicKeyPem);
            if (!archiveCheck.Intact)
                return new(false, i + 1, $"row {i + 1} ({row.ParticipantNo}): its archive does not verify: {archiveCheck.Message}");
            if (archive.ParticipantNo != row.ParticipantNo || archive.ExamId != announcement.ExamId || archive.Result.Scores.Total != row.Total
                || archive.CertificateCode != row.CertificateCode)
                return new(false, i + 1, $"row {i + 1} ({row.ParticipantNo}): the archive with its certificate is another candidate's or another score");
            // The status follows from the archive as the ranking worked it out: a "passed" row cannot stand on a failed,
            // absent or disqualified sitting.
            var archived = Selection.StatusOf(new SittingResult(archive.ParticipantNo, archive.Name, "", archive.Result.Scores, archive.Result.Pass,
                archive.Result.Reason, archive.CertificateCode));
            if (!string.Equals(archived.ToString(), row.Status, StringComparison.OrdinalIgnoreCase))
                return new(false, i + 1, $"row {i + 1} ({row.ParticipantNo}): the row says {row.Status} but the signed archive says {archived.ToString().ToLowerInvariant()}");
            checkedRows++;
        }
        return new(true, null, $"signature valid (key {announcement.KeyId}); {announcement.Rows.Count} rows; {checkedRows} checked against their signed archives");
    }
}
