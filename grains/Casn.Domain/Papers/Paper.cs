using System.Security.Cryptography;
using System.Text;
using Casn.Domain.Exams;

namespace Casn.Domain.Papers;

/// <summary>
/// One item as a candidate sees it. <see cref="OptionOrder"/>[shown position] = bank option index,
/// so the workstation sends the position it showed and the server maps it back. A struct: a live sitting holds its
/// paper's 110 items for hours, and as objects they cost ~2.7 KB more per sitting (#14).
/// </summary>
public readonly record struct PaperItem(int Number, ItemDefinition Item, int[] OptionOrder)
{
    public int PointsForChoice(int shownPosition) => Item.Points[OptionOrder[shownPosition]];
}

/// <summary>
/// A candidate's own selection and order of items, rebuilt from the seed whenever it is needed. A live sitting holds
/// its paper for hours, so it keeps only, per place, the item's index in the bank and its shared option
/// order; <see cref="Items"/> makes each <see cref="PaperItem"/> value on demand. The lookup by item id is shared by all
/// papers of a bank (id to bank index), and a paper keeps only where each bank item sits in it.
/// </summary>
public sealed class Paper
{
    static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ItemDefinition[], Dictionary<string, int>> BankIndexes = new();

    readonly ItemDefinition[] _bank;
    readonly Dictionary<string, int> _bankIndex;
    readonly short[] _placeByBankIndex;
    readonly int[] _bankIndexByPlace;
    readonly int[][] _optionOrderByPlace;

    public Paper(IReadOnlyList<PaperItem> items, ItemDefinition[] bank)
    {
        _bank = bank;
        _bankIndex = BankIndexes.GetValue(bank, b =>
        {
            var index = new Dictionary<string, int>(b.Length, StringComparer.Ordinal);
            for (var i = 0; i < b.Length; i++) index.TryAdd(b[i].Id, i);
            return index;
        });
        _placeByBankIndex = new short[bank.Length];
        _bankIndexByPlace = new int[items.Count];
        _optionOrderByPlace = new int[items.Count][];
        for (var place = 0; place < items.Count; place++)
        {
            var bankIndex = _bankIndex[items[place].Item.Id];
            _placeByBankIndex[bankIndex] = (short)(place + 1);
            _bankIndexByPlace[place] = bankIndex;
            _optionOrderByPlace[place] = items[place].OptionOrder;
        }
        Items = new PlacedItems(this);
    }

    public IReadOnlyList<PaperItem> Items { get; }

    PaperItem ItemAt(int place) => new(place + 1, _bank[_bankIndexByPlace[place]], _optionOrderByPlace[place]);

    public PaperItem? Find(string itemId) =>
        _bankIndex.TryGetValue(itemId, out var bankIndex) && _placeByBankIndex[bankIndex] is > 0 and var place ? ItemAt(place - 1) : null;

    /// <summary>The items in paper order, each made when read.</summary>
    sealed class PlacedItems(Paper paper) : IReadOnlyList<PaperItem>
    {
        public int Count => paper._bankIndexByPlace.Length;

        public PaperItem this[int index] => (uint)index < (uint)Count ? paper.ItemAt(index) : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<PaperItem> GetEnumerator()
        {
            for (var place = 0; place < Count; place++) yield return paper.ItemAt(place);
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

/// <summary>
/// Builds a candidate's paper: sections stay in blueprint order; within a section the items are drawn
/// from the bank's pool and shuffled, and each item's options are shuffled. Everything follows from a
/// seed derived from the exam, bank version and participant number, so an auditor can rebuild any
/// candidate's paper from public facts and the bank, while neighbours get different papers.
/// </summary>
public static class PaperAssembler
{
    public static ulong SeedFor(string examId, string bankVersion, string participantNo)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"{examId}\n{bankVersion}\n{participantNo}"));
        return BitConverter.ToUInt64(bytes, 0);
    }

    public static Paper Assemble(ExamDefinition exam, ulong seed)
    {
        var random = new SplitMix64(seed);
        var items = new List<PaperItem>(exam.Blueprint.ItemCount);
        foreach (var section in exam.Blueprint.Sections)
        {
            var pool = exam.Items.Where(i => i.Section == section.Code).ToArray();
            random.Shuffle(pool);
            foreach (var item in pool.Take(section.ItemCount))
            {
                var order = Enumerable.Range(0, item.Options.Length).ToArray();
                random.Shuffle(order);
                items.Add(new PaperItem(items.Count + 1, item, Shared(order)));
            }
        }
        return new Paper(items, exam.Items);
    }

    // Option orders are shared between papers: an item has a handful of options, so only a few hundred orders exist,
    // and a sitting need not hold 110 arrays of its own (about 5 KB). Nothing writes an order after assembly.
    static readonly System.Collections.Concurrent.ConcurrentDictionary<ulong, int[]> SharedOrders = new();

    static int[] Shared(int[] order)
    {
        if (order.Length > 15) return order;
        var key = (ulong)order.Length;
        foreach (var option in order) key = (key << 4) | (uint)option;
        return SharedOrders.GetOrAdd(key, order);
    }
}

/// <summary>
/// SplitMix64: a tiny, fully specified generator. System.Random's seeded sequence is an implementation
/// detail of .NET; an audit must be reproducible by anyone, in any language, years later.
/// </summary>
public sealed class SplitMix64(ulong seed)
{
    ulong _state = seed;

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform integer in [0, bound), without modulo bias (rejection sampling).</summary>
    public int NextBelow(int bound)
    {
        var limit = ulong.MaxValue - ulong.MaxValue % (ulong)bound;
        ulong value;
        do value = Next(); while (value >= limit);
        return (int)(value % (ulong)bound);
    }

    /// <summary>Fisher-Yates.</summary>
    public void Shuffle<T>(T[] values)
    {
        for (var i = values.Length - 1; i > 0; i--)
        {
            var j = NextBelow(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }
}
