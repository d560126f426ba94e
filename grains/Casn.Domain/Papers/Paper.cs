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
/// its paper for hours, so it keeps only, per place, the item's index in the bank and the id of its option order in
/// <see cref="OptionOrders"/> (two shorts); <see cref="Items"/> makes each <see cref="PaperItem"/> value on demand. The
/// lookup by item id is shared by all papers of a bank (id to bank index); the place of a bank index is found by a
/// search of the paper's 110 bank indexes (vectorised, about as fast as a lookup and 460 bytes smaller).
/// </summary>
public sealed class Paper
{
    /// <summary>The most items a bank may hold: a paper keeps bank indexes as shorts.</summary>
    public const int MaxBankItems = short.MaxValue;

    static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ItemDefinition[], Dictionary<string, int>> BankIndexes = new();

    readonly ItemDefinition[] _bank;
    readonly Dictionary<string, int> _bankIndex;
    readonly short[] _bankIndexByPlace;
    // The option order's id in OptionOrders, or -1 - its index in _ownOrders for an order that table does not hold.
    readonly short[] _orderByPlace;
    readonly int[][]? _ownOrders;

    public Paper(IReadOnlyList<PaperItem> items, ItemDefinition[] bank)
    {
        if (bank.Length > MaxBankItems) throw new ArgumentException($"A bank holds at most {MaxBankItems} items.", nameof(bank));
        _bank = bank;
        _bankIndex = BankIndexes.GetValue(bank, b =>
        {
            var index = new Dictionary<string, int>(b.Length, StringComparer.Ordinal);
            for (var i = 0; i < b.Length; i++) index.TryAdd(b[i].Id, i);
            return index;
        });
        _bankIndexByPlace = new short[items.Count];
        _orderByPlace = new short[items.Count];
        List<int[]>? own = null;
        for (var place = 0; place < items.Count; place++)
        {
            _bankIndexByPlace[place] = (short)_bankIndex[items[place].Item.Id];
            var order = items[place].OptionOrder;
            if (OptionOrders.IdOf(order) is var id and >= 0) _orderByPlace[place] = id;
            else
            {
                (own ??= []).Add(order);
                _orderByPlace[place] = (short)(-own.Count);
            }
        }
        _ownOrders = own?.ToArray();
        Items = new PlacedItems(this);
    }

    public IReadOnlyList<PaperItem> Items { get; }

    PaperItem ItemAt(int place)
    {
        var order = _orderByPlace[place];
        return new(place + 1, _bank[_bankIndexByPlace[place]], order >= 0 ? OptionOrders.Get(order) : _ownOrders![-1 - order]);
    }

    public PaperItem? Find(string itemId) =>
        _bankIndex.TryGetValue(itemId, out var bankIndex) && _bankIndexByPlace.AsSpan().IndexOf((short)bankIndex) is >= 0 and var place
            ? ItemAt(place)
            : null;

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
/// Option orders shared by all papers: an item of four or five options has only 24 or 120 orders, so a sitting need
/// not hold 110 arrays of its own (about 5 KB), nor 110 references to shared ones (900 bytes): a short id does. The
/// table is bounded: items of many options (ten have 3.6 million orders) would otherwise grow it with every paper,
/// and once it is full a paper keeps its new orders itself. Nothing writes an order after it is added.
/// </summary>
public static class OptionOrders
{
    const int Capacity = short.MaxValue;

    static readonly System.Collections.Concurrent.ConcurrentDictionary<ulong, short> Ids = new();
    static readonly Lock Gate = new();
    static int[][] _orders = new int[256][];
    static int _count;

    public static int[] Get(short id) => Volatile.Read(ref _orders)[id];

    /// <summary>The shared id of this order (-1 when the table does not hold it: full, or more than 15 options).</summary>
    public static short IdOf(int[] order)
    {
        if (order.Length > 15) return -1;
        // Four bits per option and the length in the top four: a key for every order of up to 15 options.
        var key = (ulong)order.Length;
        foreach (var option in order) key = (key << 4) | (uint)option;
        if (Ids.TryGetValue(key, out var id)) return id;
        lock (Gate)
        {
            if (Ids.TryGetValue(key, out id)) return id;
            if (_count == Capacity) return -1;
            var orders = _orders;
            if (_count == orders.Length) Array.Resize(ref orders, Math.Min(orders.Length * 2, Capacity));
            orders[_count] = [.. order];
            Volatile.Write(ref _orders, orders);
            id = (short)_count++;
            // Published after the table holds the order, so a reader that finds the id finds the order.
            Ids[key] = id;
            return id;
        }
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
                items.Add(new PaperItem(items.Count + 1, item, order));
            }
        }
        return new Paper(items, exam.Items);
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
