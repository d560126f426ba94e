using Casn.Domain;
using Casn.Domain.Sessions;
using Casn.Grains.Abstractions;
using static Casn.Service.Tests.Cluster.ExamDay;

namespace Casn.Service.Tests.Cluster;

/// <summary>The integrity rules where they live, in the grains: logins, seats and lost contact.</summary>
[Collection(ClusterCollection.Name)]
public sealed class IntegrityClusterTests(ClusterFixture fixture)
{
    IGrainFactory Grains => fixture.Client;

    static LoginRequest Stranger(string pin, int n) => new(pin, $"ws-x{n}", $"stranger-workstation-key-{n:D4}");

    [Fact]
    public async Task Wrong_pins_from_other_workstations_leave_the_seat_free_and_tell_the_room()
    {
        var day = await new ExamDay(Grains).Prepare(candidates: 1);
        var pin = await day.CheckIn(1);
        await day.Open();

        for (var n = 1; n <= 10; n++) Fails(ErrorCodes.AuthPinInvalid, await day.Session(1).Login(Stranger("000000", n), $"203.0.113.{n}"));
        // One workstation that keeps guessing from several addresses is locked out, even with the right PIN.
        for (var n = 1; n <= 4; n++) Fails(ErrorCodes.AuthPinInvalid, await day.Session(1).Login(Stranger("000000", 1), $"198.51.100.{n}"));
        Fails(ErrorCodes.AuthPinLocked, await day.Session(1).Login(Stranger(pin, 1), "198.51.100.99"));

        await day.Login(1, pin);
        await Eventually(async () => Ok(await day.Room.GetView()).Incidents.Count(i => i.Kind == RoomIncidentKinds.PinFailures) == 2,
            TimeSpan.FromSeconds(5), "pin_failures at 5 and 10");
        Assert.Equal(14, Ok(await day.Room.GetView()).Candidates[0].PinFailures);
    }

    [Fact]
    public async Task Another_workstation_takes_the_seat_only_with_the_proctors_approval()
    {
        var day = await new ExamDay(Grains).Prepare(candidates: 1);
        var pin = await day.CheckIn(1);
        await day.Open();
        var seat = await day.Login(1, pin);

        Fails(ErrorCodes.AuthReloginNeedsProctor, await day.Session(1).Login(Stranger(pin, 2), "10.1.0.2"));
        Ok(await day.Session(1).SubmitAnswer(seat, new AnswerSubmission(1, day.PaperOf(1).Items[0].Item.Id, 0)));
        await Eventually(async () => Ok(await day.Room.GetView()).Incidents.Any(i => i.Kind == RoomIncidentKinds.ReloginRequested),
            TimeSpan.FromSeconds(5), "the room hears of the request");

        Ok(await day.Room.ApproveRelogin(day.ParticipantNo(1), day.Proctor));
        var grant = Ok(await day.Session(1).Login(Stranger(pin, 2), "10.1.0.2"));
        Fails(ErrorCodes.AuthTokenInvalid, await day.Session(1).Heartbeat(seat));
        Ok(await day.Session(1).Heartbeat(WorkstationCredential.Of(grant.Token, Stranger(pin, 2).WorkstationKey)));
        Assert.Contains(Ok(await day.Room.GetView()).Incidents, i => i.Kind == RoomIncidentKinds.LoginApproved && i.By == day.Proctor.By);
    }

    [Fact]
    public async Task A_silence_past_the_auto_resume_window_waits_for_the_proctor()
    {
        var day = await new ExamDay(Grains).Prepare(candidates: 1);
        var token = await day.Start(1);
        var item = day.PaperOf(1).Items[0].Item.Id;
        var before = Ok(await day.Session(1).Heartbeat(token)).RemainingMs;

        await Task.Delay(ClusterFixture.AutoResumeWithin + TimeSpan.FromSeconds(1));
        Fails(ErrorCodes.SessionContactLost, await day.Session(1).SubmitAnswer(token, new AnswerSubmission(1, item, 0)));
        Fails(ErrorCodes.SessionContactLost, await day.Session(1).GetPaper(token));
        Assert.True(Ok(await day.Session(1).Heartbeat(token)).AwaitingProctor);
        await Eventually(async () => Ok(await day.Room.GetView()).Incidents.Any(i => i.Kind == RoomIncidentKinds.ContactLost),
            TimeSpan.FromSeconds(5), "the room hears the sitting waits");

        var resumed = Ok(await day.Room.Resume(day.ParticipantNo(1), day.Proctor));
        Assert.Contains(resumed.Events, e => e.Kind == SessionEventKinds.Resumed && e.Detail.Contains("contact lost for"));
        Ok(await day.Session(1).SubmitAnswer(token, new AnswerSubmission(1, item, 0)));
        Assert.InRange(before - Ok(await day.Session(1).Heartbeat(token)).RemainingMs, 0, ClusterFixture.HeartbeatTimeout.TotalMilliseconds + 1000);
    }
}
