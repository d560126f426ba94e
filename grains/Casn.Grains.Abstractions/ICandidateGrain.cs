namespace Casn.Grains.Abstractions;

/// <summary>A registered candidate. Key: participant number.</summary>
public interface ICandidateGrain : IGrainWithStringKey
{
    /// <summary>Registers or updates the candidate; returns the whole record (seats and moves too).</summary>
    Task<Result<CandidateRecord>> Register(CandidateProfile profile);

    Task<CandidateProfile?> GetProfile();

    /// <summary>The profile, the seat held per exam and every move: for operators (the HTTP layer masks the NIK).</summary>
    Task<CandidateRecord?> GetRecord();

    /// <summary>
    /// Claims the candidate's one seat for an exam in a room (the room key names the Kanreg, site and date).
    /// Refused for a room of another Kanreg (<c>candidate.other_kanreg</c>) or site (<c>candidate.other_site</c>)
    /// than the registration, and for a second room for the same exam (<c>candidate.already_seated</c>);
    /// the same room again is accepted. Keeps the biometric data until the retention period after the room's date.
    /// </summary>
    Task<Result<CandidateProfile>> SeatFor(RoomKey room, string examId);

    /// <summary>Gives back a seat claimed by <see cref="SeatFor"/> when the room could not take the candidate after all.</summary>
    Task ReleaseSeat(RoomKey room, string examId);

    /// <summary>
    /// A national operator moves the candidate to another Kanreg (or site). Seats in rooms the candidate has not
    /// been checked in to are released from those rooms; a checked-in seat refuses the move
    /// (<c>candidate.already_seated</c>). The move is recorded with who made it and why.
    /// </summary>
    Task<Result<CandidateRecord>> Move(CandidateMoveRequest request, string by);

    /// <summary>Deletes the photo and embeddings when the retention period after the last exam has passed; runs daily by reminder.</summary>
    Task<RetentionOutcome> ApplyRetention();

    /// <summary>Stores the registration photo (sealed) and its embedding; the photo must show one usable face.</summary>
    Task<Result<EnrolmentReceipt>> Enrol([Immutable] byte[] photo);

    /// <summary>
    /// A bulk import's registration: as <see cref="Register"/>, and says whether it created the candidate, changed them,
    /// or found the same profile already stored (then nothing is written).
    /// </summary>
    Task<ImportLineResult> Import(CandidateProfile profile);

    // Images are [Immutable]: nobody changes one after handing it over, so a call inside a silo passes the array
    // itself instead of copying 100-350 KB (a large-object allocation) at every hop on the way to the face pool.

    /// <summary>
    /// A bulk import's registration photo: as <see cref="Enrol"/>, but the same photo again (byte for byte) is
    /// <c>unchanged</c> without running the face pipeline. <c>face.busy</c> means: send it again shortly.
    /// </summary>
    Task<ImportLineResult> ImportPhoto([Immutable] byte[] photo);

    /// <summary>
    /// Compares a live capture with the candidate's reference face. A verified check-in capture is kept
    /// (sealed) and becomes the reference for in-exam frames: same room, camera and light.
    /// </summary>
    Task<Result<FaceMatch>> MatchFace([Immutable] byte[] capture, FaceMatchPurpose purpose);

    /// <summary>
    /// For the proctor deciding on a mismatch: the registration photo (<paramref name="evidence"/> null)
    /// or a capture kept as evidence of a failed check. Biometric data: the HTTP layer lets only the
    /// proctor of a room the candidate sits in ask for it.
    /// </summary>
    Task<byte[]?> GetFaceImage(string? evidence);
}

/// <summary>Imports as their callers make them (the bulk endpoint, the simulator's grain mode).</summary>
public static class CandidateImports
{
    /// <summary>
    /// A photo import that waits its turn: <c>face.busy</c> means "later", so the photo is sent again after a growing pause
    /// (at most half a second), for up to 600 more tries, rather than given up.
    /// </summary>
    public static async Task<ImportLineResult> ImportPhotoInTurn(this ICandidateGrain candidate, byte[] photo, CancellationToken cancellationToken)
    {
        var outcome = await candidate.ImportPhoto(photo);
        for (var attempt = 1; outcome.Fault?.Code == ErrorCodes.FaceBusy && attempt <= 600; attempt++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(20 * attempt, 500)), cancellationToken);
            outcome = await candidate.ImportPhoto(photo);
        }
        return outcome;
    }
}
