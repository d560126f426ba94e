using Casn.Domain.Candidates;
using Casn.Grains;
using Casn.Grains.Abstractions;
using Casn.Service.Tests.Cluster;
using Casn.Service.Tests.Support;
using Casn.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using static Casn.Service.Tests.Cluster.ExamDay;

namespace Casn.Service.Tests.Placement;

/// <summary>
/// #16: every face check goes through the face pool. Three silos: KANREG-A has one with face workers and one without
/// (<c>Casn:Faces:Workers=0</c>); KANREG-B has one with face workers.
/// </summary>
public sealed class FacePoolClusterFixture : IAsyncLifetime
{
    public static readonly (string Region, int Workers)[] Silos = [("KANREG-A", 1), ("KANREG-A", 0), ("KANREG-B", 1)];

    /// <summary>Silo names in the order the silos were made: the callbacks and the handles are matched by name, not by call order.</summary>
    readonly List<string> _names = [];

    int IndexOf(string siloName)
    {
        lock (_names)
        {
            if (!_names.Contains(siloName)) _names.Add(siloName);
            return _names.IndexOf(siloName);
        }
    }

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder((short)Silos.Length);
        builder.ConfigureSiloHost((options, host) =>
        {
            var (region, workers) = Silos[IndexOf(options.SiloName)];
            host.Configuration["Casn:Faces:Workers"] = workers.ToString(System.Globalization.CultureInfo.InvariantCulture);
            host.Configuration["Casn:Orleans:Region"] = region;
            host.Configuration["Casn:Orleans:Regions:0"] = "KANREG-A";
            host.Configuration["Casn:Orleans:Regions:1"] = "KANREG-B";
        });
        builder.ConfigureSilo((_, silo) => silo.AddCasnSilo(silo.Configuration));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public InProcessSiloHandle Silo(int index) => Cluster.Silos.Single(s => s.Name == _names[index]);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

public sealed class FacePoolPlacementTests(FacePoolClusterFixture fixture) : IClassFixture<FacePoolClusterFixture>
{
    [Fact]
    public async Task A_silo_without_face_workers_loads_no_models_and_sends_its_checks_to_a_face_silo_of_its_own_kanreg()
    {
        Assert.Equal(FacePoolClusterFixture.Silos.Length, fixture.Cluster.Silos.Count);
        // Calls made on the silo without workers are placed by that silo: on KANREG-A's face silo, never on KANREG-B's.
        var noWorkers = fixture.Silo(1).ServiceProvider.GetRequiredService<IGrainFactory>();
        var before = (Analyses(0), Analyses(2));
        var photo = TestPhotos.Bytes("kit_harington_1.jpg");
        for (var i = 0; i < 6; i++)
            Assert.True((await noWorkers.GetGrain<IFaceVerifierGrain>(0).Analyze(photo)).IsUsable);
        Assert.Equal((before.Item1 + 6, before.Item2), (Analyses(0), Analyses(2)));

        // And it never made a pipeline of its own (one would throw: Workers=0 loads no models).
        Assert.Throws<InvalidOperationException>(() => fixture.Silo(1).ServiceProvider.GetRequiredService<FaceVerification>());
    }

    [Fact]
    public async Task Enrolment_and_face_check_in_work_for_candidates_whatever_silo_holds_them()
    {
        var grains = fixture.Cluster.Client;
        var exam = TestExams.Skd("F");
        Ok(await grains.GetGrain<IExamGrain>(exam.Id).Define(exam));
        await ExamDay.DefinePosition(grains, exam.Id, "POS-1");
        // Forty registrations; the first five are placed on the silo without face workers by a placement hint. Left to
        // Orleans' default placement, which weighs each silo's load, none landed there in one run of forty.
        var participants = Enumerable.Range(1, 40).Select(n => $"FP-{TestIds.Next()}-{n}").ToList();
        foreach (var (participantNo, n) in participants.Select((p, i) => (p, i)))
        {
            if (n < 5) RequestContext.Set(Orleans.Runtime.Placement.IPlacementDirector.PlacementHintKey, fixture.Silo(1).SiloAddress);
            Ok(await grains.GetGrain<ICandidateGrain>(participantNo).Register(new CandidateProfile(
                participantNo, "Face", $"31750000001{n:D5}", new DateOnly(1990, 1, 1), "general", "POS-1", false, "KANREG-A")));
            RequestContext.Clear();
        }
        var placed = await grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        var ours = placed.Where(p => participants.Contains(p.GrainId.Key.ToString()!)).ToList();
        Assert.Equal(participants.Count, ours.Count);
        var onNoWorkers = ours.Where(p => p.SiloAddress.Equals(fixture.Silo(1).SiloAddress)).Select(p => p.GrainId.Key.ToString()!).ToList();
        Assert.True(onNoWorkers.Count >= 5, $"placed on: {string.Join(", ", ours.GroupBy(p => p.SiloAddress).Select(g => $"{g.Key} {g.Count()}"))}; no workers: {fixture.Silo(1).SiloAddress}");

        var before = Analyses(0) + Analyses(2);
        foreach (var participantNo in onNoWorkers.Take(3))
        {
            var candidate = grains.GetGrain<ICandidateGrain>(participantNo);
            Ok(await candidate.Enrol(TestPhotos.Bytes("kit_harington_1.jpg")));
            var match = Ok(await candidate.MatchFace(TestPhotos.Bytes("kit_harington_3.jpg"), FaceMatchPurpose.CheckIn));
            Assert.Equal(FaceMatchOutcome.Verified, match.Outcome);
        }
        // Per candidate: the enrolment and the capture, both done by the face silos.
        Assert.Equal(before + 2 * Math.Min(3, onNoWorkers.Count), Analyses(0) + Analyses(2));
    }

    long Analyses(int silo) => fixture.Silo(silo).ServiceProvider.GetRequiredService<FaceVerification>().Analyses;
}
