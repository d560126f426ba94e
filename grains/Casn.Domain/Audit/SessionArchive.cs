using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Casn.Domain.Exams;
using Casn.Domain.Sessions;

namespace Casn.Domain.Audit;

/// <summary>
/// A finished sitting as it is archived: who, the final result, the whole audit chain, the certificate
/// code printed on the candidate's receipt, and the service's signature. No national ID, photo or
/// embedding is in it.
/// </summary>
public sealed record SessionArchive(
    int Format,
    string SessionKey,
    string ExamId,
    string ParticipantNo,
    string Name,
    FinalResult Result,
    IReadOnlyList<AuditEntry> Entries,
    string CertificateCode,
    string KeyId,
    string Signature)
{
    public const int CurrentFormat = 1;

    /// <summary>
    /// What the signature covers: the result and the chain head (which covers every entry). One line per
    /// fact, so any verifier, in any language, can rebuild it from the archive.
    /// </summary>
    public static string Statement(string sessionKey, FinalResult result, string certificateCode)
    {
        var scores = string.Join(";", result.Scores.Sections.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Section}={s.Score}")));
        // "none" where the exam has no passing rules: part of the v1 statement, so it stays as it is.
        var pass = result.Pass is null ? "none" : Casn.Domain.Scoring.PassingRules.Word(result.Pass);
        return string.Create(CultureInfo.InvariantCulture,
            $"casn-archive-v1\n{sessionKey}\n{result.ExamId}\n{result.ParticipantNo}\n{result.Reason}\n{result.FinishedAt.UtcDateTime:O}\n{scores};total={result.Scores.Total}\n{pass}\n{result.AuditHead}\n{certificateCode}");
    }

    /// <summary>The code on the receipt: 16 letters and digits from the head, grouped for reading aloud.</summary>
    public static string CertificateCodeFor(string auditHead)
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"; // no 0/O or 1/I to misread
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes("casn-certificate\n" + auditHead));
        var code = new StringBuilder(19);
        for (var i = 0; i < 16; i++)
        {
            if (i > 0 && i % 4 == 0) code.Append('-');
            code.Append(alphabet[bytes[i] % alphabet.Length]);
        }
        return code.ToString();
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static SessionArchive FromJson(string json) =>
        JsonSerializer.Deserialize<SessionArchive>(json, Json) ?? throw new InvalidDataException("The archive is empty.");

    static readonly JsonSerializerOptions Json = new(CasnJson.Options) { WriteIndented = true };
}

/// <summary>
/// Signs archives with ECDSA P-256 / SHA-256. The private key is the service's (<c>Casn:Archive:SigningKey</c>,
/// PKCS#8 in base64); the public key is published, so anyone can check an archive without trusting us.
/// </summary>
public sealed class ArchiveSigner : IDisposable
{
    readonly ECDsa _key;

    public ArchiveSigner(ECDsa key)
    {
        if (key.KeySize != 256) throw new ArgumentException("The archive signing key must be an EC P-256 key.");
        _key = key;
        PublicKeyPem = key.ExportSubjectPublicKeyInfoPem();
        KeyId = KeyIdOf(key.ExportSubjectPublicKeyInfo());
    }

    public static ArchiveSigner Create() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    public static ArchiveSigner FromPkcs8Base64(string base64, string settingName)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportPkcs8PrivateKey(Convert.FromBase64String(base64), out _);
        }
        catch (Exception error) when (error is FormatException or CryptographicException)
        {
            key.Dispose();
            throw new InvalidOperationException($"{settingName} must be an EC P-256 private key, PKCS#8, base64.", error);
        }
        return new ArchiveSigner(key);
    }

    public string PublicKeyPem { get; }

    public string KeyId { get; }

    public SessionArchive Archive(string sessionKey, string name, FinalResult result, IReadOnlyList<AuditEntry> entries)
    {
        var code = SessionArchive.CertificateCodeFor(result.AuditHead);
        var signature = _key.SignData(Encoding.UTF8.GetBytes(SessionArchive.Statement(sessionKey, result, code)), HashAlgorithmName.SHA256);
        return new SessionArchive(SessionArchive.CurrentFormat, sessionKey, result.ExamId, result.ParticipantNo, name, result, entries,
            code, KeyId, Convert.ToBase64String(signature));
    }

    /// <summary>Signs a statement (an announcement's) with the archive key: ECDSA P-256 over SHA-256 of its UTF-8 bytes.</summary>
    public byte[] SignStatement(string statement) => _key.SignData(Encoding.UTF8.GetBytes(statement), HashAlgorithmName.SHA256);

    public static string KeyIdOf(byte[] subjectPublicKeyInfo) => Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo))[..16];

    public void Dispose() => _key.Dispose();
}

/// <summary>Checks an archive as an outsider would: the chain, the head named by the result, the code and the signature.</summary>
public static class ArchiveVerifier
{
    public static AuditCheck Verify(SessionArchive archive, string publicKeyPem)
    {
        var chain = AuditChain.Verify(archive.ExamId, archive.ParticipantNo, archive.Entries, archive.Result.AuditHead);
        if (!chain.Intact) return chain;
        if (archive.Result.ExamId != archive.ExamId || archive.Result.ParticipantNo != archive.ParticipantNo)
            return new(false, null, "the result names another exam or participant than the archive");
        if (archive.CertificateCode != SessionArchive.CertificateCodeFor(archive.Result.AuditHead))
            return new(false, null, "the certificate code does not belong to this chain head");
        using var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(publicKeyPem);
        }
        catch (ArgumentException)
        {
            return new(false, null, "the public key is not a PEM EC public key");
        }
        if (ArchiveSigner.KeyIdOf(key.ExportSubjectPublicKeyInfo()) != archive.KeyId)
            return new(false, null, $"the archive was signed with key {archive.KeyId}, not with this public key");
        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(archive.Signature);
        }
        catch (FormatException)
        {
            return new(false, null, "the signature is not base64");
        }
        var statement = Encoding.UTF8.GetBytes(SessionArchive.Statement(archive.SessionKey, archive.Result, archive.CertificateCode));
        return key.VerifyData(statement, signature, HashAlgorithmName.SHA256)
            ? new(true, null, $"{chain.Message}; signature valid (key {archive.KeyId})")
            : new(false, null, "the signature does not match the result: the result, head, code or session key was changed");
    }
}
