using Casn.Grains;
using Casn.Service.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Casn.Service.Tests.Redis;

[Collection(RedisClusterCollection.Name)]
public sealed class RedisSittingLogTests(RedisClusterFixture fixture)
{
    ISittingLog Log => fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<ISittingLog>();

    [Fact]
    public void The_redis_profile_keeps_sittings_in_redis() => Assert.IsType<Casn.Silo.Hosting.RedisSittingLog>(Log);

    [Fact]
    public async Task A_writer_that_missed_a_write_is_refused_by_the_redis_log() => await SittingLogContract.RefusesStaleWriters(Log);

    [Fact]
    public async Task A_finished_sittings_live_log_expires_after_its_retention()
    {
        var key = $"KANREG-T/EXPIRE-{Guid.NewGuid():N}/2024-10-16/1/R01/P1";
        await Log.Append(key, SittingVersion.None, [[1]], [9]);
        await Log.Expire(key, TimeSpan.FromMilliseconds(300));
        Assert.NotNull(await Log.Read(key));
        await Cluster.ExamDay.Eventually(async () => await Log.Read(key) is null, TimeSpan.FromSeconds(5), "the log expired");
    }
}
