using Casn.Domain.Audit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Casn.Grains;

/// <summary>Session rules from configuration section <c>Casn:Sessions</c>.</summary>
public sealed class SessionOptions
{
    public const string Section = "Casn:Sessions";

    /// <summary>A workstation silent this long has its clock stopped until it is heard from again.</summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Answers and changes one sitting may send; a bound on state size against a broken client.</summary>
    public int MaxAnswers { get; set; } = 2000;

    /// <summary>
    /// The highest <see cref="MaxAnswers"/>: a sitting's answers and events are numbered in one chain, and the answer log
    /// keeps an answer's number in 26 bits (below 67 million).
    /// </summary>
    public const int MaxAnswersLimit = 1_000_000;

    public int MaxPinAttempts { get; set; } = 5;

    /// <summary>Average time between in-exam face checks (each at a random moment); zero turns them off.</summary>
    public TimeSpan FaceCheckEvery { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Frames in a row without a usable face before the session is suspended.</summary>
    public int FaceMissesAllowed { get; set; } = 3;

    /// <summary>How long a due camera frame may be late before it counts as a frame without a face.</summary>
    public TimeSpan FaceCheckGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A silence shorter than this resumes on its own when contact returns; a longer one waits for the proctor.</summary>
    public TimeSpan AutoResumeWithin { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Silence given back without a proctor, in all, per sitting; beyond it the sitting waits for the proctor.</summary>
    public TimeSpan MaxCreditedPause { get; set; } = TimeSpan.FromHours(3);

    /// <summary>
    /// How long a finished sitting's live log is kept once its signed archive is stored: its result, receipt and
    /// proctor view read from it meanwhile; after it, the archive and the certificate are the record.
    /// </summary>
    public TimeSpan ArchivedRetention { get; set; } = TimeSpan.FromDays(7);

    public SessionRules ToRules() => new(HeartbeatTimeout, MaxAnswers, MaxPinAttempts)
    {
        FaceCheckEvery = FaceCheckEvery,
        FaceMissesAllowed = FaceMissesAllowed,
        FaceCheckGrace = FaceCheckGrace,
        AutoResumeWithin = AutoResumeWithin,
        MaxCreditedPause = MaxCreditedPause,
    };
}

/// <summary>Room rules from configuration section <c>Casn:Rooms</c>.</summary>
public sealed class RoomOptions
{
    public const string Section = "Casn:Rooms";

    /// <summary>PIN issuance at check-in closes this long before the session starts.</summary>
    public TimeSpan CheckInClosesBeforeStart { get; set; } = TimeSpan.FromMinutes(5);

    public int MaxSeats { get; set; } = 1000;
}

/// <summary>Result archive settings (<c>Casn:Archive</c>).</summary>
public sealed class ArchiveOptions
{
    public const string Section = "Casn:Archive";

    /// <summary>EC P-256 private key, PKCS#8, base64. Without one, a key lives as long as the process (embedded default only).</summary>
    public string? SigningKey { get; set; }
}
