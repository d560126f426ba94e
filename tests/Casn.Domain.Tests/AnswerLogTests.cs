using Casn.Domain.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.Cloning;

namespace Casn.Domain.Tests;

/// <summary>The sitting's compact answer log: it gives back every answer as recorded, and travels with the sitting.</summary>
public class AnswerLogTests
{
    static readonly DateTimeOffset Jakarta = new(2026, 12, 3, 8, 15, 30, 123, TimeSpan.FromHours(7));

    static AnswerRecord[] Answers(int count) =>
        [.. Enumerable.Range(1, count).Select(i => new AnswerRecord(i, $"ITEM-{i % 7}", i % 5 == 0 ? null : i % 4,
            i % 3 == 0 ? Jakarta.AddSeconds(i).ToUniversalTime() : Jakarta.AddSeconds(i), i % 6 != 0, 2L * i))];

    [Fact]
    public void Every_answer_comes_back_as_it_was_recorded_across_chunks()
    {
        var answers = Answers(100);
        var log = new AnswerLog();
        foreach (var answer in answers) log.Add(answer);

        Assert.Equal(100, log.Count);
        Assert.Equal(answers, log);
        Assert.All(Enumerable.Range(0, 100), i =>
        {
            Assert.Equal(answers[i].At.Offset, log[i].At.Offset);
            Assert.Equal((answers[i].ItemId, answers[i].Choice, answers[i].Sequence, answers[i].Applied),
                (log.ItemIdAt(i), log.ChoiceAt(i), log.SequenceAt(i), log.AppliedAt(i)));
        });
        Assert.Equal(41, log.IndexOfSequence(42));
        Assert.Equal(-1, log.IndexOfSequence(101));
        Assert.Throws<ArgumentOutOfRangeException>(() => log[100]);
    }

    [Fact]
    public void An_answer_that_does_not_fit_an_entry_is_refused_never_stored_changed()
    {
        var log = new AnswerLog();
        Assert.Throws<OverflowException>(() => log.Add(new AnswerRecord((long)int.MaxValue + 1, "ITEM-1", 0, Jakarta, true, 1)));
        // The ordinal, the choice and the applied flag share one uint: what does not fit is refused too.
        Assert.Throws<ArgumentOutOfRangeException>(() => log.Add(new AnswerRecord(1, "ITEM-1", 0, Jakarta, true, 1L << 26)));
        Assert.Throws<ArgumentOutOfRangeException>(() => log.Add(new AnswerRecord(1, "ITEM-1", 31, Jakarta, true, 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => log.Add(new AnswerRecord(1, "ITEM-1", -1, Jakarta, true, 1)));
        Assert.Empty(log);

        // The largest values that fit come back unchanged.
        var largest = new AnswerRecord(int.MaxValue, "ITEM-1", 30, Jakarta, true, (1L << 26) - 1);
        log.Add(largest);
        Assert.Equal(largest, log[0]);
    }

    [Fact]
    public void The_log_travels_with_its_sitting_through_Orleans_serializer_and_copier()
    {
        var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var state = new SessionState { Status = SessionStatus.InProgress };
        foreach (var answer in Answers(40)) state.Answers.Add(answer);

        var serializer = services.GetRequiredService<Serializer<SessionState>>();
        var travelled = serializer.Deserialize(serializer.SerializeToArray(state))!;
        Assert.Equal(state.Answers, travelled.Answers);

        var copy = services.GetRequiredService<DeepCopier<SessionState>>().Copy(state)!;
        Assert.Equal(state.Answers, copy.Answers);
        copy.Answers.Add(new AnswerRecord(41, "ITEM-1", 1, Jakarta, true, 82));
        Assert.Equal(40, state.Answers.Count);
    }
}
