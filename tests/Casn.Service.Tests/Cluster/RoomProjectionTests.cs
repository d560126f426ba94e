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

    [Fact]
    public async Task A_view_of_a_450_seat_room_is_one_grain_call_and_writes_nothing()
    {
        var day = await new ExamDay(Grains).Prepare(candidates: 450);
        var token = await day.Start(1);
        await day.CheckIn(2);
        Ok(await day.Room.GetView());
        var tracked = new[] { day.Session(1), day.Session(2), day.Session(450) };
        var etagsBefore = await Task.WhenAll(tracked.Select(s => StoredETag<SessionState>("session", s.GetGrainId())));
        var roomBefore = await StoredETag<RoomState>("room", day.Room.GetGrainId());
        ClusterFixture.GrainCalls.Clear();

        var view = Ok(await day.Room.GetView());

        var calls = ClusterFixture.GrainCalls.Where(c => c.StartsWith(day.RoomKey, StringComparison.Ordinal)).ToList();
        Assert.Equal([$"{day.RoomKey} GetView"], calls);
        Assert.Equal(450, view.Attendance.Rostered);
        Assert.Equal((1, 1), (view.Attendance.InProgress, view.Attendance.CheckedIn));
        Assert.Equal(etagsBefore, await Task.WhenAll(tracked.Select(s => StoredETag<SessionState>("session", s.GetGrainId()))));
        Assert.Equal(roomBefore, await StoredETag<RoomState>("room", day.Room.GetGrainId()));

        // The projection follows the sittings: an answer shows in the next view, the running clock goes on.
        Ok(await day.Session(1).SubmitAnswer(token, new AnswerSubmission(1, day.PaperOf(1).Items[0].Item.Id, 0)));
        var seat = Ok(await day.Room.GetView()).Candidates.Single(c => c.ParticipantNo == day.ParticipantNo(1));
        Assert.Equal(1, seat.Answered);
        await Task.Delay(300);
        var later = Ok(await day.Room.GetView()).Candidates.Single(c => c.ParticipantNo == day.ParticipantNo(1));
        Assert.True(later.Clock.RemainingMs <= seat.Clock.RemainingMs - 250, $"{seat.Clock.RemainingMs} then {later.Clock.RemainingMs}");
    }
}
