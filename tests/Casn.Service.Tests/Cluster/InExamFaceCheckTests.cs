using Casn.Service.Tests.Support;
using Casn.Domain;
using Casn.Domain.Sessions;
using Casn.Grains.Abstractions;
using static Casn.Service.Tests.Cluster.ExamDay;

namespace Casn.Service.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class InExamFaceCheckTests(ClusterFixture fixture)
{
    IGrainFactory Grains => fixture.Client;

    async Task<(ExamDay Day, string Token)> Sitting(string registrationPhoto)
    {
        var day = await new ExamDay(Grains).Prepare(candidates: 1);
        Ok(await Grains.GetGrain<ICandidateGrain>(day.ParticipantNo(1)).Enrol(TestPhotos.Bytes(registrationPhoto)));
        return (day, await day.Start(1));
    }

    /// <summary>Frames are taken only when a check is due (face.not_due otherwise): wait for the server to ask.</summary>
    async Task Due(ExamDay day, string token) =>
        await Eventually(async () => Ok(await day.Session(1).Heartbeat(token)).FaceCheckDue, ClusterFixture.FaceCheckEvery * 3, "a face check falls due");

    [Fact]
    public async Task The_server_asks_for_a_frame_and_the_same_face_keeps_the_exam_going()
    {
        var (day, token) = await Sitting("kit_harington_1.jpg");
        await Eventually(async () => Ok(await day.Session(1).Heartbeat(token)).FaceCheckDue,
            ClusterFixture.FaceCheckEvery * 3, "a face check falls due");

        var clock = Ok(await day.Session(1).SubmitFaceFrame(token, TestPhotos.Bytes("kit_harington_2.jpg")));

        Assert.Equal(SessionStatus.InProgress, clock.Status);
        Assert.False(clock.FaceCheckDue);
        Assert.Contains((await day.Session(1).GetView())!.Events, e => e.Kind == SessionEventKinds.FaceChecked);
    }

    [Fact]
    public async Task A_different_face_stops_the_questions_at_once_until_a_proctor_decides()
    {
        var (day, token) = await Sitting("kit_harington_1.jpg");
        var item = day.PaperOf(1).Items[0].Item.Id;

        await Due(day, token);
        var clock = Ok(await day.Session(1).SubmitFaceFrame(token, TestPhotos.Bytes("alex_lacamoire_1.jpg")));

        Assert.Equal(SessionStatus.Suspended, clock.Status);
        Assert.False(clock.Running);
        Fails(ErrorCodes.SessionSuspended, await day.Session(1).SubmitAnswer(token, new AnswerSubmission(1, item, 0)));
        Fails(ErrorCodes.SessionSuspended, await day.Session(1).GetPaper(token));
        await Eventually(async () => Ok(await day.Room.GetView()).Incidents.Any(i => i.Kind == SessionEventKinds.FaceMismatch),
            TimeSpan.FromSeconds(5), "the room records the mismatch");
        // The proctor has both faces to compare: the refused frame is kept as the incident's evidence.
        var mismatch = Ok(await day.Room.GetView()).Incidents.Single(i => i.Kind == SessionEventKinds.FaceMismatch);
        var candidate = Grains.GetGrain<ICandidateGrain>(day.ParticipantNo(1));
        Assert.Equal(TestPhotos.Bytes("alex_lacamoire_1.jpg"), await candidate.GetFaceImage(mismatch.Evidence));
        Assert.Equal(TestPhotos.Bytes("kit_harington_1.jpg"), await candidate.GetFaceImage(null));
        // The machine never disqualifies: the sitting waits, suspended, for the proctor.
        Assert.Equal(FinishReason.None, (await day.Session(1).GetView())!.FinishReason);

        var resumed = Ok(await day.Room.Resume(day.ParticipantNo(1), new ProctorAction("proctor-7", "twin brother checked out; candidate back in seat")));
        Assert.Equal(SessionStatus.InProgress, resumed.Status);
        Assert.InRange(clock.RemainingMs - resumed.Clock.RemainingMs, 0, 300);
        Assert.True(Ok(await day.Session(1).Heartbeat(token)).FaceCheckDue);
    }

    [Fact]
    public async Task Frames_without_a_usable_face_suspend_after_the_allowed_misses()
    {
        var (day, token) = await Sitting("rose_leslie_1.jpg");
        var noFace = "not a camera frame"u8.ToArray();

        await Due(day, token);
        Assert.Equal(SessionStatus.InProgress, Ok(await day.Session(1).SubmitFaceFrame(token, noFace)).Status);
        var second = Ok(await day.Session(1).SubmitFaceFrame(token, TestPhotos.Bytes("multi_two_people.jpg")));
        Assert.Equal(SessionStatus.InProgress, second.Status);
        Assert.True(second.FaceCheckDue);
        Assert.Equal(SessionStatus.Suspended, Ok(await day.Session(1).SubmitFaceFrame(token, noFace)).Status);
        await Eventually(async () => Ok(await day.Room.GetView()).Incidents.Any(i => i.Kind == SessionEventKinds.FaceMissing),
            TimeSpan.FromSeconds(5), "the room records the missing face");
    }

    [Fact]
    public async Task A_good_frame_resets_the_miss_count()
    {
        var (day, token) = await Sitting("rose_leslie_1.jpg");
        var noFace = "not a camera frame"u8.ToArray();
        await Due(day, token);
        Ok(await day.Session(1).SubmitFaceFrame(token, noFace));
        Ok(await day.Session(1).SubmitFaceFrame(token, noFace));
        Ok(await day.Session(1).SubmitFaceFrame(token, TestPhotos.Bytes("rose_leslie_2.jpg")));
        await Due(day, token);
        Ok(await day.Session(1).SubmitFaceFrame(token, noFace));
        Assert.Equal(SessionStatus.InProgress, Ok(await day.Session(1).SubmitFaceFrame(token, noFace)).Status);
    }

    [Fact]
    public async Task Exam_frames_are_compared_with_the_check_in_capture_not_the_older_registration_photo()
    {
        var day = await new ExamDay(Grains).Prepare(candidates: 1);
        // obama_2 vs obama_4 scores about 0.70; obama_1 vs obama_4 about 0.996.
        Ok(await Grains.GetGrain<ICandidateGrain>(day.ParticipantNo(1)).Enrol(TestPhotos.Bytes("obama_2.jpg")));
        var pin = Ok(await day.Room.CheckIn(new CheckInRequest(day.ParticipantNo(1), "face", day.Proctor, TestPhotos.Bytes("obama_1.jpg")))).Pin;
        await day.Open();
        var token = await day.Login(1, pin);

        await Due(day, token);
        Ok(await day.Session(1).SubmitFaceFrame(token, TestPhotos.Bytes("obama_4.jpg")));

        var check = (await day.Session(1).GetView())!.Events.Last(e => e.Kind == SessionEventKinds.FaceChecked);
        var similarity = double.Parse(check.Detail[(check.Detail.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(similarity > 0.95, check.Detail);
    }
}
