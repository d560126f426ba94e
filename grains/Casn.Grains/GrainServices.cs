using Casn.Domain.Audit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Casn.Grains;

/// <summary>
/// The grains' services and options, bound and checked from configuration: the grain side of a silo, added by
/// <c>SiloComposition.AddCasnSilo</c>.
/// </summary>
public static class GrainServices
{
    /// <summary>What every silo needs to host the Casn grains: options (validated at start-up), clock, exam cache.</summary>
    public static IServiceCollection AddCasnGrains(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SessionOptions>().Bind(configuration.GetSection(SessionOptions.Section))
            .Validate(o => o.HeartbeatTimeout > TimeSpan.Zero, $"{SessionOptions.Section}:HeartbeatTimeout must be positive.")
            .Validate(o => o.MaxAnswers is > 0 and <= SessionOptions.MaxAnswersLimit, $"{SessionOptions.Section}:MaxAnswers must be 1-{SessionOptions.MaxAnswersLimit}.")
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
