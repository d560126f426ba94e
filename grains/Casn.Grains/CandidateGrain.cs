using Casn.Faces;

namespace Casn.Grains;

[GenerateSerializer]
public sealed class CandidateState
{
    [Id(0)] public CandidateProfile? Profile { get; set; }

    /// <summary>The registration photo's embedding, sealed; the photo itself is a sealed blob.</summary>
    [Id(1)] public byte[]? SealedReference { get; set; }

    [Id(2)] public DateTimeOffset? EnrolledAt { get; set; }

    /// <summary>The last verified check-in capture's embedding, sealed: the reference during the exam.</summary>
    [Id(3)] public byte[]? SealedCheckInReference { get; set; }
}

public sealed class CandidateGrain(
    [PersistentState("candidate")] IPersistentState<CandidateState> state,
    BiometricProtector protector,
    BlobStores blobs,
    FaceVerification faces,
    TimeProvider clock) : Grain, ICandidateGrain
{
    string ParticipantNo => this.GetPrimaryKeyString();

    string ReferenceContext => $"reference:{ParticipantNo}";

    async Task<Result<CandidateProfile>> ICandidateGrain.Register(CandidateProfile profile)
    {
        if (profile.ParticipantNo != ParticipantNo)
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

    async Task<Result<EnrolmentReceipt>> ICandidateGrain.Enrol(byte[] photo)
    {
        if (state.State.Profile is null) return Faults.Of(ErrorCodes.CandidateNotFound, $"Candidate '{ParticipantNo}' is not registered.");
        var check = await faces.Analyze(photo);
        if (!check.IsUsable) return Faults.Of(check.Problem ?? FaceCodes.NoFace, "The registration photo must show one whole face, clearly.");
        await blobs.Biometrics.Put(PhotoName, protector.Seal(photo, $"photo:{ParticipantNo}"));
        state.State.SealedReference = protector.SealEmbedding(check.Embedding!, ReferenceContext);
        state.State.EnrolledAt = clock.GetUtcNow();
        await state.WriteStateAsync();
        return new EnrolmentReceipt(ParticipantNo, state.State.EnrolledAt.Value, check.Liveness);
    }

    async Task<Result<FaceMatch>> ICandidateGrain.MatchFace(byte[] capture, FaceMatchPurpose purpose)
    {
        if (state.State.SealedReference is not { } registration)
            return Faults.Of(ErrorCodes.CandidateNotEnrolled, $"Candidate '{ParticipantNo}' has no registration photo.");
        var check = await faces.Analyze(capture);
        if (check.Problem == FaceCheck.Busy) return Faults.Of(ErrorCodes.FaceBusy, "The face checkers are busy; try again in a moment.");
        if (!check.IsUsable) return new FaceMatch(FaceMatchOutcome.Retake, null, check.Problem, check.Liveness, check.FaceCount);

        var (reference, context) = purpose == FaceMatchPurpose.InExam && state.State.SealedCheckInReference is { } checkIn
            ? (checkIn, CheckInContext)
            : (registration, ReferenceContext);
        var similarity = FaceMath.Cosine(protector.OpenEmbedding(reference, context), check.Embedding);
        var outcome = faces.IsMatch(similarity) ? FaceMatchOutcome.Verified : FaceMatchOutcome.NotVerified;
        if (purpose == FaceMatchPurpose.CheckIn && outcome == FaceMatchOutcome.Verified)
        {
            state.State.SealedCheckInReference = protector.SealEmbedding(check.Embedding!, CheckInContext);
            await state.WriteStateAsync();
        }
        return new FaceMatch(outcome, similarity, null, check.Liveness, check.FaceCount);
    }

    string CheckInContext => $"checkin:{ParticipantNo}";

    string PhotoName => $"photos/{ParticipantNo}/registration";
}
