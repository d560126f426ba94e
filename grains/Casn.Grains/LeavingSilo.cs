using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace Casn.Grains;

/// <summary>
/// Resends a <see cref="SafeToResendAttribute"/> call that failed because its target silo left (a drain, a rolling
/// update) before answering, or because it reached a stale second activation that has stepped aside
/// (<see cref="StorageUnavailableException.StaleActivation"/>). The grain is found again on its new silo, or moved
/// there with its state. Other calls are never repeated: Orleans does not know whether the lost one ran, and only
/// these are safe either way.
/// </summary>
public sealed class ResendOnSiloLoss : IOutgoingGrainCallFilter
{
    /// <summary>Tries in all, 100, 200 and 300 ms apart: a silo's grains move in well under a second.</summary>
    public const int Attempts = 4;

    static readonly ConcurrentDictionary<MethodInfo, bool> Marked = new();

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (context.InterfaceMethod is not { } method || !Marked.GetOrAdd(method, m => m.IsDefined(typeof(SafeToResendAttribute), inherit: false)))
        {
            await context.Invoke();
            return;
        }
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await context.Invoke();
                return;
            }
            catch (Exception exception) when (exception is SiloUnavailableException or OrleansMessageRejectionException
                or StorageUnavailableException { StaleActivation: true } && attempt < Attempts)
            {
                CasnMetrics.CallsResent.Add(1);
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt));
            }
        }
    }
}

/// <summary>What a grain does when its silo leaves on purpose.</summary>
public static class LeavingSilo
{
    /// <summary>
    /// On a silo's graceful stop, asks Orleans to move the grain (with its state, as its migration participants give it)
    /// instead of deactivating it; unless no other silo is up to take it (the last silo stopping), where a migration
    /// could only fail, once per grain, in the log.
    /// </summary>
    public static void MigrateIfSiloLeaves(this IGrainBase grain, DeactivationReason reason)
    {
        if (reason.ReasonCode != DeactivationReasonCode.ShuttingDown) return;
        var services = grain.GrainContext.ActivationServices;
        var self = services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        var members = services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.Values;
        if (members.Any(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(self))) grain.MigrateOnIdle();
    }
}
