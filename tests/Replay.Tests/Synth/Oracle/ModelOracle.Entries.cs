using System.Buffers.Binary;
using TraceTools.Scenarios.Synth;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Synth.Oracle;

internal sealed partial class ModelOracle
{
    readonly record struct Stamp(int Agent, int Time, long Index);

    sealed class Window(Stamp clear)
    {
        public readonly Stamp Clear = clear;
        public bool Reported;
        public readonly List<(Stamp Invalidation, bool ClearOrderedBefore)> Invalidations = [];
    }

    sealed class EntryState(int granules)
    {
        public readonly List<Stamp> Payload = [];
        public Window? Window;
        public long BurstFirst = -1;
        public bool BurstReported;
        public readonly long[] LastChange = Enumerable.Repeat(-1L, granules).ToArray();
    }

    sealed class FetchRun
    {
        public ulong Entry = ulong.MaxValue;
        public int LastGranule;
        public long FirstIndex;
        public bool SawPresent, Reported;
    }

    readonly Dictionary<ulong, EntryState> _entries = [];
    readonly Dictionary<int, FetchRun> _runs = [];

    EntryState StateOf(ulong entry, RegionInfo region)
    {
        if (!_entries.TryGetValue(entry, out var s)) _entries[entry] = s = new EntryState((int)(region.EntrySize / region.Granule));
        return s;
    }

    static bool PresentIn(ReadOnlySpan<byte> entry, RegionInfo r) => (entry[(int)(r.PresentBit / 8)] & (1 << (int)(r.PresentBit % 8))) != 0;

    void EntryRules(long index, TraceEvent e, byte[] data, RegionInfo region)
    {
        var shadow = _tables[region];
        ulong entry = e.Address - (e.Address - region.Base) % region.EntrySize;
        int offset = (int)(entry - region.Base);
        var state = StateOf(entry, region);
        int a = e.Agent;

        if (e.Kind == EventKind.Fetch)
        {
            if (!_runs.TryGetValue(a, out var run)) _runs[a] = run = new FetchRun();
            int g = (int)e.Aux;
            if (run.Entry != entry || g <= run.LastGranule)
            {
                run.Entry = entry; run.FirstIndex = index; run.SawPresent = false; run.Reported = false;
            }
            run.LastGranule = g;
            uint bit = region.PresentBit;
            if (bit / 8 >= (uint)(g * region.Granule) && bit / 8 < (uint)((g + 1) * region.Granule) &&
                PresentIn(shadow.AsSpan(offset, (int)region.EntrySize), region)) run.SawPresent = true;
            if (run.SawPresent && !run.Reported && state.LastChange[g] > run.FirstIndex)
            {
                Report(SynthFindingKind.TornEntryFetch, index);
                run.Reported = true;
            }
            return;
        }
        if (e.Kind is not (EventKind.Store or EventKind.DmaWrite)) return;

        var before = shadow.AsSpan(offset, (int)region.EntrySize).ToArray();
        data.CopyTo(shadow.AsSpan((int)(e.Address - region.Base)));
        var after = shadow.AsSpan(offset, (int)region.EntrySize);
        bool wasPresent = PresentIn(before, region), isPresent = PresentIn(after, region);
        bool otherBits = false;
        for (int i = 0; i < before.Length; i++)
        {
            int mask = i == region.PresentBit / 8 ? ~(1 << (int)(region.PresentBit % 8)) & 0xFF : 0xFF;
            if (((before[i] ^ after[i]) & mask) != 0) otherBits = true;
        }
        bool changed = otherBits || wasPresent != isPresent;
        if (!changed) return;
        var me = new Stamp(a, _time[a], index);
        bool cpu = IsCpu(a);

        if (!cpu)
        {
            // Device writes: no clear window, no burst; E becoming non-present restarts the payload set.
            if (wasPresent && !isPresent) { state.Payload.Clear(); state.BurstFirst = -1; state.BurstReported = false; }
            return;
        }

        for (int g = 0; g < state.LastChange.Length; g++)
        {
            var gb = (int)region.Granule;
            if (!before.AsSpan(g * gb, gb).SequenceEqual(after.Slice(g * gb, gb))) state.LastChange[g] = index;
        }

        if (otherBits && state.Window is { Reported: false } window)
        {
            bool flushed = window.Invalidations.Any(x => x.ClearOrderedBefore && _hb[a][x.Invalidation.Agent] >= x.Invalidation.Time);
            if (!flushed) { Report(SynthFindingKind.MissingFlushAfterClear, index); window.Reported = true; }
        }

        if (!wasPresent && isPresent)
        {
            bool unordered = state.Payload.Any(m => m.Agent == a
                ? !Ordered(a, m.Time, Cls.W, me.Time, Cls.W)
                : _ob[a][m.Agent] < m.Time);
            if (unordered) Report(SynthFindingKind.PresentBeforePayload, index);
            state.Window = null;
            return;
        }
        if (wasPresent && !isPresent)
        {
            state.Window = new Window(me);
            state.Payload.Clear();
            state.BurstFirst = -1; state.BurstReported = false;
            return;
        }
        if (!isPresent)
        {
            if (otherBits) state.Payload.Add(me);
            return;
        }
        // present before and after: a burst
        if (state.BurstFirst < 0) state.BurstFirst = index;
        else if (!state.BurstReported) { Report(SynthFindingKind.TornEntryUpdate, index); state.BurstReported = true; }
    }

    void OnInvalidate(long index, int cpu, int device, ulong address, int size)
    {
        var me = new Stamp(cpu, _time[cpu], index);
        foreach (var (entry, state) in _entries)
        {
            var region = _md.RegionAt(entry)!;
            if (region.Device != device || (size != 0 && entry != address)) continue;
            state.BurstFirst = -1; state.BurstReported = false;
            if (state.Window is { } w)
            {
                var c = w.Clear;
                bool ordered = c.Agent == cpu ? Ordered(cpu, c.Time, Cls.W, me.Time, Cls.O) : _ob[cpu][c.Agent] >= c.Time;
                w.Invalidations.Add((me, ordered));
            }
        }
        if (size != 0 && !_entries.ContainsKey(address))
        {
            var region = _md.RegionAt(address)!;
            if (region.Device == device) StateOf(address, region);
        }
    }
}
