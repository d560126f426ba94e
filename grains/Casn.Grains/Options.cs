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

public static class GrainServices
{
    /// <summary>What every silo needs to host the Casn grains: options (validated at start-up), clock, exam cache.</summary>
    public static IServiceCollection AddCasnGrains(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SessionOptions>().Bind(configuration.GetSection(SessionOptions.Section))
            .Validate(o => o.HeartbeatTimeout > TimeSpan.Zero, $"{SessionOptions.Section}:HeartbeatTimeout must be positive.")
            .Validate(o => o.MaxAnswers > 0, $"{SessionOptions.Section}:MaxAnswers must be positive.")
            .Validate(o => o.MaxPinAttempts > 0, $"{SessionOptions.Section}:MaxPinAttempts must be positive.")
            .Validate(o => o.FaceCheckEvery >= TimeSpan.Zero && o.FaceMissesAllowed > 0, $"{SessionOptions.Section}:FaceCheckEvery must not be negative and FaceMissesAllowed must be positive.")
            .Validate(o => o.AutoResumeWithin >= TimeSpan.Zero && o.MaxCreditedPause >= TimeSpan.Zero,
                $"{SessionOptions.Section}:AutoResumeWithin and MaxCreditedPause must not be negative.")
            .Validate(o => o.ArchivedRetention > TimeSpan.Zero, $"{SessionOptions.Section}:ArchivedRetention must be positive.")
            .ValidateOnStart();
        services.AddOptions<RoomOptions>().Bind(configuration.GetSection(RoomOptions.Section))
            .Validate(o => o.CheckInClosesBeforeStart >= TimeSpan.Zero, $"{RoomOptions.Section}:CheckInClosesBeforeStart must not be negative.")
            .Validate(o => o.MaxSeats > 0, $"{RoomOptions.Section}:MaxSeats must be positive.")
            .ValidateOnStart();
        services.AddOptions<Casn.Faces.FaceOptions>().Bind(configuration.GetSection(Casn.Faces.FaceOptions.Section))
            .Validate(o => o.MatchThreshold is > -1 and < 1, $"{Casn.Faces.FaceOptions.Section}:MatchThreshold must be between -1 and 1.")
            .Validate(o => o.Workers is null or >= 0 && o.QueuePerWorker >= 0, $"{Casn.Faces.FaceOptions.Section}:Workers and QueuePerWorker must not be negative.")
            .ValidateOnStart();
        services.AddSingleton<FaceVerification>();
        services.AddSingleton<IOutgoingGrainCallFilter, ResendOnSiloLoss>();
        // A silo without face workers does not host the face pool: its checks are placed on silos that do.
        if (configuration.GetSection(Casn.Faces.FaceOptions.Section).Get<Casn.Faces.FaceOptions>() is { Workers: 0 })
            services.PostConfigure<Orleans.Configuration.GrainTypeOptions>(o => o.Classes.Remove(typeof(FaceVerifierGrain)));
        services.AddOptions<BiometricOptions>().Bind(configuration.GetSection(BiometricOptions.Section));
        services.AddSingleton(sp => BiometricProtector.FromOptions(sp.GetRequiredService<IOptions<BiometricOptions>>().Value));
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section));
        services.TryAddSingleton(sp => BlobStores.From(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddOptions<ArchiveOptions>().Bind(configuration.GetSection(ArchiveOptions.Section));
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<ArchiveOptions>>().Value.SigningKey is { Length: > 0 } key
            ? ArchiveSigner.FromPkcs8Base64(key, $"{ArchiveOptions.Section}:SigningKey")
            : ArchiveSigner.Create());
        services.AddOptions<BoardOptions>().Bind(configuration.GetSection(BoardOptions.Section))
            .Validate(o => o.PublishInterval >= TimeSpan.FromMilliseconds(10) && o.SubscriptionLifetime > TimeSpan.Zero,
                $"{BoardOptions.Section}:PublishInterval must be at least 10 ms and SubscriptionLifetime positive.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ExamCatalog>();
        services.AddSingleton<PositionCatalog>();
        // Sittings keep their log in memory unless the silo's composition names another store (Redis).
        services.TryAddSingleton<ISittingLog, MemorySittingLog>();
        services.AddSingleton<SittingStore>();
        return services;
    }
}
