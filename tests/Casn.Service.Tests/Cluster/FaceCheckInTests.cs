using Casn.Service.Tests.Support;
using Casn.Domain;
using Casn.Grains;
using Casn.Grains.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using static Casn.Service.Tests.Cluster.ExamDay;

namespace Casn.Service.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class FaceCheckInTests(ClusterFixture fixture)
{
    IGrainFactory Grains => fixture.Client;

    CheckInRequest Face(ExamDay day, int n, string photo) =>
        new(day.ParticipantNo(n), "face", new ProctorAction("proctor-7", "check-in desk 2"), TestPhotos.Bytes(photo));

    [Fact]
    public async Task The_registered_person_checks_in_by_face_and_the_check_is_recorded()
    {
        var day = await new ExamDay(Grains).Prepare(candidates: 1);
        Ok(await Grains.GetGrain<ICandidateGrain>(day.ParticipantNo(1)).Enrol(TestPhotos.Bytes("obama_1.jpg")));

        // obama_4 is another copy of the obama_1 shot (it would be a replay); obama_3 is a different photo.
        var receipt = Ok(await day.Room.CheckIn(Face(day, 1, "obama_3.jpg")));

        Assert.Matches("^[0-9]{6}$", receipt.Pin);
        var room = Ok(await day.Room.GetView());
        var check = Assert.Single(room.Incidents, i => i.Kind == "face_check");
        Assert.StartsWith("Verified, similarity 0.7", check.Reason);
        Assert.Equal("proctor-7", check.By);
        Assert.Equal(1, room.Attendance.CheckedIn);
    }

    [Fact]
    public async Task A_different_face_is_refused_and_only_a_proctor_can_override_it_with_a_reason()
    {
        var day = await new ExamDay(Grains).Prepare(candidates: 1);
        Ok(await Grains.GetGrain<ICandidateGrain>(day.ParticipantNo(1)).Enrol(TestPhotos.Bytes("obama_1.jpg")));

        Fails(ErrorCodes.CheckInFaceMismatch, await day.Room.CheckIn(Face(day, 1, "biden_1.jpg")));
        Assert.Equal(0, Ok(await day.Room.GetView()).Attendance.CheckedIn);

        var overridden = Ok(await day.Room.CheckIn(new CheckInRequest(day.ParticipantNo(1), "manual",
            new ProctorAction("proctor-7", "ID card and registration data checked by hand; photo from 2019"))));
        Assert.Matches("^[0-9]{6}$", overridden.Pin);
        var incidents = Ok(await day.Room.GetView()).Incidents.Where(i => i.ParticipantNo == day.ParticipantNo(1)).ToList();
        Assert.StartsWith("NotVerified", incidents.Single(i => i.Kind == "face_check").Reason);
        Assert.Contains("checked by hand", incidents.Single(i => i.Kind == "face_override").Reason);
    }

    [Fact]
    public async Task The_registration_photo_or_a_copy_of_it_is_refused_as_a_replay_and_recorded()
    {
        var day = await new ExamDay(Grains).Prepare(candidates: 1);
        var registration = TestPhotos.Bytes("kit_harington_1.jpg");
        Ok(await Grains.GetGrain<ICandidateGrain>(day.ParticipantNo(1)).Enrol(registration));

        Fails(ErrorCodes.CheckInFaceReplay, await day.Room.CheckIn(Face(day, 1, "kit_harington_1.jpg")));
        var webcamCopy = Casn.Bench.FaceImitations.Jpeg(registration, image => Casn.Bench.FaceImitations.Fit(image, 640, 480));
        Fails(ErrorCodes.CheckInFaceReplay, await day.Room.CheckIn(new CheckInRequest(day.ParticipantNo(1), "face", day.Proctor, webcamCopy)));

        var room = Ok(await day.Room.GetView());
        Assert.Equal(0, room.Attendance.CheckedIn);
        var replays = room.Incidents.Where(i => i.Kind == RoomIncidentKinds.FaceReplay).ToList();
        Assert.Equal(2, replays.Count);
        Assert.All(replays, r => Assert.Matches(@"fingerprint correlation (0\.9|1\.0)", r.Reason));
        // A new photo of the same person is a capture, not a copy.
        Ok(await day.Room.CheckIn(Face(day, 1, "kit_harington_3.jpg")));
    }

    [Fact]
    public async Task A_capture_that_does_not_look_live_asks_for_a_retake()
    {
        var day = await new ExamDay(Grains).Prepare(candidates: 1);
        Ok(await Grains.GetGrain<ICandidateGrain>(day.ParticipantNo(1)).Enrol(TestPhotos.Bytes("kit_harington_1.jpg")));
        // Another photo of the candidate, shown on a phone screen (imitated): the face matches, liveness does not.
        var onScreen = Casn.Bench.FaceImitations.Jpeg(TestPhotos.Bytes("kit_harington_2.jpg"), Casn.Bench.FaceImitations.Screen);

        Fails(ErrorCodes.CheckInFaceRetake, await day.Room.CheckIn(new CheckInRequest(day.ParticipantNo(1), "face", day.Proctor, onScreen)));

        var check = Assert.Single(Ok(await day.Room.GetView()).Incidents, i => i.Kind == "face_check");
        Assert.StartsWith("Retake", check.Reason);
        Assert.Contains(Casn.Faces.FaceCodes.NotLive, check.Reason);
        Ok(await day.Room.CheckIn(Face(day, 1, "kit_harington_2.jpg")));
    }

    [Fact]
    public async Task No_usable_face_asks_for_a_retake()
    {
        var day = await new ExamDay(Grains).Prepare(candidates: 1);
        Ok(await Grains.GetGrain<ICandidateGrain>(day.ParticipantNo(1)).Enrol(TestPhotos.Bytes("obama_1.jpg")));

        Fails(ErrorCodes.CheckInFaceRetake, await day.Room.CheckIn(Face(day, 1, "multi_two_people.jpg")));
        Fails(ErrorCodes.CheckInFaceRetake, await day.Room.CheckIn(new CheckInRequest(day.ParticipantNo(1), "face", day.Proctor, "not an image"u8.ToArray())));
        Fails(ErrorCodes.CheckInInvalid, await day.Room.CheckIn(new CheckInRequest(day.ParticipantNo(1), "face", day.Proctor)));
        var checks = Ok(await day.Room.GetView()).Incidents.Where(i => i.Kind == "face_check").Select(i => i.Reason).ToList();
        Assert.Contains(checks, r => r.Contains("face.several"));
        Assert.Contains(checks, r => r.Contains("image.unsupported_format"));
    }

    [Fact]
    public async Task Enrolment_needs_one_clear_face_and_check_in_needs_enrolment()
    {
        var day = await new ExamDay(Grains).Prepare(candidates: 1);
        var candidate = Grains.GetGrain<ICandidateGrain>(day.ParticipantNo(1));

        Fails(ErrorCodes.CandidateNotEnrolled, await day.Room.CheckIn(Face(day, 1, "obama_1.jpg")));
        Fails("face.several", await candidate.Enrol(TestPhotos.Bytes("multi_two_people.jpg")));
        Fails("image.corrupt", await candidate.Enrol(TestPhotos.Bytes("obama_1.jpg")[..5000]));
        Fails(ErrorCodes.CandidateNotFound, await Grains.GetGrain<ICandidateGrain>("NEVER-REGISTERED").Enrol(TestPhotos.Bytes("obama_1.jpg")));
    }

    [Fact]
    public async Task The_registration_photo_is_sealed_at_rest_and_bound_to_its_candidate()
    {
        var day = await new ExamDay(Grains).Prepare(candidates: 1);
        var photo = TestPhotos.Bytes("rose_leslie_2.jpg");
        Ok(await Grains.GetGrain<ICandidateGrain>(day.ParticipantNo(1)).Enrol(photo));

        var blobs = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<BlobStores>();
        var stored = (await blobs.Biometrics.Get($"photos/{day.ParticipantNo(1)}/registration"))!;
        Assert.False(stored[0] == 0xFF && stored[1] == 0xD8, "the stored photo is a plain JPEG");
        Assert.Equal(-1, stored.AsSpan().IndexOf(photo.AsSpan(100, 64)));
        var protector = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<BiometricProtector>();
        Assert.Equal(photo, protector.Open(stored, $"photo:{day.ParticipantNo(1)}"));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => protector.Open(stored, "photo:SOMEONE-ELSE"));
    }

    [Fact]
    public async Task A_burst_beyond_the_pool_gets_busy_answers_not_an_unbounded_queue()
    {
        // The silo's own admission, called as its verifier grains call it: all 40 checks are admitted or refused
        // before the first (tens of milliseconds on the largest photo, 1434x2333) can finish. Sent through a
        // cluster client instead, the burst would arrive spread over its own serialisation time.
        var admission = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<FaceVerification>();
        var photo = TestPhotos.Bytes("obama_3.jpg");

        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => admission.Analyze(photo)).ToList());

        // One worker with two waiting places: the rest of the burst is turned away at once, as "busy".
        var busy = results.Count(r => r.Problem == FaceCheck.Busy);
        var done = results.Where(r => r.Problem != FaceCheck.Busy).ToList();
        Assert.Equal(admission.Capacity, done.Count);
        Assert.Equal(40 - admission.Capacity, busy);
        Assert.All(done, r => Assert.True(r.IsUsable));
        Assert.True((await Grains.GetGrain<IFaceVerifierGrain>(0).Analyze(photo)).IsUsable);
    }
}

[Collection(ClusterCollection.Name)]
public sealed class RetentionTests(ClusterFixture fixture)
{
    IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task Biometric_data_is_deleted_after_the_retention_period_following_the_last_exam_and_recorded()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var old = await new ExamDay(Grains, date: today.AddDays(-31)).Prepare(candidates: 1);
        var recent = await new ExamDay(Grains, date: today.AddDays(-29)).Prepare(candidates: 1);
        var blobs = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<BlobStores>();
        var (gone, kept) = (Grains.GetGrain<ICandidateGrain>(old.ParticipantNo(1)), Grains.GetGrain<ICandidateGrain>(recent.ParticipantNo(1)));
        Ok(await gone.Enrol(TestPhotos.Bytes("rose_leslie_1.jpg")));
        Ok(await kept.Enrol(TestPhotos.Bytes("kit_harington_1.jpg")));

        var purged = await gone.ApplyRetention();
        var untouched = await kept.ApplyRetention();

        Assert.True(purged.Purged);
        Assert.Equal(today.AddDays(-1), purged.KeepUntil);
        Assert.NotNull(purged.PurgedAt);
        Assert.Null(await blobs.Biometrics.Get($"photos/{old.ParticipantNo(1)}/registration"));
        Fails(ErrorCodes.CandidateNotEnrolled, await gone.MatchFace(TestPhotos.Bytes("rose_leslie_2.jpg"), FaceMatchPurpose.CheckIn));
        Assert.False((await gone.ApplyRetention()).Purged);
        Assert.Equal(purged.PurgedAt, (await gone.ApplyRetention()).PurgedAt);

        Assert.False(untouched.Purged);
        Assert.Equal(today.AddDays(1), untouched.KeepUntil);
        Assert.NotNull(await blobs.Biometrics.Get($"photos/{recent.ParticipantNo(1)}/registration"));
        Assert.Equal(FaceMatchOutcome.Verified, Ok(await kept.MatchFace(TestPhotos.Bytes("kit_harington_2.jpg"), FaceMatchPurpose.CheckIn)).Outcome);
    }
}
