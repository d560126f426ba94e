using System.Text;
using System.Text.Json;
using Casn.Grains.Abstractions;
using Casn.Service.Tests.Cluster;
using Casn.Service.Tests.Support;
using Casn.Silo.Boards;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static Casn.Service.Tests.Cluster.ExamDay;

namespace Casn.Service.Tests.Redis;

/// <summary>A silo's subscription to a board survives the death of the silo that ran the board.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class BoardHealingTests(RedisClusterFixture fixture)
{
    [Fact]
    public async Task Viewers_get_new_scores_again_after_the_boards_silo_is_killed()
    {
        if (fixture.Cluster.Silos.Count < 2) await fixture.Cluster.StartAdditionalSiloAsync();
        var day = await new ExamDay(fixture.Client).Prepare(candidates: 2);
        var token = await day.Start(1);
        // The viewers' side of a silo host, here over the test's cluster client, renewing every second.
        using var feed = new BoardFeed(fixture.Client, Options.Create(new Casn.Grains.BoardOptions { RenewEvery = TimeSpan.FromSeconds(1) }),
            TimeProvider.System, NullLogger<BoardFeed>.Instance);
        using var viewer = await feed.Watch(day.RoomKey);
        Assert.NotNull(viewer);

        var management = fixture.Client.GetGrain<IManagementGrain>(0);
        var boardSilo = (await Task.WhenAll(fixture.Cluster.Silos.Select(async silo => (silo,
                stats: await management.GetDetailedGrainStatistics(hostsIds: [silo.SiloAddress])))))
            .Single(s => s.stats.Any(g => g.GrainId.Type.ToString()!.Contains("liveboard", StringComparison.Ordinal) && g.GrainId.Key.ToString() == day.RoomKey)).silo;
        await fixture.Cluster.KillSiloAsync(boardSilo);

        // An answer after the kill (resent until acknowledged: its session may have died with the silo too).
        var item = day.PaperOf(1).Items[0];
        var expected = item.Item.Points.Max();
        await Eventually(async () =>
        {
            try
            {
                return (await day.Session(1).SubmitAnswer(token, new AnswerSubmission(1, item.Item.Id, item.BestChoice()))).IsOk;
            }
            catch (Exception error) when (error is OrleansException or TimeoutException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), "the answer is acknowledged after the kill");

        // The renewed subscription finds the board on the surviving silo, which rebuilt it from the room.
        var seen = false;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!seen && await viewer.Reader.WaitToReadAsync(timeout.Token))
            while (viewer.Reader.TryRead(out var published))
                seen |= TotalOf(published, day.ParticipantNo(1)) == expected;
        Assert.True(seen);
    }

    static int TotalOf(BoardEvent published, string participantNo)
    {
        var text = Encoding.UTF8.GetString(published.Bytes);
        var json = text[(text.IndexOf("data: ", StringComparison.Ordinal) + 6)..].Trim();
        return JsonDocument.Parse(json).RootElement.GetProperty("rows").EnumerateArray()
            .Single(r => r.GetProperty("participantNo").GetString() == participantNo).GetProperty("total").GetInt32();
    }
}
