using System.Security.Cryptography;
using System.Text;

namespace Casn.Grains;

[GenerateSerializer]
public sealed class StandInRegistryState
{
    /// <summary>Every case by sitting key.</summary>
    [Id(0)] public Dictionary<string, StandInCase> Cases { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Blocked national IDs, as SHA-256 fingerprints (the register keeps no national ID in clear), with the case that blocked each.</summary>
    [Id(1)] public Dictionary<string, string> BlockedBy { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The latest refused attempts (<see cref="StandInRegistryGrain.RefusalsKept"/>), newest last.</summary>
    [Id(2)] public List<BlockedAttempt> Refusals { get; set; } = [];
}

/// <summary>The national register of stand-in cases: see <see cref="IStandInRegistryGrain"/>.</summary>
public sealed partial class StandInRegistryGrain(
    [PersistentState("standins")] IPersistentState<StandInRegistryState> state,
    TimeProvider clock,
    ILogger<StandInRegistryGrain> logger) : Grain, IStandInRegistryGrain
{
    public const int RefusalsKept = 1000;

    StandInRegistryState Register => state.State;

    async Task IStandInRegistryGrain.Report(StandInCase report)
    {
        if (Register.Cases.ContainsKey(report.SessionKey)) return;
        Register.Cases[report.SessionKey] = report with { Status = StandInCaseStatuses.Reported };
        await state.WriteStateAsync();
    }

    async Task<Result<StandInCase>> IStandInRegistryGrain.Decide(string sessionKey, bool confirm, ProctorAction decision)
    {
        if (!Register.Cases.TryGetValue(sessionKey ?? "", out var current))
            return Faults.Of(ErrorCodes.StandInCaseNotFound, $"No stand-in case for sitting '{sessionKey}'.");
        if (current.Status != StandInCaseStatuses.Reported)
            return Faults.Of(ErrorCodes.StandInCaseDecided, $"This case was already {current.Status}.");
        if (decision is null || string.IsNullOrWhiteSpace(decision.By) || string.IsNullOrWhiteSpace(decision.Reason) || decision.Reason.Length > 500)
            return Faults.Of(ErrorCodes.ReasonRequired, "A decision needs who decides and why (at most 500 characters).");
        if (confirm)
        {
            var profile = await GrainFactory.GetGrain<ICandidateGrain>(current.ParticipantNo).GetProfile();
            if (profile is not null) Register.BlockedBy[Fingerprint(profile.NationalId)] = sessionKey!;
        }
        var decided = current with
        {
            Status = confirm ? StandInCaseStatuses.Confirmed : StandInCaseStatuses.Dismissed,
            DecidedAt = clock.GetUtcNow(),
            DecidedBy = decision.By,
            DecisionReason = decision.Reason,
        };
        Register.Cases[sessionKey!] = decided;
        await state.WriteStateAsync();
        return decided;
    }

    Task<StandInRegister> IStandInRegistryGrain.GetRegister() =>
        Task.FromResult(new StandInRegister([.. Register.Cases.Values.OrderBy(c => c.ReportedAt)], [.. Register.Refusals]));

    Task<bool> IStandInRegistryGrain.IsBlocked(string nationalId) =>
        Task.FromResult(Register.BlockedBy.Count > 0 && Register.BlockedBy.ContainsKey(Fingerprint(nationalId ?? "")));

    async Task IStandInRegistryGrain.RecordRefusal(BlockedAttempt attempt)
    {
        LogRefused(logger, attempt.Attempt, attempt.ParticipantNo, attempt.RoomKey);
        Register.Refusals.Add(attempt);
        if (Register.Refusals.Count > RefusalsKept) Register.Refusals.RemoveRange(0, Register.Refusals.Count - RefusalsKept);
        await state.WriteStateAsync();
    }

    static string Fingerprint(string nationalId) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes("casn-nik:" + nationalId)));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Attempt} for participant {ParticipantNo} (room {RoomKey}): the national ID is blocked by a confirmed stand-in case")]
    static partial void LogRefused(ILogger logger, string attempt, string participantNo, string? roomKey);
}
