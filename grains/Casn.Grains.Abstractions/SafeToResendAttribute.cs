namespace Casn.Grains.Abstractions;

/// <summary>
/// Marks a grain method that may be sent again when the silo it went to leaves before answering: repeating it changes
/// nothing (an answer is recognised by its sequence number; a read writes nothing). Callers inside the cluster resend
/// such calls themselves (<c>Casn.Grains.ResendOnSiloLoss</c>), so a silo drained mid-exam costs a workstation a
/// slower answer, not an error.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class SafeToResendAttribute : Attribute;
