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

    /// <summary>The latest exam the candidate is seated for; biometric data is kept until the retention period after it.</summary>
    [Id(4)] public DateOnly? LastExamDate { get; set; }

    /// <summary>When the retention rule last deleted the photo and embeddings.</summary>
    [Id(5)] public DateTimeOffset? BiometricsPurgedAt { get; set; }

    /// <summary>The one room per exam the candidate is seated in: exam id to room key.</summary>
    [Id(6)] public Dictionary<string, string> SeatByExam { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Every change of Kanreg or site, newest last (the latest <see cref="CandidateGrain.MovesKept"/>).</summary>
    [Id(7)] public List<CandidateMove> Moves { get; set; } = [];

    /// <summary>The registration photo's face fingerprint, sealed: a check-in capture that is a copy of the photo matches it.</summary>
    [Id(8)] public byte[]? SealedReferencePrint { get; set; }

    /// <summary>The retention reminder could not be registered (reminder storage briefly unreachable): try again on the next activation.</summary>
    [Id(9)] public bool RetentionReminderPending { get; set; }

    /// <summary>SHA-256 of the enrolled photo's bytes: an import that sends the same photo again changes nothing.</summary>
    [Id(10)] public byte[]? PhotoDigest { get; set; }
}

public sealed partial class CandidateGrain(
    [PersistentState("candidate")] IPersistentState<CandidateState> state,
    BiometricProtector protector,
    BlobStores blobs,
    IOptions<FaceOptions> faceOptions,
    PositionCatalog positions,
    ExamCatalog exams,
    IOptions<BiometricOptions> biometrics,
    TimeProvider clock,
    ILogger<CandidateGrain> logger) : Grain, ICandidateGrain, IRemindable
{
    const string RetentionReminder = "retention";

    string ParticipantNo => this.GetPrimaryKeyString();

    string ReferenceContext => $"reference:{ParticipantNo}";

    /// <summary>Every face check goes through the face pool, on this silo's workers or, where it has none, another's.</summary>
    Task<FaceCheck> Analyze(byte[] image) => GrainFactory.GetGrain<IFaceVerifierGrain>(0).Analyze(image);

    async Task<Result<CandidateRecord>> ICandidateGrain.Register(CandidateProfile profile) =>
        await Registration(profile) is { Fault: { } fault } ? fault : RecordOf()!;

    Task<ImportLineResult> ICandidateGrain.Import(CandidateProfile profile) => Registration(profile);

    /// <summary>Registers or updates the candidate; the same profile again writes nothing (<c>unchanged</c>).</summary>
    async Task<ImportLineResult> Registration(CandidateProfile profile)
    {
        if (profile.ParticipantNo != ParticipantNo)
            return Faults.Of(ErrorCodes.CandidateInvalid, "The participant number must match the address.");
        if (string.IsNullOrWhiteSpace(profile.Name) || profile.Name.Length > 200)
            return Faults.Of(ErrorCodes.CandidateInvalid, "Name is required (at most 200 characters).");
        if (profile.NationalId is not { Length: 16 } || !profile.NationalId.All(char.IsAsciiDigit))
            return Faults.Of(ErrorCodes.CandidateInvalid, "National ID (NIK) must be 16 digits.");
        if (!Keys.IsValidToken(profile.Category, 32) || !Keys.IsValidToken(profile.PositionId, 64))
            return Faults.Of(ErrorCodes.CandidateInvalid, "Category and position must be letters, digits or '-'.");
        if (!Keys.IsValidToken(profile.Kanreg, 32) || profile.Site is not null && !Keys.IsValidToken(profile.Site, 32))
            return Faults.Of(ErrorCodes.CandidateInvalid, "Kanreg (required) and site must be 1-32 letters, digits or '-': where the candidate chose to sit.");
        if (await Blocked(profile.NationalId, "registration", null) is { } blocked) return blocked;
        var positionExams = await positions.ExamsOf(profile.PositionId);
        if (positionExams.Length == 0)
            return Faults.Of(ErrorCodes.PositionUnknown, $"Position '{profile.PositionId}' is not defined: a national operator defines it first (PUT /api/exams/{{examId}}/positions/{{positionId}}).");
        // A refusal is checked against the directory itself: the position may have joined another exam since it was cached.
        if (await CategoryFault(profile.Category, positionExams) is not null
            && await CategoryFault(profile.Category, await positions.ExamsOf(profile.PositionId, fresh: true)) is { } category)
            return category;
        if (state.State.Profile is { } current && (current.Kanreg != profile.Kanreg || current.Site != profile.Site))
        {
            // Where a candidate sits is changed by a recorded move once they hold a seat; before that, a
            // registration update is itself recorded as one.
            if (state.State.SeatByExam.Count > 0)
                return Faults.Of(ErrorCodes.CandidateAlreadySeated, "The candidate holds a seat: a national operator moves them instead (POST /api/candidates/{participantNo}/move).");
            Record(new CandidateMove(clock.GetUtcNow(), current.Kanreg, current.Site, profile.Kanreg, profile.Site, "registration", "registration updated", []));
        }
        if (state.State.Profile == profile) return ImportLineResult.Unchanged;
        var created = state.State.Profile is null;
        state.State.Profile = profile;
        await state.WriteStateAsync();
        return created ? ImportLineResult.Created : ImportLineResult.Updated;
    }

    /// <summary>
    /// The category must be one of the passing-rule categories of an exam the candidate's position belongs to (exams without
    /// passing rules, which only rank, take any). Refused here rather than at the roster, where it would fail a whole room.
    /// </summary>
    async Task<Fault?> CategoryFault(string category, string[] examIds)
    {
        var known = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var examId in examIds)
        {
            if (await exams.Find(examId) is not { } exam) continue;
            if (!exam.Blueprint.HasPassingRules || exam.Blueprint.FindCategory(category) is not null) return null;
            foreach (var rule in exam.Blueprint.PassingCategories) known.Add(rule.Code);
        }
        return Faults.Of(ErrorCodes.CategoryUnknown, $"Category '{category}' is not one of the position's exams ({string.Join(", ", known)}).");
    }

    Task<CandidateProfile?> ICandidateGrain.GetProfile() => Task.FromResult(state.State.Profile);

    Task<CandidateRecord?> ICandidateGrain.GetRecord() => Task.FromResult(RecordOf());

    CandidateRecord? RecordOf() => state.State.Profile is { } profile
        ? new CandidateRecord(profile, new Dictionary<string, string>(state.State.SeatByExam, StringComparer.Ordinal), [.. state.State.Moves])
        : null;

    public const int MovesKept = 50;

    void Record(CandidateMove move)
    {
        state.State.Moves.Add(move);
        if (state.State.Moves.Count > MovesKept) state.State.Moves.RemoveRange(0, state.State.Moves.Count - MovesKept);
    }

    async Task<Result<CandidateProfile>> ICandidateGrain.SeatFor(string roomKey, string examId)
    {
        if (state.State.Profile is not { } profile) return Faults.Of(ErrorCodes.CandidateNotFound, $"Candidate '{ParticipantNo}' is not registered.");
        var parsed = RoomKey.Parse(roomKey);
        if (!parsed.IsOk) return parsed.Fault!;
        var room = parsed.Value!;
        if (!SitsIn(profile.Kanreg, profile.Site, room))
        {
            return room.Region != profile.Kanreg
                ? Faults.Of(ErrorCodes.CandidateOtherKanreg, $"Candidate '{ParticipantNo}' is registered to sit with another Kanreg; a national operator can move them.")
                : Faults.Of(ErrorCodes.CandidateOtherSite, $"Candidate '{ParticipantNo}' is registered to sit at another site; a national operator can move them.");
        }
        if (await Blocked(profile.NationalId, "seat", roomKey) is { } blocked) return blocked;
        if (state.State.SeatByExam.TryGetValue(examId, out var held) && held != roomKey)
            return Faults.Of(ErrorCodes.CandidateAlreadySeated, $"Candidate '{ParticipantNo}' already has a seat for exam {examId} in another room.");

        if (held == roomKey) return profile;
        state.State.SeatByExam[examId] = roomKey;
        var later = state.State.LastExamDate is null || state.State.LastExamDate < room.Date;
        if (later) state.State.LastExamDate = room.Date;
        await state.WriteStateAsync();
        // The retention clock starts from the latest exam date: only a later date needs the reminder (again).
        if (later) await EnsureRetentionReminder();
        return profile;
    }

    /// <summary>A national ID blocked by a confirmed stand-in case gets no registration and no seat; each refusal is recorded.</summary>
    async Task<Fault?> Blocked(string nationalId, string attempt, string? roomKey)
    {
        var register = GrainFactory.GetGrain<IStandInRegistryGrain>(IStandInRegistryGrain.National);
        if (!await register.IsBlocked(nationalId)) return null;
        await register.RecordRefusal(new BlockedAttempt(clock.GetUtcNow(), ParticipantNo, attempt, roomKey));
        return Faults.Of(ErrorCodes.CandidateBlocked, "This national ID is blocked: a stand-in case against it was confirmed. Contact the national office.");
    }

    static bool SitsIn(string kanreg, string? site, RoomKey room) => room.Region == kanreg && (site is null || room.Site == site);

    async Task ICandidateGrain.ReleaseSeat(string roomKey, string examId)
    {
        if (state.State.SeatByExam.TryGetValue(examId, out var held) && held == roomKey && state.State.SeatByExam.Remove(examId))
            await state.WriteStateAsync();
    }

    async Task<Result<CandidateRecord>> ICandidateGrain.Move(CandidateMoveRequest request, string by)
    {
        if (state.State.Profile is not { } profile) return Faults.Of(ErrorCodes.CandidateNotFound, $"Candidate '{ParticipantNo}' is not registered.");
        if (request is null || !Keys.IsValidToken(request.Kanreg, 32) || request.Site is not null && !Keys.IsValidToken(request.Site, 32))
            return Faults.Of(ErrorCodes.CandidateInvalid, "The move names the Kanreg (and optionally the site): 1-32 letters, digits or '-'.");
        if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Length > 400 || string.IsNullOrWhiteSpace(by))
            return Faults.Of(ErrorCodes.ReasonRequired, "A move needs a reason (at most 400 characters).");
        if (profile.Kanreg == request.Kanreg && profile.Site == request.Site) return RecordOf()!;

        // Seats the new place cannot use are freed in their rooms first; a sitting already under way refuses the
        // move, and one already finished stays on record (it still counts as this exam's sitting).
        var released = new List<string>();
        foreach (var (examId, roomKey) in state.State.SeatByExam.ToList())
        {
            if (SitsIn(request.Kanreg, request.Site, RoomKey.Parse(roomKey).Value!)) continue;
            var unseated = await GrainFactory.GetGrain<IExamRoomGrain>(roomKey)
                .Unseat(ParticipantNo, new ProctorAction(by, $"moved to {request.Kanreg}{(request.Site is null ? "" : "/" + request.Site)}: {request.Reason}"));
            if (!unseated.IsOk)
            {
                // Seats freed before the refusal are freed for good: keep the record true to the rooms.
                if (released.Count > 0) await state.WriteStateAsync();
                return unseated.Fault!;
            }
            if (!unseated.Value) continue;
            state.State.SeatByExam.Remove(examId);
            released.Add(roomKey);
        }
        Record(new CandidateMove(clock.GetUtcNow(), profile.Kanreg, profile.Site, request.Kanreg, request.Site, by, request.Reason, [.. released]));
        state.State.Profile = profile with { Kanreg = request.Kanreg, Site = request.Site };
        await state.WriteStateAsync();
        return RecordOf()!;
    }

    DateOnly? KeepUntil => state.State.LastExamDate?.AddDays(biometrics.Value.RetentionDays);

    async Task<RetentionOutcome> ICandidateGrain.ApplyRetention()
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var holdsBiometrics = state.State.SealedReference is not null || state.State.SealedCheckInReference is not null;
        if (KeepUntil is not { } keepUntil || today <= keepUntil || !holdsBiometrics)
            return new RetentionOutcome(false, KeepUntil, state.State.BiometricsPurgedAt);
        await blobs.Biometrics.Delete(PhotoName);
        await foreach (var evidence in blobs.Biometrics.List($"evidence/{ParticipantNo}/")) await blobs.Biometrics.Delete(evidence);
        state.State.SealedReference = null;
        state.State.SealedReferencePrint = null;
        state.State.PhotoDigest = null;
        state.State.SealedCheckInReference = null;
        state.State.EnrolledAt = null;
        state.State.BiometricsPurgedAt = clock.GetUtcNow();
        await state.WriteStateAsync();
        CasnMetrics.BiometricsPurged.Add(1);
        LogPurged(logger, ParticipantNo, biometrics.Value.RetentionDays, state.State.LastExamDate!.Value);
        return new RetentionOutcome(true, keepUntil, state.State.BiometricsPurgedAt);
    }

    async Task IRemindable.ReceiveReminder(string reminderName, TickStatus status)
    {
        var outcome = await ((ICandidateGrain)this).ApplyRetention();
        // Nothing left to delete: the reminder goes until the candidate is seated (or enrolled) again.
        if (outcome.Purged || state.State.SealedReference is null && state.State.SealedCheckInReference is null)
        {
            var reminder = await this.GetReminder(reminderName);
            if (reminder is not null) await this.UnregisterReminder(reminder);
        }
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.RetentionReminderPending) await EnsureRetentionReminder();
    }

    /// <summary>
    /// Registers the daily retention reminder. A seat or an enrolment must not fail because reminder storage
    /// hiccupped: the miss is recorded and the registration tried again when the grain next activates.
    /// </summary>
    async Task EnsureRetentionReminder()
    {
        try
        {
            await this.RegisterOrUpdateReminder(RetentionReminder, TimeSpan.FromDays(1), TimeSpan.FromDays(1));
            if (!state.State.RetentionReminderPending) return;
            state.State.RetentionReminderPending = false;
        }
        catch (Exception exception)
        {
            LogReminderFailed(logger, exception, ParticipantNo);
            if (state.State.RetentionReminderPending) return;
            state.State.RetentionReminderPending = true;
            DeactivateOnIdle();
        }
        await state.WriteStateAsync();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The retention reminder of candidate {ParticipantNo} could not be registered; it is tried again on the next activation")]
    static partial void LogReminderFailed(ILogger logger, Exception exception, string participantNo);

    [LoggerMessage(Level = LogLevel.Information, Message = "Biometric data of candidate {ParticipantNo} deleted: {Days} days after the last exam ({LastExamDate})")]
    static partial void LogPurged(ILogger logger, string participantNo, int days, DateOnly lastExamDate);

    async Task<Result<EnrolmentReceipt>> ICandidateGrain.Enrol(byte[] photo)
    {
        if (state.State.Profile is null) return Faults.Of(ErrorCodes.CandidateNotFound, $"Candidate '{ParticipantNo}' is not registered.");
        var check = await Enrolment(photo, System.Security.Cryptography.SHA256.HashData(photo));
        return check.Fault ?? (Result<EnrolmentReceipt>)new EnrolmentReceipt(ParticipantNo, state.State.EnrolledAt!.Value, check.Value!.Liveness);
    }

    async Task<ImportLineResult> ICandidateGrain.ImportPhoto(byte[] photo)
    {
        if (state.State.Profile is null) return Faults.Of(ErrorCodes.CandidateNotFound, $"Candidate '{ParticipantNo}' is not registered.");
        photo ??= [];
        var digest = System.Security.Cryptography.SHA256.HashData(photo);
        if (state.State.SealedReference is not null && state.State.PhotoDigest is { } known && known.AsSpan().SequenceEqual(digest))
            return ImportLineResult.Unchanged;
        var first = state.State.SealedReference is null;
        var check = await Enrolment(photo, digest);
        return check.Fault ?? (first ? ImportLineResult.Created : ImportLineResult.Updated);
    }

    /// <summary>
    /// Analyses the photo and, when it shows one usable face, stores it (sealed) as the reference with its embedding and
    /// its SHA-256 <paramref name="digest"/> (an import sending the same bytes again is then unchanged).
    /// </summary>
    async Task<Result<FaceCheck>> Enrolment(byte[] photo, byte[] digest)
    {
        var check = await Analyze(photo);
        if (check.Problem == FaceCheck.Busy) return Faults.Of(ErrorCodes.FaceBusy, "The face checkers are busy; send the photo again shortly.");
        if (!check.IsUsable) return Faults.Of(check.Problem ?? FaceCodes.NoFace, "The registration photo must show one whole face, clearly.");
        await blobs.Biometrics.Put(PhotoName, protector.Seal(photo, PhotoContext));
        state.State.SealedReference = protector.SealEmbedding(check.Embedding!, ReferenceContext);
        state.State.SealedReferencePrint = check.Fingerprint is { } print ? protector.SealEmbedding(print, PrintContext) : null;
        state.State.PhotoDigest = digest;
        state.State.EnrolledAt = clock.GetUtcNow();
        await state.WriteStateAsync();
        if (state.State.LastExamDate is not null) await EnsureRetentionReminder();
        return check;
    }

    async Task<Result<FaceMatch>> ICandidateGrain.MatchFace(byte[] capture, FaceMatchPurpose purpose)
    {
        if (state.State.SealedReference is not { } registration)
            return Faults.Of(ErrorCodes.CandidateNotEnrolled, $"Candidate '{ParticipantNo}' has no registration photo.");
        var check = await Analyze(capture);
        if (check.Problem == FaceCheck.Busy)
        {
            CountCheck(purpose, "busy");
            return Faults.Of(ErrorCodes.FaceBusy, "The face checkers are busy; try again in a moment.");
        }
        if (!check.IsUsable)
        {
            CountCheck(purpose, "retake");
            return new FaceMatch(FaceMatchOutcome.Retake, null, check.Problem, check.Liveness, check.FaceCount);
        }
        // The registration photo (or a copy of it: re-encoded, resized, on a screen) is not a live capture, even
        // though it matches perfectly: someone who holds the photo could check in without the person.
        if (purpose == FaceMatchPurpose.CheckIn && check.Fingerprint is { } print && await ReferencePrint() is { } referencePrint
            && FaceMath.Cosine(print, referencePrint) is var correlation && correlation >= faceOptions.Value.ReplayCorrelation)
        {
            CountCheck(purpose, "replay");
            return Faults.Of(ErrorCodes.CheckInFaceReplay, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"The capture is a copy of the registration photo (fingerprint correlation {correlation:0.000}), not a live photo: take one of the candidate."));
        }
        if (check.Liveness < faceOptions.Value.MinLiveness)
        {
            CountCheck(purpose, "not_live");
            return new FaceMatch(FaceMatchOutcome.Retake, null, FaceCodes.NotLive, check.Liveness, check.FaceCount);
        }

        var (reference, context) = purpose == FaceMatchPurpose.InExam && state.State.SealedCheckInReference is { } checkIn
            ? (checkIn, CheckInContext)
            : (registration, ReferenceContext);
        var similarity = FaceMath.Cosine(protector.OpenEmbedding(reference, context), check.Embedding);
        var outcome = faceOptions.Value.IsMatch(similarity) ? FaceMatchOutcome.Verified : FaceMatchOutcome.NotVerified;
        CountCheck(purpose, outcome == FaceMatchOutcome.Verified ? "verified" : "not_verified");
        if (outcome == FaceMatchOutcome.NotVerified)
        {
            // The proctor decides on a mismatch by looking at both faces: the capture is kept, sealed, as evidence.
            var evidence = $"e{clock.GetUtcNow().UtcTicks}";
            await blobs.Biometrics.Put(EvidenceName(evidence), protector.Seal(capture, $"evidence:{ParticipantNo}:{evidence}"));
            return new FaceMatch(outcome, similarity, null, check.Liveness, check.FaceCount, evidence);
        }
        if (purpose == FaceMatchPurpose.CheckIn && outcome == FaceMatchOutcome.Verified)
        {
            state.State.SealedCheckInReference = protector.SealEmbedding(check.Embedding!, CheckInContext);
            await state.WriteStateAsync();
        }
        return new FaceMatch(outcome, similarity, null, check.Liveness, check.FaceCount);
    }

    string CheckInContext => $"checkin:{ParticipantNo}";

    string PrintContext => $"print:{ParticipantNo}";

    string PhotoContext => $"photo:{ParticipantNo}";

    /// <summary>The registration photo's fingerprint; for a photo enrolled before prints were kept, taken from the sealed photo once.</summary>
    async Task<float[]?> ReferencePrint()
    {
        if (state.State.SealedReferencePrint is { } sealedPrint) return protector.OpenEmbedding(sealedPrint, PrintContext);
        if (await blobs.Biometrics.Get(PhotoName) is not { } sealedPhoto) return null;
        var check = await Analyze(protector.Open(sealedPhoto, PhotoContext));
        if (check.Fingerprint is not { } print) return null;
        state.State.SealedReferencePrint = protector.SealEmbedding(print, PrintContext);
        await state.WriteStateAsync();
        return print;
    }

    string EvidenceName(string evidence) => $"evidence/{ParticipantNo}/{evidence}";

    async Task<byte[]?> ICandidateGrain.GetFaceImage(string? evidence)
    {
        if (evidence is not null && !Keys.IsValidToken(evidence, 32)) return null;
        var (name, context) = evidence is null ? (PhotoName, PhotoContext) : (EvidenceName(evidence), $"evidence:{ParticipantNo}:{evidence}");
        return await blobs.Biometrics.Get(name) is { } sealedImage ? protector.Open(sealedImage, context) : null;
    }

    static void CountCheck(FaceMatchPurpose purpose, string outcome) => CasnMetrics.FaceChecks.Add(1,
        new KeyValuePair<string, object?>("purpose", purpose == FaceMatchPurpose.CheckIn ? "check_in" : "in_exam"),
        new KeyValuePair<string, object?>("outcome", outcome));

    string PhotoName => $"photos/{ParticipantNo}/registration";
}
