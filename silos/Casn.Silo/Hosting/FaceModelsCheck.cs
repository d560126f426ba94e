using Casn.Grains;
using Microsoft.Extensions.Options;

namespace Casn.Silo.Hosting;

/// <summary>
/// Loads the face workers at start-up, so a missing or altered model file stops the silo with the file
/// named instead of failing the first check-in of the day. A silo with <c>Casn:Faces:Workers=0</c> loads none.
/// </summary>
public sealed partial class FaceModelsCheck(IServiceProvider services, IOptions<Casn.Faces.FaceOptions> faceOptions, IOptions<BiometricOptions> biometrics,
    ILogger<FaceModelsCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (faceOptions.Value.WorkersOnThisSilo == 0) LogNoFaceWork(logger);
        else
        {
            var faces = services.GetRequiredService<FaceVerification>();
            LogReady(logger, faces.Capacity, faces.Options.ModelDirectory, faces.Options.MatchThreshold);
        }
        if (string.IsNullOrWhiteSpace(biometrics.Value.Key)) LogEphemeralKey(logger, BiometricOptions.Section);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Casn:Faces:Workers is 0: this silo does no face work; its face checks go to silos of its Kanreg that do, else to any")]
    static partial void LogNoFaceWork(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Face models verified; {Capacity} checks may run or wait at once; models in {Directory}; match threshold {Threshold}")]
    static partial void LogReady(ILogger logger, int capacity, string directory, double threshold);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Section}:Key is not set: sealed photos and embeddings are readable only while this process runs (the embedded default; the Redis profile refuses to start without a key)")]
    static partial void LogEphemeralKey(ILogger logger, string section);
}
