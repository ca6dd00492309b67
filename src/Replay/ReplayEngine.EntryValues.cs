using TraceTools.Replay.Detection;
using TraceTools.TraceFormat;

namespace TraceTools.Replay;

public sealed partial class ReplayEngine
{
    // The entry store being handed to the detectors: its table, entry and bytes, so that the entry's value
    // before and after it is built only when a detector asks (live-entry-write, used bits; model.md §8).
    RegionInfo? _valuesTable;
    ulong _valuesEntry, _valuesAddress;
    long _valuesIndex = -1;
    byte[] _storeBytes = new byte[64];
    int _storeLength;
    byte[] _entryBefore = [], _entryAfter = [], _usedScratch = [];
    bool _beforeReady, _afterReady;

    bool WantsEntryValues => (Needs & DetectorNeeds.EntryValues) != 0;

    /// <summary>
    /// Remembers the store for <see cref="EntryBeforeStore"/> / <see cref="EntryAfterStore"/>; called only when they
    /// can be asked for (a used-bits table, or a detector that needs <see cref="DetectorNeeds.EntryValues"/>).
    /// </summary>
    void BeginEntryValues(RegionInfo table, ulong entry, long index, ulong address, ReadOnlySpan<byte> data)
    {
        _beforeReady = _afterReady = false;
        // The next entry of the same store (same event): its bytes are already kept. Address and length alone
        // do not tell: a later store to the same range carries other bytes.
        if (_valuesIndex == index && ReferenceEquals(_valuesTable, table))
        {
            _valuesEntry = entry;
            return;
        }
        _valuesIndex = index;
        _valuesTable = table;
        _valuesEntry = entry;
        _valuesAddress = address;
        if (_storeBytes.Length < data.Length) _storeBytes = new byte[data.Length];
        data.CopyTo(_storeBytes);
        _storeLength = data.Length;
    }

    /// <summary>The current entry's bytes before the store being handed to the detectors.</summary>
    internal ReadOnlySpan<byte> EntryBeforeStore
    {
        get
        {
            var t = _valuesTable!;
            if (_beforeReady) return _entryBefore.AsSpan(0, (int)t.EntrySize);
            Room(ref _entryBefore, t.EntrySize);
            ReadEntry(_valuesEntry, _entryBefore.AsSpan(0, (int)t.EntrySize));
            _beforeReady = true;
            return _entryBefore.AsSpan(0, (int)t.EntrySize);
        }
    }

    /// <summary>The current entry's bytes after the store being handed to the detectors.</summary>
    internal ReadOnlySpan<byte> EntryAfterStore
    {
        get
        {
            var t = _valuesTable!;
            int e = (int)t.EntrySize;
            if (_afterReady) return _entryAfter.AsSpan(0, e);
            Room(ref _entryAfter, t.EntrySize);
            EntryBeforeStore.CopyTo(_entryAfter);
            ulong from = Math.Max(_valuesAddress, _valuesEntry), to = Math.Min(_valuesAddress + (ulong)_storeLength, _valuesEntry + t.EntrySize);
            _storeBytes.AsSpan((int)(from - _valuesAddress), (int)(to - from)).CopyTo(_entryAfter.AsSpan((int)(from - _valuesEntry)));
            _afterReady = true;
            return _entryAfter.AsSpan(0, e);
        }
    }

    /// <summary>The bytes of the current entry the store being handed to the detectors writes: offset and length in the entry.</summary>
    internal (int Offset, int Length) EntryStoreSpan
    {
        get
        {
            ulong from = Math.Max(_valuesAddress, _valuesEntry), to = Math.Min(_valuesAddress + (ulong)_storeLength, _valuesEntry + _valuesTable!.EntrySize);
            return ((int)(from - _valuesEntry), (int)(to - from));
        }
    }

    /// <summary>The entry at <paramref name="entry"/> as memory holds it now (before the current store, inside an entry-store hook).</summary>
    internal void ReadEntry(ulong entry, Span<byte> into)
    {
        for (int k = 0; k < into.Length; k++) into[k] = _shadow.ValueAt(entry + (ulong)k);
    }

    /// <summary>The bytes the store being handed to the detectors writes into the current entry (at <see cref="EntryStoreSpan"/>).</summary>
    internal ReadOnlySpan<byte> EntryStoreBytes
    {
        get
        {
            ulong from = Math.Max(_valuesAddress, _valuesEntry), to = Math.Min(_valuesAddress + (ulong)_storeLength, _valuesEntry + _valuesTable!.EntrySize);
            return _storeBytes.AsSpan((int)(from - _valuesAddress), (int)(to - from));
        }
    }

    /// <summary>
    /// A used-bits table's store: does it change a bit the fetcher uses before or after it? Only the bytes the rules
    /// read are filled in (the present byte, the conditions' fields, the bytes stored): building and evaluating the
    /// whole entry made every store to an entry of E bytes cost E (100,000 one-byte stores to a 1 KiB entry: 0.4 s).
    /// The table's <see cref="UsedOutcomes"/> re-evaluate only the conditions of the bytes in which the entry differs
    /// from the last one asked about, then of the bytes stored: evaluating every rule at every store (before and
    /// after) cost rules × conditions, up to 1,024 × 256 a table.
    /// </summary>
    bool ChangesUsedBits(RegionInfo table, int rid)
    {
        int e = (int)table.EntrySize;
        var used = table.UsedBits!;
        if (_usedScratch.Length < 2 * e) _usedScratch = new byte[2 * e];
        var before = _usedScratch.AsSpan(0, e);
        var after = _usedScratch.AsSpan(e, e);
        int presentByte = (int)(table.PresentBit / 8);
        before[presentByte] = after[presentByte] = _shadow.ValueAt(_valuesEntry + (ulong)presentByte);
        foreach (int k in used.ConditionBytes)
            if (k < e) before[k] = after[k] = _shadow.ValueAt(_valuesEntry + (ulong)k);
        // The bytes stored last: they are the after value of any condition or present byte among them.
        var (offset, length) = EntryStoreSpan;
        ReadEntry(_valuesEntry + (ulong)offset, before.Slice(offset, length));
        EntryStoreBytes.CopyTo(after.Slice(offset, length));
        return OutcomesOf(table, rid).ChangesUsed(before, after, offset, length);
    }

    /// <summary>Per region with used bits, the outcomes of its rules on the last entry <see cref="ChangesUsedBits"/> asked about.</summary>
    UsedOutcomes?[] _usedOutcomes = [];

    UsedOutcomes OutcomesOf(RegionInfo table, int rid)
    {
        if (_usedOutcomes.Length <= rid) Array.Resize(ref _usedOutcomes, Regions.Length);
        return _usedOutcomes[rid] ??= new UsedOutcomes(table.UsedBits!, (int)table.EntrySize, table.PresentBit);
    }

    static void Room(ref byte[] buffer, uint size)
    {
        if (buffer.Length < size) buffer = new byte[size];
    }
}
