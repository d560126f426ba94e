using System.Collections;

namespace Casn.Domain.Sessions;

/// <summary>
/// A sitting's answers in the order they came: the audit trail and the source of replayed acks. A live sitting keeps
/// them for hours, so they are held as 24-byte values in chunks, not as records: 150 answers took ~12.8 KB as a list of
/// records and take ~3.9 KB here (#14). Reading an answer by index makes its record; the hot paths read fields instead.
/// </summary>
public sealed class AnswerLog : IReadOnlyList<AnswerRecord>
{
    // Chunks, not one growing array: doubling would leave up to half of the last array empty for the sitting's life.
    const int ChunkSize = 32;

    readonly List<Entry[]> _chunks = [];

    // A sitting's answers are timed by one clock, so they share one UTC offset (the first answer's); an answer with
    // another keeps it here. Two bytes per answer would have made each entry 32 bytes instead of 24.
    short _offsetMinutes;
    Dictionary<int, short>? _otherOffsets;

    /// <summary>
    /// One answer. Sequences are at most <see cref="CandidateSession.MaxSequence"/> (2^31 - 1), so they fit an int; the
    /// chain ordinal (below 2^26), the choice (0-30, or none) and whether it applied share one uint; the item id is the
    /// paper's own string, shared. A value that does not fit is refused, never stored changed.
    /// </summary>
    readonly struct Entry
    {
        const int ChoiceBits = 5, NoChoice = (1 << ChoiceBits) - 1, OrdinalShift = ChoiceBits + 1;
        public const long MaxOrdinal = (1L << (32 - OrdinalShift)) - 1;

        public readonly string ItemId;
        public readonly long AtUtcTicks;
        public readonly int Sequence;
        readonly uint _ordinalChoiceApplied;

        public Entry(AnswerRecord answer)
        {
            if (answer.Ordinal is < 0 or > MaxOrdinal) throw new ArgumentOutOfRangeException(nameof(answer), $"An answer's chain ordinal is at most {MaxOrdinal}.");
            if (answer.Choice is < 0 or >= NoChoice) throw new ArgumentOutOfRangeException(nameof(answer), $"A stored choice is 0-{NoChoice - 1}.");
            ItemId = answer.ItemId;
            AtUtcTicks = answer.At.UtcTicks;
            Sequence = checked((int)answer.Sequence);
            _ordinalChoiceApplied = (uint)answer.Ordinal << OrdinalShift | (uint)(answer.Choice ?? NoChoice) << 1 | (answer.Applied ? 1u : 0u);
        }

        public int Ordinal => (int)(_ordinalChoiceApplied >> OrdinalShift);

        public int? Choice => ((int)(_ordinalChoiceApplied >> 1) & NoChoice) is var choice && choice != NoChoice ? choice : null;

        public bool Applied => (_ordinalChoiceApplied & 1) != 0;

        public AnswerRecord ToRecord(short offsetMinutes) => new(Sequence, ItemId, Choice,
            new DateTimeOffset(AtUtcTicks + offsetMinutes * TimeSpan.TicksPerMinute, TimeSpan.FromMinutes(offsetMinutes)), Applied, Ordinal);
    }

    public int Count { get; private set; }

    public void Add(AnswerRecord answer)
    {
        var entry = new Entry(answer);
        var offset = (short)answer.At.Offset.TotalMinutes;
        if (Count == 0) _offsetMinutes = offset;
        else if (offset != _offsetMinutes) (_otherOffsets ??= [])[Count] = offset;
        if (Count % ChunkSize == 0) _chunks.Add(new Entry[ChunkSize]);
        _chunks[^1][Count % ChunkSize] = entry;
        Count++;
    }

    ref readonly Entry At(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
        return ref _chunks[index / ChunkSize][index % ChunkSize];
    }

    public AnswerRecord this[int index] =>
        At(index).ToRecord(_otherOffsets is { } others && others.TryGetValue(index, out var offset) ? offset : _offsetMinutes);

    public string ItemIdAt(int index) => At(index).ItemId;

    public int? ChoiceAt(int index) => At(index).Choice;

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
