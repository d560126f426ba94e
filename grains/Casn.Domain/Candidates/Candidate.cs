using Casn.Domain.Imports;

namespace Casn.Domain.Candidates;

/// <summary>
/// The rules of one registered candidate, over its persisted <see cref="CandidateState"/>: what a registration may
/// say, where the candidate may sit and once per exam, how a move is recorded, and how long biometric data is kept.
/// Like <c>CandidateSession</c>, each method either changes the state and says what changed, or returns a fault and
/// leaves the state as it was; the grain asks the other grains (blocks, positions, rooms, the face pool), persists,
/// and only then replies.
/// </summary>
public sealed class Candidate(CandidateState state, string participantNo)
{
    /// <summary>How many changes of place the record keeps, newest last.</summary>
    public const int MovesKept = 50;

    public CandidateState State => state;

    public string ParticipantNo => participantNo;

    public CandidateProfile? Profile => state.Profile;

    /// <summary>The candidate as staff see it; null before registration.</summary>
    public CandidateRecord? Record => state.Profile is { } profile
        ? new CandidateRecord(profile, new Dictionary<string, string>(state.SeatByExam, StringComparer.Ordinal), [.. state.Moves])
        : null;

    public Fault NotRegistered => Faults.Of(ErrorCodes.CandidateNotFound, $"Candidate '{participantNo}' is not registered.");

    /// <summary>What a registration must say, checked before anything is asked of other grains.</summary>
    public Fault? ProfileFault(CandidateProfile profile)
    {
        if (profile.ParticipantNo != participantNo)
            return Faults.Of(ErrorCodes.CandidateInvalid, "The participant number must match the address.");
        if (string.IsNullOrWhiteSpace(profile.Name) || profile.Name.Length > 200)
            return Faults.Of(ErrorCodes.CandidateInvalid, "Name is required (at most 200 characters).");
        if (profile.NationalId is not { Length: 16 } || !profile.NationalId.All(char.IsAsciiDigit))
            return Faults.Of(ErrorCodes.CandidateInvalid, "National ID (NIK) must be 16 digits.");
        if (!Keys.IsValidToken(profile.Category, 32) || !Keys.IsValidToken(profile.PositionId, 64))
            return Faults.Of(ErrorCodes.CandidateInvalid, "Category and position must be letters, digits or '-'.");
        if (!IsValidPlace(profile.Kanreg, profile.Site))
            return Faults.Of(ErrorCodes.CandidateInvalid, "Kanreg (required) and site must be 1-32 letters, digits or '-': where the candidate chose to sit.");
        return null;
    }

    static bool IsValidPlace(string? kanreg, string? site) => Keys.IsValidToken(kanreg, 32) && (site is null || Keys.IsValidToken(site, 32));

    /// <summary>
    /// Registers or updates the candidate (the profile passed <see cref="ProfileFault"/> and the checks against other
    /// grains). The same profile again changes nothing. Where the candidate sits is changed by a recorded move once
    /// they hold a seat; before that, a registration update is itself recorded as one.
    /// </summary>
    public ImportLineResult Register(CandidateProfile profile, DateTimeOffset now)
    {
        if (state.Profile is { } current && (current.Kanreg != profile.Kanreg || current.Site != profile.Site))
        {
            if (state.SeatByExam.Count > 0)
                return Faults.Of(ErrorCodes.CandidateAlreadySeated, "The candidate holds a seat: a national operator moves them instead (POST /api/candidates/{participantNo}/move).");
            Recorded(new CandidateMove(now, current.Kanreg, current.Site, profile.Kanreg, profile.Site, "registration", "registration updated", []));
        }
        if (state.Profile == profile) return ImportLineResult.Unchanged;
        var created = state.Profile is null;
        state.Profile = profile;
        return created ? ImportLineResult.Created : ImportLineResult.Updated;
    }

    /// <summary>A room of another Kanreg, or of another site when a site was chosen, cannot seat the candidate.</summary>
    public Fault? PlaceFault(RoomKey room)
    {
        if (state.Profile is not { } profile) return NotRegistered;
        if (SitsIn(profile.Kanreg, profile.Site, room)) return null;
        return room.Region != profile.Kanreg
            ? Faults.Of(ErrorCodes.CandidateOtherKanreg, $"Candidate '{participantNo}' is registered to sit with another Kanreg; a national operator can move them.")
            : Faults.Of(ErrorCodes.CandidateOtherSite, $"Candidate '{participantNo}' is registered to sit at another site; a national operator can move them.");
    }

    static bool SitsIn(string kanreg, string? site, RoomKey room) => room.Region == kanreg && (site is null || room.Site == site);

    /// <summary>
    /// Takes the seat for <paramref name="examId"/> in <paramref name="room"/> (after <see cref="PlaceFault"/>): one room
    /// per exam, anywhere; the same room again is accepted (a roster sent again).
    /// </summary>
    public Result<SeatTaken> Seat(RoomKey room, string examId)
    {
        var roomKey = room.ToString();
        if (state.SeatByExam.TryGetValue(examId, out var held))
        {
            return held == roomKey
                ? new SeatTaken(Changed: false, RetentionFrom: null)
                : Faults.Of(ErrorCodes.CandidateAlreadySeated, $"Candidate '{participantNo}' already has a seat for exam {examId} in another room.");
        }
        state.SeatByExam[examId] = roomKey;
        // The retention clock starts from the latest exam date: only a later date moves it.
        var later = state.LastExamDate is null || state.LastExamDate < room.Date;
        if (later) state.LastExamDate = room.Date;
        return new SeatTaken(Changed: true, RetentionFrom: later ? room.Date : null);
    }

    /// <summary>Gives back the seat a room freed; false when the candidate did not hold it (nothing to store).</summary>
    public bool ReleaseSeat(RoomKey room, string examId) =>
        state.SeatByExam.TryGetValue(examId, out var held) && held == room.ToString() && state.SeatByExam.Remove(examId);

    /// <summary>What a move must say; <c>null</c> when it may go ahead.</summary>
    public Fault? MoveFault(CandidateMoveRequest? request, string by)
    {
        if (state.Profile is null) return NotRegistered;
        if (request is null || !IsValidPlace(request.Kanreg, request.Site))
            return Faults.Of(ErrorCodes.CandidateInvalid, "The move names the Kanreg (and optionally the site): 1-32 letters, digits or '-'.");
        if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Length > 400 || string.IsNullOrWhiteSpace(by))
            return Faults.Of(ErrorCodes.ReasonRequired, "A move needs a reason (at most 400 characters).");
        return null;
    }

    /// <summary>Whether the move names where the candidate already sits (nothing to do).</summary>
    public bool StaysPut(CandidateMoveRequest request) => state.Profile is { } profile && profile.Kanreg == request.Kanreg && profile.Site == request.Site;

    /// <summary>The seats (exam, room) that the new place cannot use: the grain asks each room to free them first.</summary>
    public IReadOnlyList<(string ExamId, RoomKey Room)> SeatsOutside(CandidateMoveRequest request) =>
        [.. state.SeatByExam.Select(seat => (ExamId: seat.Key, Room: RoomKey.Parse(seat.Value).Value!)).Where(seat => !SitsIn(request.Kanreg, request.Site, seat.Room))];

    /// <summary>The reason the rooms record when they free the candidate's seat.</summary>
    public static string UnseatReason(CandidateMoveRequest request) =>
        $"moved to {request.Kanreg}{(request.Site is null ? "" : "/" + request.Site)}: {request.Reason}";

    /// <summary>Records the move, with the rooms that freed a seat for it, and changes where the candidate sits.</summary>
    public void Move(CandidateMoveRequest request, string by, string[] releasedRooms, DateTimeOffset now)
    {
        var profile = state.Profile!;
        Recorded(new CandidateMove(now, profile.Kanreg, profile.Site, request.Kanreg, request.Site, by, request.Reason, releasedRooms));
        state.Profile = profile with { Kanreg = request.Kanreg, Site = request.Site };
    }

    void Recorded(CandidateMove move)
    {
        state.Moves.Add(move);
        if (state.Moves.Count > MovesKept) state.Moves.RemoveRange(0, state.Moves.Count - MovesKept);
    }

    public bool HoldsBiometrics => state.SealedReference is not null || state.SealedCheckInReference is not null;

    /// <summary>Biometric data is kept until <paramref name="retentionDays"/> after the latest exam the candidate is seated for.</summary>
    public DateOnly? KeepUntil(int retentionDays) => state.LastExamDate?.AddDays(retentionDays);

    public bool RetentionDue(DateOnly today, int retentionDays) =>
        HoldsBiometrics && KeepUntil(retentionDays) is { } keepUntil && today > keepUntil;

    /// <summary>Forgets the photo's digest and every embedding (the grain deletes the sealed photo and evidence).</summary>
    public void BiometricsPurged(DateTimeOffset now)
    {
        state.SealedReference = null;
        state.SealedReferencePrint = null;
        state.PhotoDigest = null;
        state.SealedCheckInReference = null;
        state.EnrolledAt = null;
        state.BiometricsPurgedAt = now;
    }

    /// <summary>Whether this photo (by its SHA-256) is already the enrolled one: an import sending it again changes nothing.</summary>
    public bool IsEnrolledPhoto(byte[] digest) =>
        state.SealedReference is not null && state.PhotoDigest is { } known && known.AsSpan().SequenceEqual(digest);

    /// <summary>A photo that showed one usable face becomes the reference, with its embedding and fingerprint (sealed).</summary>
    public void Enrolled(byte[] sealedEmbedding, byte[]? sealedPrint, byte[] digest, DateTimeOffset now)
    {
        state.SealedReference = sealedEmbedding;
        state.SealedReferencePrint = sealedPrint;
        state.PhotoDigest = digest;
        state.EnrolledAt = now;
    }
}

/// <summary>
/// What taking a seat changed: nothing (the same room again), or the seat, and when it is the candidate's latest exam,
/// the date the retention clock now runs from.
/// </summary>
public sealed record SeatTaken(bool Changed, DateOnly? RetentionFrom);
