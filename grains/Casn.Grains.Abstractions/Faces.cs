namespace Casn.Grains.Abstractions;

/// <summary>
/// One image through the face pipeline. <see cref="Problem"/> is null for exactly one usable face, else a
/// stable code: the image's (<c>image.*</c>), the face's (<c>face.*</c>), or <c>face.busy</c> when the
/// verifier pool is full (retry shortly). The embedding stays between grains: no public view carries it.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record FaceCheck(
    [property: Id(0)] string? Problem,
    [property: Id(1)] int FaceCount,
    [property: Id(2)] float[]? Embedding,
    [property: Id(3)] double? Liveness,
    [property: Id(4)] double ElapsedMs,
    [property: Id(5)] float[]? Fingerprint = null)
{
    public const string Busy = "face.busy";

    public bool IsUsable => Problem is null && Embedding is not null;
}

/// <summary>Runs the face pipeline. A stateless-worker pool: every silo answers with its own workers.</summary>
public interface IFaceVerifierGrain : IGrainWithIntegerKey
{
    /// <summary>The image is not copied on a call inside a silo (<c>[Immutable]</c>): callers never change it afterwards.</summary>
    Task<FaceCheck> Analyze([Immutable] byte[] image);
}

[GenerateSerializer, Immutable]
public sealed record EnrolmentReceipt(
    [property: Id(0)] string ParticipantNo,
    [property: Id(1)] DateTimeOffset EnrolledAt,
    [property: Id(2)] double? Liveness);

/// <summary>Why a face is being matched: a check-in capture becomes the reference for that exam's camera frames.</summary>
public enum FaceMatchPurpose
{
    CheckIn = 0,
    InExam = 1,
}

public enum FaceMatchOutcome
{
    /// <summary>One usable face, at or above the match threshold.</summary>
    Verified = 0,

    /// <summary>One usable face, below the threshold: someone else, or a photo too different to tell.</summary>
    NotVerified = 1,

    /// <summary>No usable face (none, several, too small, partial, bad image): take the photo again.</summary>
    Retake = 2,
}

/// <summary>A live capture against the registration photo. Carries the score, never the embeddings.</summary>
[GenerateSerializer, Immutable]
public sealed record FaceMatch(
    [property: Id(0)] FaceMatchOutcome Outcome,
    [property: Id(1)] double? Similarity,
    [property: Id(2)] string? Problem,
    [property: Id(3)] double? Liveness,
    [property: Id(4)] int FaceCount,
    [property: Id(5)] string? Evidence = null);
