using Casn.Service.Tests.Http;
using Casn.Service.Tests.Support;
using Casn.Simulator;
using Microsoft.Extensions.DependencyInjection;

namespace Casn.Service.Tests.Simulator;

public sealed class AnswerScheduleTests
{
    [Fact]
    public void Every_item_is_answered_within_the_exam_and_a_share_is_changed_later()
    {
        var duration = TimeSpan.FromMinutes(100);
        var plan = AnswerSchedule.For(seed: 7, items: 110, options: 5, duration, changeShare: 0.1);

        Assert.Equal(110 + 11, plan.Count);
        Assert.Equal(Enumerable.Range(0, 110), plan.Select(p => p.ItemIndex).Distinct().Order());
        Assert.All(plan, p => Assert.InRange(p.At, TimeSpan.Zero, duration * 0.9));
        Assert.Equal(plan.OrderBy(p => p.At), plan);
        Assert.All(plan, p => Assert.InRange(p.Choice, 0, 4));
        // A change is a different option than the item's first answer, and comes after it.
        foreach (var item in plan.GroupBy(p => p.ItemIndex).Where(g => g.Count() > 1))
        {
            var (first, change) = (item.First(), item.Last());
            Assert.True(change.At >= first.At);
            Assert.NotEqual(first.Choice, change.Choice);
        }
        Assert.Equal(plan, AnswerSchedule.For(7, 110, 5, duration, 0.1));
        Assert.NotEqual(plan, AnswerSchedule.For(8, 110, 5, duration, 0.1));
    }
}

public sealed class SimulationReportTests
{
    [Fact]
    public void Percentiles_and_counts_add_up()
    {
        var report = new SimulationReport();
        foreach (var ms in Enumerable.Range(1, 100)) report.Acked(ms);
        report.Error("session.suspended");
        report.Error("session.suspended");
        report.Error("face.busy");
        report.CheckIn(standIn: true, admitted: false);
        report.CheckIn(standIn: true, admitted: true);
        report.CheckIn(standIn: false, admitted: false);
        report.CheckIn(standIn: false, admitted: true);

        Assert.Equal(100, report.AnswersAcknowledged);
        Assert.Equal(50, report.AckP50);
        Assert.Equal(95, report.AckP95);
        Assert.Equal(99, report.AckP99);
        Assert.Equal(2, report.Errors["session.suspended"]);
        Assert.Equal((4, 2, 1, 1, 1), (report.Candidates, report.StandIns, report.StandInsCaught, report.StandInsMissed, report.FalseAlarms));
        Assert.True(double.IsNaN(new SimulationReport().AckP99));
    }

    [Fact]
    public void Verification_finds_acknowledged_answers_that_are_missing_or_different()
    {
        var acked = new Dictionary<string, int?> { ["A"] = 1, ["B"] = 2, ["C"] = null, ["D"] = 0 };
        var stored = new Dictionary<string, int> { ["A"] = 1, ["B"] = 3, ["C"] = 4 };

        var wrong = SimulationReport.Verify("P1", acked, stored);

        Assert.Equal(["P1/B: acknowledged 2, stored 3", "P1/C: acknowledged cleared, stored 4", "P1/D: acknowledged 0, stored nothing"], wrong);
        Assert.Empty(SimulationReport.Verify("P1", new Dictionary<string, int?> { ["A"] = 1 }, stored));
    }
}

/// <summary>#18: casn-sim's command line: typed options with their ranges, help, and no stack trace for a day that cannot run.</summary>
public sealed class SimulatorCommandLineTests
{
    [Theory]
    [InlineData(0, "--help")]
    [InlineData(2, "--rooms", "0")]
    [InlineData(2, "--stand-ins", "1.5")]
    [InlineData(2, "--mode", "carrier-pigeon")]
    [InlineData(2, "--candidates", "many")]
    [InlineData(2, "--url", "ftp://example")]
    [InlineData(2, "--photos", "/nowhere/at/all", "--operator-token", "x")]
    [InlineData(2, "--minutes", "1")] // over HTTP without a token
    [InlineData(1, "--url", "http://127.0.0.1:9", "--operator-token", "x", "--minutes", "1")] // nobody there
    public async Task Arguments_are_checked_before_anything_runs_and_failures_exit_with_their_code(int code, params string[] args)
    {
        var photos = Path.Combine(AppContext.BaseDirectory, "fixtures", "faces");
        string[] withPhotos = args.Contains("--photos") || args.Contains("--help") ? args : [.. args, "--photos", photos];
        Assert.Equal(code, await SimulatorProgram.Main(withPhotos));
    }
}

/// <summary>A short simulated test day against the real host: seconds, small numbers, everything checked.</summary>
[Collection(SiloCollection.Name)]
public sealed class SimulatedTestDayTests(SiloFactory factory)
{
    [Fact]
    public async Task A_small_test_day_loses_no_acknowledged_answer_and_catches_stand_ins()
    {
        var options = new SimulationOptions
        {
            Rooms = 2, Candidates = 4, Duration = TimeSpan.FromSeconds(12), StandInShare = 0.3, DropOutShare = 0.5, ViewersPerRoom = 1, Seed = 11,
            RunId = TestIds.Next(), OperatorToken = TestStaff.NationalOperator(),
            PhotoFolder = Path.Combine(AppContext.BaseDirectory, "fixtures", "faces"),
        };

        var report = await TestDay.OverHttp(factory.CreateClient, options).RunAsync();

        Assert.Empty(report.AckMissing);
        Assert.Equal(8, report.Candidates);
        Assert.True(report.StandIns > 0, "the seed should seat at least one stand-in");
        Assert.Equal(report.StandIns, report.StandInsCaught);
        Assert.Equal(0, report.FalseAlarms);
        var admitted = report.Candidates - report.StandInsCaught;
        Assert.Equal(admitted, report.FinishedCount);
        Assert.True(report.AnswersAcknowledged >= admitted * 110, $"{report.AnswersAcknowledged} acks for {admitted} sittings");
        Assert.True(report.DropOuts > 0);
        Assert.True(report.ViewerEvents > 0);
        Assert.Contains("acknowledged answers missing: 0", SimulatorProgram.Summary(report));
    }
}

/// <summary>#17: the same small day by grain calls through a gateway (casn-sim --mode grains), with no HTTP and no token.</summary>
public sealed class GrainTestDayTests
{
    [Fact]
    public async Task A_small_test_day_by_grain_calls_loses_no_acknowledged_answer_and_catches_stand_ins()
    {
        await using var silo = new GatewaySilo();
        _ = silo.Server;
        using var client = await HarnessTests.Connect(silo);
        var options = new SimulationOptions
        {
            Rooms = 1, Candidates = 4, Duration = TimeSpan.FromSeconds(10), StandInShare = 0.3, DropOutShare = 0.5, ViewersPerRoom = 1, Seed = 11,
            RunId = TestIds.Next(), PhotoFolder = Path.Combine(AppContext.BaseDirectory, "fixtures", "faces"),
        };

        var report = await TestDay.OverGrains(client.Services.GetRequiredService<IClusterClient>(), options).RunAsync();

        Assert.Empty(report.AckMissing);
        Assert.Equal(4, report.Candidates);
        Assert.True(report.StandIns > 0, "the seed should seat at least one stand-in");
        Assert.Equal((report.StandIns, 0), (report.StandInsCaught, report.FalseAlarms));
        var admitted = report.Candidates - report.StandInsCaught;
        Assert.Equal(admitted, report.FinishedCount);
        Assert.True(report.AnswersAcknowledged >= admitted * 110, $"{report.AnswersAcknowledged} acks for {admitted} sittings");
        Assert.True(report.ViewerEvents > 0);
        await client.StopAsync();
    }
}
