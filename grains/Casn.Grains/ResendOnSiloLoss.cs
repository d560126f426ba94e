using System.Collections.Concurrent;
using System.Reflection;
using Orleans.Runtime;

namespace Casn.Grains;

/// <summary>
/// Resends a <see cref="SafeToResendAttribute"/> call that failed because its target silo left (a drain, a rolling
/// update) before answering. The grain is found again on its new silo, or moved there with its state. Other calls are
/// never repeated: Orleans does not know whether the lost one ran, and only these are safe either way.
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
            catch (Exception exception) when (exception is SiloUnavailableException or OrleansMessageRejectionException && attempt < Attempts)
            {
                CasnMetrics.CallsResent.Add(1);
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt));
            }
        }
    }
}
