using static Casn.Service.Tests.Support.TestPhotos;
using System.Net.Http.Json;
using Casn.Service.Tests.Support;
using System.Net.Http.Headers;
using static Casn.Service.Tests.Http.HttpExamDay;

namespace Casn.Service.Tests.Http;

[Collection(SiloCollection.Name)]
public sealed class FaceApiTests(SiloFactory factory)
{
    [Fact]
    public async Task The_registration_photo_shown_to_the_check_in_camera_is_refused_and_a_print_asks_for_a_retake()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 1);
        await Expect(200, await day.Operator.PutAsync($"/api/candidates/{day.ParticipantNo(1)}/photo", Jpeg("rose_leslie_1.jpg")));
        var checkIn = $"{day.RoomPath}/checkins/{day.ParticipantNo(1)}/face";

        await ExpectProblem(422, "checkin.face_replay", await day.Proctor.PostAsync(checkIn, Jpeg("rose_leslie_1.jpg")));
        var onPaper = Casn.Bench.FaceImitations.Jpeg(TestPhotos.Bytes("rose_leslie_2.jpg"), Casn.Bench.FaceImitations.Print);
        using var retake = await day.Proctor.PostAsync(checkIn, new ByteArrayContent(onPaper) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } });
        Assert.Contains("face.not_live", await retake.Content.ReadAsStringAsync());
        await ExpectProblem(422, "checkin.face_retake", retake);

        var incidents = (await Expect(200, await day.Proctor.GetAsync(day.RoomPath))).GetProperty("incidents").EnumerateArray().ToList();
        Assert.Single(incidents, i => i.GetProperty("kind").GetString() == "face_replay");
        await Expect(200, await day.Proctor.PostAsync(checkIn, Jpeg("rose_leslie_2.jpg")));
    }

    [Fact]
    public async Task Enrolment_and_face_check_in_over_http()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 2);
        var enrolled = await Expect(200, await day.Operator.PutAsync($"/api/candidates/{day.ParticipantNo(1)}/photo", Jpeg("kit_harington_1.jpg")));
        Assert.Equal(day.ParticipantNo(1), enrolled.GetProperty("participantNo").GetString());
        Assert.False(enrolled.TryGetProperty("embedding", out _));
        var checkIn = $"{day.RoomPath}/checkins/{day.ParticipantNo(1)}/face";

        await ExpectProblem(422, "checkin.face_mismatch", await day.Proctor.PostAsync(checkIn, Jpeg("rose_leslie_1.jpg")));
        var receipt = await Expect(200, await day.Proctor.PostAsync(checkIn, Jpeg("kit_harington_3.jpg")));
        Assert.Matches("^[0-9]{6}$", receipt.GetProperty("pin").GetString()!);

        // The proctor deciding on the mismatch sees both faces: the registration photo and the refused capture.
        var view = await Expect(200, await day.Proctor.GetAsync(day.RoomPath));
        var evidence = view.GetProperty("incidents").EnumerateArray().First(i => i.GetProperty("kind").GetString() == "face_check").GetProperty("evidence").GetString()!;
        var faces = $"{day.RoomPath}/candidates/{day.ParticipantNo(1)}/faces/";
        var registration = await day.Proctor.GetAsync(faces + "registration");
        Assert.Equal("image/jpeg", registration.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TestPhotos.Bytes("kit_harington_1.jpg"), await registration.Content.ReadAsByteArrayAsync());
        Assert.Equal("no-store", registration.Headers.CacheControl?.ToString());
        Assert.Equal(TestPhotos.Bytes("rose_leslie_1.jpg"), await (await day.Proctor.GetAsync(faces + evidence)).Content.ReadAsByteArrayAsync());
        await ExpectProblem(404, "face.image_not_found", await day.Proctor.GetAsync(faces + "e1"));
        await ExpectProblem(404, "room.not_on_roster", await day.Proctor.GetAsync($"{day.RoomPath}/candidates/SOMEONE-ELSE/faces/registration"));
        await ExpectProblem(403, "auth.forbidden", await day.Operator.GetAsync(faces + "registration"));

        await ExpectProblem(409, "candidate.not_enrolled", await day.Proctor.PostAsync($"{day.RoomPath}/checkins/{day.ParticipantNo(2)}/face", Jpeg("obama_1.jpg")));
        await ExpectProblem(422, "image.empty", await day.Operator.PutAsync($"/api/candidates/{day.ParticipantNo(2)}/photo", new ByteArrayContent([])));
        await ExpectProblem(413, "image.too_large", await day.Operator.PutAsync($"/api/candidates/{day.ParticipantNo(2)}/photo", new ByteArrayContent(new byte[9 * 1024 * 1024])));
        await ExpectProblem(422, "face.several", await day.Operator.PutAsync($"/api/candidates/{day.ParticipantNo(2)}/photo", Jpeg("multi_two_people.jpg")));

        var metrics = await day.Operator.GetStringAsync("/metrics");
        Assert.Matches(@"(?m)^casn_faces_checks_total\{[^}]*outcome=""not_verified""[^}]*\} [1-9]", metrics);
        Assert.Matches(@"(?m)^casn_faces_checks_total\{[^}]*outcome=""verified""[^}]*\} [1-9]", metrics);

        // Nothing biometric comes back: the room view and the candidate record carry no photo or embedding.
        var room = (await day.Proctor.GetStringAsync(day.RoomPath)).ToLowerInvariant();
        var candidate = (await day.Operator.GetStringAsync($"/api/candidates/{day.ParticipantNo(1)}")).ToLowerInvariant();
        foreach (var text in new[] { room, candidate })
        {
            Assert.DoesNotContain("embedding", text);
            Assert.DoesNotContain("photo", text);
        }
    }

    [Fact]
    public async Task A_camera_frame_of_another_face_suspends_the_sitting_over_http()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 1);
        await Expect(200, await day.Operator.PutAsync($"/api/candidates/{day.ParticipantNo(1)}/photo", Jpeg("obama_2.jpg")));
        var workstation = await day.Start(1);
        var frames = day.SessionPath(1) + "/face-frames";

        await ExpectProblem(401, "auth.token_missing", await day.Anonymous.PostAsync(frames, Jpeg("obama_1.jpg")));
        await ExpectProblem(409, "face.not_due", await workstation.PostAsync(frames, Jpeg("obama_1.jpg")));
        // A resume asks for a fresh frame at once (who sits down again?): that makes a check due here.
        var candidate = $"{day.RoomPath}/candidates/{day.ParticipantNo(1)}";
        await Expect(200, await day.Proctor.PostAsJsonAsync(candidate + "/suspend", ProctorNote));
        await Expect(200, await day.Proctor.PostAsJsonAsync(candidate + "/resume", ProctorNote));
        var same = await Expect(200, await workstation.PostAsync(frames, Jpeg("obama_1.jpg")));
        Assert.Equal("InProgress", same.GetProperty("status").GetString());
        await ExpectProblem(409, "face.not_due", await workstation.PostAsync(frames, Jpeg("biden_2.jpg")));
        await Expect(200, await day.Proctor.PostAsJsonAsync(candidate + "/suspend", ProctorNote));
        await Expect(200, await day.Proctor.PostAsJsonAsync(candidate + "/resume", ProctorNote));
        var other = await Expect(200, await workstation.PostAsync(frames, Jpeg("biden_2.jpg")));
        Assert.Equal("Suspended", other.GetProperty("status").GetString());
        await ExpectProblem(409, "session.suspended", await workstation.GetAsync(day.SessionPath(1) + "/paper"));
    }
}
