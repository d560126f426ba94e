using Casn.Domain.Sessions;
using Casn.Grains;
using Casn.Grains.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static Casn.Service.Tests.Cluster.ExamDay;

namespace Casn.Service.Tests.Cluster;

/// <summary>
/// #19: for a moment during a silo's departure Orleans can hold two activations of one sitting. The stale one's write is
/// refused (the stored version moved on); it steps aside, and a call safe to repeat is sent again and answered.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class StaleActivationTests(ClusterFixture fixture)
{
    [Fact]
    public async Task An_answer_that_meets_a_stale_activation_is_sent_again_and_acknowledged()
    {
        var services = fixture.Cluster.Silos[0].ServiceProvider;
        // Called from inside the silo, as the HTTP edge calls: its outgoing calls pass the silo's filters.
        var day = await new ExamDay(services.GetRequiredService<IGrainFactory>()).Prepare(candidates: 1);
        var token = await day.Start(1);
        var items = day.PaperOf(1).Items;
        Ok(await day.Session(1).SubmitAnswer(token, new AnswerSubmission(1, items[0].Item.Id, 1)));

        // The other activation stores an answer behind this one's back.
        var store = services.GetRequiredService<SittingStore>();
        var key = $"{day.RoomKey}/{day.ParticipantNo(1)}";
        var (state, written) = (await store.Load(key))!.Value;
        var exam = (await services.GetRequiredService<ExamCatalog>().Find(state.Setup!.ExamId))!;
        var other = new CandidateSession(state, exam, services.GetRequiredService<IOptions<SessionOptions>>().Value.ToRules());
        Assert.True(other.Answer(DateTimeOffset.UtcNow, 2, items[1].Item.Id, 2).IsOk);
        await store.Save(key, other.State, written);

        var ack = Ok(await day.Session(1).SubmitAnswer(token, new AnswerSubmission(3, items[2].Item.Id, 3)));

        Assert.Equal(3, ack.Sequence);
        var paper = Ok(await day.Session(1).GetPaper(token));
        Assert.Equal([1L, 2L, 3L], paper.Answers.Select(a => a.Sequence).Order());
    }
}
