using Casn.Client;
using Casn.Domain.Candidates;
using Casn.Domain.Exams;
using Casn.Domain.Papers;
using Casn.Domain.Results;
using Casn.Domain.Rooms;
using Casn.Grains.Abstractions;

namespace Casn.Harness;

/// <summary>
/// What the harness does, by grain calls only: define an exam and a position, register a candidate, set up a room for
/// today and seat them, check them in, open the room, log in, answer the first items with their best options, submit.
/// Each run uses fresh ids, so it can run against a cluster that already holds a test day.
/// </summary>
public static class HarnessRun
{
    public const string Kanreg = "KANREG-H";
    public const int ItemsAnswered = 20;

    /// <summary>Returns the final total and prints <c>harness: finished, total N</c>.</summary>
    public static async Task<int> RunAsync(IGrainFactory grains, TextWriter output)
    {
        var run = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var exam = DemoItemBank.For(Blueprints.SkdCpns2024 with { Id = "HARNESS-SKD" });
        (await grains.GetGrain<IExamGrain>(exam.Id).Define(exam)).Ok();
        (await grains.GetGrain<IPositionRankingGrain>(PositionKey.Of(exam.Id, "HARNESS")).Define(new Position("HARNESS", "Harness", "Harness position", 1))).Ok();

        var participantNo = $"H{run}";
        var nationalId = string.Concat(Guid.NewGuid().ToByteArray().Take(16).Select(b => (char)('0' + b % 10)));
        (await grains.GetGrain<ICandidateGrain>(participantNo).Register(new CandidateProfile(participantNo, "Peserta Harness", nationalId,
            new DateOnly(1999, 1, 1), "general", "HARNESS", false, Kanreg))).Ok();

        // A room for today, starting in an hour (the first check-in closes before the start).
        var startsAt = DateTimeOffset.UtcNow.AddHours(1);
        var roomKey = CasnKeys.RoomKeyOf(Kanreg, $"SITE-{run}", DateOnly.FromDateTime(startsAt.UtcDateTime), 1, "R01");
        var sitting = new Sitting(grains, roomKey, participantNo);
        (await sitting.Room.Setup(new RoomSetup(exam.Id, "Harness room", startsAt, 1))).Ok();
        (await sitting.Room.AddToRoster([new RosterEntry(participantNo, "S1")])).Ok();
        var pin = await sitting.CheckIn("harness-proctor", "ID card seen by the harness");
        (await sitting.Room.Open(new ProctorAction("harness-proctor", "harness session starts"))).Ok();

        await sitting.Login(pin, "harness-ws", $"harness-key-{run}-0123456789");
        var paper = await sitting.Paper();
        output.WriteLine($"harness: {participantNo} in {roomKey}, {paper.Items.Length} items");
        // The harness knows the bank (it defined it) and rebuilds the paper from public facts to find each best option.
        var rebuilt = PaperAssembler.Assemble(exam, PaperAssembler.SeedFor(exam.Id, exam.BankVersion, participantNo));
        for (var i = 0; i < Math.Min(ItemsAnswered, rebuilt.Items.Count); i++)
        {
            var item = rebuilt.Items[i];
            var best = Array.FindIndex(item.OptionOrder, bankIndex => item.Item.Points[bankIndex] == item.Item.Points.Max());
            await sitting.Answer(i + 1, item.Item.Id, best);
        }
        var result = await sitting.Submit();
        output.WriteLine($"harness: finished, total {result.Scores.Total}");
        return result.Scores.Total;
    }
}
