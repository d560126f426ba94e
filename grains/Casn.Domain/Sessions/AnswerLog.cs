using System.Collections;

namespace Casn.Domain.Sessions;

/// <summary>
/// A sitting's answers in the order they came: the audit trail and the source of replayed acks. A live sitting keeps
/// them for hours, so they are held as 32-byte values in chunks, not as records: 150 answers took ~12.8 KB as a list of
/// records and take ~5 KB here (#14). Reading an answer by index makes its record; the hot paths read fields instead.
/// </summary>
public sealed class AnswerLog : IReadOnlyList<AnswerRecord>
{
    // Chunks, not one growing array: doubling would leave up to half of the last array empty for the sitting's life.
    const int ChunkSize = 32;
    const int NoChoice = int.MinValue;

    readonly List<Entry[]> _chunks = [];

    /// <summary>
    /// One answer. Sequences are at most <see cref="CandidateSession.MaxSequence"/> (2^31 - 1) and a sitting's chain has
    /// far fewer than 2^31 links, so both fit an int; the item id is the paper's own string, shared.
    /// </summary>
    readonly struct Entry(AnswerRecord answer)
    {
        public readonly string ItemId = answer.ItemId;
        public readonly long AtUtcTicks = answer.At.UtcTicks;
        public readonly int Sequence = checked((int)answer.Sequence);
        public readonly int Ordinal = checked((int)answer.Ordinal);
        public readonly int Choice = answer.Choice ?? NoChoice;
        public readonly short OffsetMinutes = (short)answer.At.Offset.TotalMinutes;
        public readonly bool Applied = answer.Applied;

        public AnswerRecord ToRecord() => new(Sequence, ItemId, Choice == NoChoice ? null : Choice,
            new DateTimeOffset(AtUtcTicks + OffsetMinutes * TimeSpan.TicksPerMinute, TimeSpan.FromMinutes(OffsetMinutes)), Applied, Ordinal);
    }

    public int Count { get; private set; }

    public void Add(AnswerRecord answer)
    {
        if (Count % ChunkSize == 0) _chunks.Add(new Entry[ChunkSize]);
        _chunks[^1][Count % ChunkSize] = new Entry(answer);
        Count++;
    }

    ref readonly Entry At(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
        return ref _chunks[index / ChunkSize][index % ChunkSize];
    }

    public AnswerRecord this[int index] => At(index).ToRecord();

    public string ItemIdAt(int index) => At(index).ItemId;

    public int? ChoiceAt(int index) => At(index).Choice is var choice && choice == NoChoice ? null : choice;

    public long SequenceAt(int index) => At(index).Sequence;

    public bool AppliedAt(int index) => At(index).Applied;

    /// <summary>Where the answer sent with this sequence is, searching from the newest (a replay is of a recent answer); -1 if none.</summary>
    public int IndexOfSequence(long sequence)
    {
        for (var i = Count - 1; i >= 0; i--)
            if (At(i).Sequence == sequence) return i;
        return -1;
    }

    public IEnumerator<AnswerRecord> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>How an <see cref="AnswerLog"/> travels (a sitting handed to another silo): as its records.</summary>
[GenerateSerializer]
public struct AnswerLogSurrogate
{
    [Id(0)] public AnswerRecord[] Answers;
}

[RegisterConverter]
public sealed class AnswerLogConverter : IConverter<AnswerLog, AnswerLogSurrogate>
{
    public AnswerLog ConvertFromSurrogate(in AnswerLogSurrogate surrogate)
    {
        var log = new AnswerLog();
        foreach (var answer in surrogate.Answers ?? []) log.Add(answer);
        return log;
    }

    public AnswerLogSurrogate ConvertToSurrogate(in AnswerLog value) => new() { Answers = [.. value] };
}
