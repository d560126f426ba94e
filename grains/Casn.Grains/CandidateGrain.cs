namespace Casn.Grains;

[GenerateSerializer]
public sealed class CandidateState
{
    [Id(0)] public CandidateProfile? Profile { get; set; }
}

public sealed class CandidateGrain([PersistentState("candidate")] IPersistentState<CandidateState> state) : Grain, ICandidateGrain
{
    async Task<Result<CandidateProfile>> ICandidateGrain.Register(CandidateProfile profile)
    {
        if (profile.ParticipantNo != this.GetPrimaryKeyString())
            return Faults.Of(ErrorCodes.CandidateInvalid, "The participant number must match the address.");
        if (string.IsNullOrWhiteSpace(profile.Name) || profile.Name.Length > 200)
            return Faults.Of(ErrorCodes.CandidateInvalid, "Name is required (at most 200 characters).");
        if (profile.NationalId is not { Length: 16 } || !profile.NationalId.All(char.IsAsciiDigit))
            return Faults.Of(ErrorCodes.CandidateInvalid, "National ID (NIK) must be 16 digits.");
        if (!Keys.IsValidToken(profile.Category, 32) || !Keys.IsValidToken(profile.PositionId, 64))
            return Faults.Of(ErrorCodes.CandidateInvalid, "Category and position must be letters, digits or '-'.");
        state.State.Profile = profile;
        await state.WriteStateAsync();
        return profile;
    }

    Task<CandidateProfile?> ICandidateGrain.GetProfile() => Task.FromResult(state.State.Profile);
}
