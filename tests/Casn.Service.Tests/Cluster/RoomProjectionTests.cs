using Casn.Domain.Sessions;
using Casn.Grains;
using Casn.Grains.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using static Casn.Service.Tests.Cluster.ExamDay;

namespace Casn.Service.Tests.Cluster;

/// <summary>The room view reads the room's seat projection: one grain call whatever the room's size, and reads never write.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RoomProjectionTests(ClusterFixture fixture)
{
    IGrainFactory Grains => fixture.Client;

    async Task<string?> StoredETag<TState>(string stateName, GrainId grain) where TState : new()
    {
        var storage = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>("Default");
        var state = new Orleans.GrainState<TState>(new TState());
        await storage.ReadStateAsync(stateName, grain, state);
        return state.ETag;
    }

    /// <summary>A sitting's stored version: its log's length and its header's writes (any write changes it).</summary>
    async Task<SittingVersion?> StoredVersion(ICandidateSessionGrain session) =>
        (await fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<ISittingLog>().Read(session.GetPrimaryKeyString()))?.Version;

    [Fact]
    public async Task A_view_of_a_450_seat_room_is_one_grain_call_and_writes_nothing()
    {
        var day = await new ExamDay(Grains).Prepare(candidates: 450);
        var token = await day.Start(1);
        await day.CheckIn(2);
        Ok(await day.Room.GetView());
        var tracked = new[] { day.Session(1), day.Session(2), day.Session(450) };
        var etagsBefore = await Task.WhenAll(tracked.Select(s => StoredVersion(s)));
        var roomBefore = await StoredETag<RoomState>("room", day.Room.GetGrainId());
        ClusterFixture.GrainCalls.Clear();

        var view = Ok(await day.Room.GetView());

        // Calls to the room and to any of its sittings. (Not its live board, which shares the room's key: a site or
        // Kanreg board that starts meanwhile reads it, and that is no part of the view.)
        var room = day.Room.GetGrainId().ToString();
        var sittings = $"{day.Session(1).GetGrainId().Type}/{day.RoomKey}/";
        var calls = ClusterFixture.GrainCalls.Where(c => c.StartsWith(room + " ", StringComparison.Ordinal) || c.StartsWith(sittings, StringComparison.Ordinal)).ToList();
        Assert.Equal([$"{room} GetView"], calls);
        Assert.Equal(450, view.Attendance.Rostered);
        Assert.Equal((1, 1), (view.Attendance.InProgress, view.Attendance.CheckedIn));
        Assert.Equal(etagsBefore, await Task.WhenAll(tracked.Select(s => StoredVersion(s))));
        Assert.Equal(roomBefore, await StoredETag<RoomState>("room", day.Room.GetGrainId()));

        // The projection follows the sittings (answers close together are coalesced to 2 lines a second; how fast
        // a console sees them is the bench's proctor_event_p99_ms), and the running clock goes on.
        for (var n = 0; n < 3; n++)
            Ok(await day.Session(1).SubmitAnswer(token, new AnswerSubmission(n + 1, day.PaperOf(1).Items[n].Item.Id, 0)));
        SeatLine seat = null!;
        await Eventually(async () => (seat = Ok(await day.Room.GetView()).Seats.Single(c => c.ParticipantNo == day.ParticipantNo(1))).Answered == 3,
            TimeSpan.FromSeconds(10), "three answers on the seat's line");
        await Task.Delay(300);
        var later = Ok(await day.Room.GetView()).Seats.Single(c => c.ParticipantNo == day.ParticipantNo(1));
        Assert.True(later.RemainingMs <= seat.RemainingMs - 250, $"{seat.RemainingMs} then {later.RemainingMs}");
        Assert.Equal(etagsBefore[1..], await Task.WhenAll(tracked[1..].Select(s => StoredVersion(s))));
    }

    [Fact]
    public async Task A_console_waiting_for_changes_gets_the_changed_seat_and_the_new_incident()
    {
        var day = await new ExamDay(Grains).Prepare(candidates: 3);
        var token = await day.Start(1);
        var view = Ok(await day.Room.GetView());

        var waiting = day.Room.WatchChanges(view.Version, view.Incidents.Length, TimeSpan.FromSeconds(10));
        Ok(await day.Room.Suspend(day.ParticipantNo(1), day.Proctor));
        // The wait ends at the first change: the sitting's line (sent one way) may come before the room records the incident.
        Assert.Contains(Ok(await waiting).Seats, s => s.ParticipantNo == day.ParticipantNo(1) && s.Status == SessionStatus.Suspended);
        var changes = Ok(await day.Room.WatchChanges(view.Version, view.Incidents.Length, TimeSpan.Zero));

        var seat = Assert.Single(changes.Seats);
        Assert.Equal((day.ParticipantNo(1), SessionStatus.Suspended), (seat.ParticipantNo, seat.Status));
        Assert.Equal(RoomIncidentKinds.Suspended, seat.LatestIncident?.Kind);
        Assert.Equal(RoomIncidentKinds.Suspended, Assert.Single(changes.Incidents).Kind);
        Assert.Equal(view.Incidents.Length + 1, changes.IncidentCount);
        Assert.Equal(1, changes.Attendance.Suspended);

        // Nothing new: the wait ends empty after its time, and a sitting that answers wakes it.
        var quiet = Ok(await day.Room.WatchChanges(changes.Version, changes.IncidentCount, TimeSpan.FromMilliseconds(200)));
        Assert.Empty(quiet.Seats);
        Assert.Empty(quiet.Incidents);
        Ok(await day.Room.Resume(day.ParticipantNo(1), day.Proctor));
        var resumed = Ok(await day.Room.WatchChanges(quiet.Version, quiet.IncidentCount, TimeSpan.FromSeconds(10)));
        Assert.Equal(SessionStatus.InProgress, Assert.Single(resumed.Seats).Status);
        var waitingForAnswer = day.Room.WatchChanges(resumed.Version, resumed.IncidentCount, TimeSpan.FromSeconds(10));
        Ok(await day.Session(1).SubmitAnswer(token, new AnswerSubmission(1, day.PaperOf(1).Items[0].Item.Id, 0)));
        var answered = Ok(await waitingForAnswer);
        for (var more = 0; more < 5 && !answered.Seats.Any(s => s.Answered == 1); more++)
            answered = Ok(await day.Room.WatchChanges(answered.Version, answered.IncidentCount, TimeSpan.FromSeconds(2)));
        Assert.Equal(1, Assert.Single(answered.Seats).Answered);
    }

    [Fact]
    public async Task A_reactivated_room_rebuilds_its_projection_from_the_sittings()
    {
        var day = await new ExamDay(Grains).Prepare(candidates: 3);
        var token = await day.Start(1);
        Ok(await day.Session(1).SubmitAnswer(token, new AnswerSubmission(1, day.PaperOf(1).Items[0].Item.Id, 0)));
        await Eventually(async () => Ok(await day.Room.GetView()).Seats[0].Answered == 1, TimeSpan.FromSeconds(10), "the answer on the line");

        var management = Grains.GetGrain<IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero);
        await Eventually(async () => await management.GetGrainActivationCount((GrainReference)day.Room) == 0, TimeSpan.FromSeconds(5), "the room deactivated");

        var view = Ok(await day.Room.GetView());
        Assert.Equal((3, 1, 1), (view.Attendance.Rostered, view.Attendance.InProgress, view.Seats[0].Answered));
        // The incidents are replayed too: each seat's latest is on its line again.
        Assert.Equal(RoomIncidentKinds.CheckIn, view.Seats[0].LatestIncident?.Kind);
        Assert.Null(view.Seats[1].LatestIncident);
    }
}
