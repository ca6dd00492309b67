using TraceTools.Replay;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>
/// The entry's value image a detector reads inside an entry-store hook (<see cref="DetectorView.EntryBefore"/>,
/// <see cref="DetectorView.EntryAfter"/>, <see cref="DetectorView.EntryStoreSpan"/>, <see cref="DetectorView.EntryStoreBytes"/>):
/// the entry as memory held it before the store, and with the store's bytes in it after (docs/model.md §8). No
/// built-in detector reads EntryBefore or EntryAfter (torn-entry-fetch's used bits read the span and its bytes), so
/// the differential cannot see them: a store over two entries that handed the second entry the first one's image,
/// or a store inside an entry whose bytes landed at the entry's start, passed every other test. Expected images are
/// worked out by hand from the bytes stored (memory starts zeroed).
/// </summary>
[TestClass]
public sealed class EntryValuesViewTests
{
    const ulong Tbl = 0x10_0000;

    /// <summary>What the hook saw for one entry of one store.</summary>
    sealed record Seen(long Index, ulong Entry, byte[] Before, byte[] After, int Offset, int Length, byte[] Stored);

    /// <summary>Records the value image of every entry store; reports nothing.</summary>
    sealed class ValueRecorder : IDetector
    {
        public readonly List<Seen> Seen = [];
        public FindingKind Kind => FindingKind.LiveEntryWrite;
        public DetectorHooks Hooks => DetectorHooks.EntryStore;
        public DetectorNeeds Needs => DetectorNeeds.EntryValues;

        public void OnEntryStore(DetectorView view, in EntryStore store)
        {
            var (offset, length) = view.EntryStoreSpan;
            Seen.Add(new(store.Index, store.EntryBase, view.EntryBefore.ToArray(), view.EntryAfter.ToArray(), offset, length, view.EntryStoreBytes.ToArray()));
        }
    }

    static byte[] Bytes(int from, int count) => [.. Enumerable.Range(from, count).Select(b => (byte)b)];

    /// <summary>
    /// 16-byte entries. #0 writes A over entries 0 and 1; #1 writes B (16 bytes) from entry 0's byte 8, over entry 0's
    /// second half and entry 1's first half; #2 writes 4 bytes at entry 1's byte 4 (inside a word). Each entry each
    /// store touches gets its own before and after image, asked in either order.
    /// </summary>
    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void EntryStore_OverTwoEntriesAndInsideAWord_EachEntrySeesItsOwnImage(bool afterFirst)
    {
        var b = new Reference.TraceBuilder(Arch.Arm64);
        var cpu = b.Cpu("cpu0");
        var dev = b.Device("iommu");
        b.Table("tbl", Tbl, 4, 16, 16, 0, dev);
        byte[] a = Bytes(0x10, 32), bb = Bytes(0xa0, 16), w = [0x44, 0x33, 0x22, 0x11];
        b.StoreBytes(cpu, Tbl, a);
        b.StoreBytes(cpu, Tbl + 8, bb);
        b.StoreBytes(cpu, Tbl + 20, w);
        var trace = b.Build();
        var recorder = new ValueRecorder();
        using (var engine = new ReplayEngine(trace.Metadata, ReplayOptions.Default, [afterFirst ? new AfterFirst(recorder) : recorder]))
        {
            engine.Process(trace.ToBatch());
            engine.Complete();
        }
        byte[] zero = new byte[16];
        byte[] e0After1 = [.. a[..8], .. bb[..8]], e1After1 = [.. bb[8..], .. a[24..]];
        byte[] e1After2 = [.. e1After1[..4], .. w, .. e1After1[8..]];
        Seen[] expected =
        [
            new(0, Tbl, zero, a[..16], 0, 16, a[..16]),
            new(0, Tbl + 16, zero, a[16..], 0, 16, a[16..]),
            new(1, Tbl, a[..16], e0After1, 8, 8, bb[..8]),
            new(1, Tbl + 16, a[16..], e1After1, 0, 8, bb[8..]),
            new(2, Tbl + 16, e1After1, e1After2, 4, 4, w),
        ];
        Assert.HasCount(expected.Length, recorder.Seen);
        for (int i = 0; i < expected.Length; i++)
        {
            var (x, s) = (expected[i], recorder.Seen[i]);
            string what = $"store #{x.Index}, entry 0x{x.Entry:x}";
            Assert.AreEqual((x.Index, x.Entry, x.Offset, x.Length), (s.Index, s.Entry, s.Offset, s.Length), what);
            CollectionAssert.AreEqual(x.Before, s.Before, $"{what}: before");
            CollectionAssert.AreEqual(x.After, s.After, $"{what}: after");
            CollectionAssert.AreEqual(x.Stored, s.Stored, $"{what}: bytes stored");
        }
    }

    /// <summary>The same recorder, asking for the after image before the before image (the engine builds each once, on demand).</summary>
    sealed class AfterFirst(ValueRecorder inner) : IDetector
    {
        public FindingKind Kind => inner.Kind;
        public DetectorHooks Hooks => inner.Hooks;
        public DetectorNeeds Needs => inner.Needs;

        public void OnEntryStore(DetectorView view, in EntryStore store)
        {
            _ = view.EntryAfter;
            inner.OnEntryStore(view, store);
        }
    }
}
