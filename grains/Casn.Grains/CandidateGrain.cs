using Casn.Faces;

namespace Casn.Grains;

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

    /// <summary>The candidate's rules over the grain's state (the state object is the one Orleans persists).</summary>
    Candidate Rules => field ??= new Candidate(state.State, ParticipantNo);

    string ReferenceContext => $"reference:{ParticipantNo}";

    /// <summary>Every face check goes through the face pool, on this silo's workers or, where it has none, another's.</summary>
    Task<FaceCheck> Analyze(byte[] image) => GrainFactory.GetGrain<IFaceVerifierGrain>(0).Analyze(image);

    async Task<Result<CandidateRecord>> ICandidateGrain.Register(CandidateProfile profile) =>
        await Registration(profile) is { Fault: { } fault } ? fault : Rules.Record!;

    Task<ImportLineResult> ICandidateGrain.Import(CandidateProfile profile) => Registration(profile);

    /// <summary>Registers or updates the candidate; the same profile again writes nothing (<c>unchanged</c>).</summary>
    async Task<ImportLineResult> Registration(CandidateProfile profile)
    {
        if (Rules.ProfileFault(profile) is { } invalid) return invalid;
        if (await Blocked(profile.NationalId, "registration", null) is { } blocked) return blocked;
        var positionExams = await positions.ExamsOf(profile.PositionId);
        if (positionExams.Length == 0)
            return Faults.Of(ErrorCodes.PositionUnknown, $"Position '{profile.PositionId}' is not defined: a national operator defines it first (PUT /api/exams/{{examId}}/positions/{{positionId}}).");
        // A refusal is checked against the directory itself: the position may have joined another exam since it was cached.
        if (await CategoryFault(profile.Category, positionExams) is not null
            && await CategoryFault(profile.Category, await positions.ExamsOf(profile.PositionId, fresh: true)) is { } category)
            return category;
        var outcome = Rules.Register(profile, clock.GetUtcNow());
        if (outcome.Fault is null && outcome != ImportLineResult.Unchanged) await state.WriteStateAsync();
        return outcome;
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

    Task<CandidateProfile?> ICandidateGrain.GetProfile() => Task.FromResult(Rules.Profile);

    Task<CandidateRecord?> ICandidateGrain.GetRecord() => Task.FromResult(Rules.Record);

    async Task<Result<CandidateProfile>> ICandidateGrain.SeatFor(RoomKey room, string examId)
    {
        if (Rules.Profile is not { } profile) return Rules.NotRegistered;
        if (Rules.PlaceFault(room) is { } elsewhere) return elsewhere;
        if (await Blocked(profile.NationalId, "seat", room.ToString()) is { } blocked) return blocked;
        var seat = Rules.Seat(room, examId);
        if (!seat.IsOk) return seat.Fault!;
        if (!seat.Value!.Changed) return profile;
        await state.WriteStateAsync();
        if (seat.Value.RetentionFrom is not null) await EnsureRetentionReminder();
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

    async Task ICandidateGrain.ReleaseSeat(RoomKey room, string examId)
    {
        if (Rules.ReleaseSeat(room, examId)) await state.WriteStateAsync();
    }

    async Task<Result<CandidateRecord>> ICandidateGrain.Move(CandidateMoveRequest request, string by)
    {
        if (Rules.MoveFault(request, by) is { } invalid) return invalid;
        if (Rules.StaysPut(request)) return Rules.Record!;

        // Seats the new place cannot use are freed in their rooms first; a sitting already under way refuses the
        // move, and one already finished stays on record (it still counts as this exam's sitting).
        var released = new List<string>();
        foreach (var (examId, room) in Rules.SeatsOutside(request))
        {
            var unseated = await GrainFactory.GetGrain<IExamRoomGrain>(room.ToString()).Unseat(ParticipantNo, new ProctorAction(by, Candidate.UnseatReason(request)));
            if (!unseated.IsOk)
            {
                // Seats freed before the refusal are freed for good: keep the record true to the rooms.
                if (released.Count > 0) await state.WriteStateAsync();
                return unseated.Fault!;
            }
            if (!unseated.Value) continue;
            Rules.ReleaseSeat(room, examId);
            released.Add(room.ToString());
        }
        Rules.Move(request, by, [.. released], clock.GetUtcNow());
        await state.WriteStateAsync();
        return Rules.Record!;
    }

    async Task<RetentionOutcome> ICandidateGrain.ApplyRetention()
    {
        var days = biometrics.Value.RetentionDays;
        var keepUntil = Rules.KeepUntil(days);
        if (!Rules.RetentionDue(DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), days))
            return new RetentionOutcome(false, keepUntil, state.State.BiometricsPurgedAt);
        await blobs.Biometrics.Delete(PhotoName);
        await foreach (var evidence in blobs.Biometrics.List($"evidence/{ParticipantNo}/")) await blobs.Biometrics.Delete(evidence);
        Rules.BiometricsPurged(clock.GetUtcNow());
        await state.WriteStateAsync();
        CasnMetrics.BiometricsPurged.Add(1);
        LogPurged(logger, ParticipantNo, days, state.State.LastExamDate!.Value);
        return new RetentionOutcome(true, keepUntil, state.State.BiometricsPurgedAt);
    }

    async Task IRemindable.ReceiveReminder(string reminderName, TickStatus status)
    {
        var outcome = await ((ICandidateGrain)this).ApplyRetention();
        // Nothing left to delete: the reminder goes until the candidate is seated (or enrolled) again.
        if (outcome.Purged || !Rules.HoldsBiometrics)
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
        if (Rules.Profile is null) return Rules.NotRegistered;
        var check = await Enrolment(photo, System.Security.Cryptography.SHA256.HashData(photo));
        return check.Fault ?? (Result<EnrolmentReceipt>)new EnrolmentReceipt(ParticipantNo, state.State.EnrolledAt!.Value, check.Value!.Liveness);
    }

    async Task<ImportLineResult> ICandidateGrain.ImportPhoto(byte[] photo)
    {
        if (Rules.Profile is null) return Rules.NotRegistered;
        photo ??= [];
        var digest = System.Security.Cryptography.SHA256.HashData(photo);
        if (Rules.IsEnrolledPhoto(digest)) return ImportLineResult.Unchanged;
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
        Rules.Enrolled(protector.SealEmbedding(check.Embedding!, ReferenceContext),
            check.Fingerprint is { } print ? protector.SealEmbedding(print, PrintContext) : null, digest, clock.GetUtcNow());
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
