using TraceTools.TraceFormat;

namespace TraceTools.Tests.Support;

/// <summary>One event with its bytes, as a test remembers it.</summary>
public sealed record RecordedEvent(TraceEvent Event, byte[] Data)
{
    /// <summary>Equality including the bytes.</summary>
    public bool SameAs(RecordedEvent other) => Event == other.Event && Data.AsSpan().SequenceEqual(other.Data);
}

/// <summary>Random valid metadata and events of every kind, from a seed.</summary>
public sealed class RandomTraces(int seed)
{
    readonly Random _rng = new(seed);

    public Random Rng => _rng;

    /// <summary>Metadata for <paramref name="arch"/>: cpus, devices (one noncoherent), every region kind, locks and sites.</summary>
    public TraceMetadata Metadata(Arch arch, int extraAgents = 0)
    {
        int cpus = _rng.Next(1, 4), devices = _rng.Next(1, 4);
        var agents = new List<AgentInfo>();
        for (int i = 0; i < cpus; i++) agents.Add(new AgentInfo($"cpu{i}", AgentKind.Cpu));
        for (int i = 0; i < devices; i++) agents.Add(new AgentInfo($"dev{i}", AgentKind.Device, Coherent: i != 1));
        for (int i = 0; i < extraAgents; i++) agents.Add(new AgentInfo($"x{i}", i % 2 == 0 ? AgentKind.Cpu : AgentKind.Device));
        int dev0 = cpus;
        var regions = new List<RegionInfo>
        {
            new() { Name = "buf", Kind = RegionKind.Ram, Base = 0x8000_0000, Size = 0x10000 },
            new() { Name = "flags", Kind = RegionKind.Sync, Base = 0x9000_0000, Size = 0x100 },
            new() { Name = "regs", Kind = RegionKind.Mmio, Base = 0xfe00_0000, Size = 0x100, Device = dev0 },
            new() { Name = "tbl", Kind = RegionKind.Table, Base = 0x10_0000, Size = 64 * 64, Device = dev0,
                Entries = 64, EntrySize = 64, Granule = 16, PresentBit = (uint)_rng.Next(512) },
        };
        int locks = _rng.Next(0, 4);
        int sites = _rng.Next(0, 6);
        return new TraceMetadata
        {
            Name = $"random \"{seed}\" {arch.Name()}",
            Arch = arch,
            Agents = agents,
            Regions = regions,
            Locks = [.. Enumerable.Range(0, locks).Select(i => $"lock_{i}")],
            Sites = [.. Enumerable.Range(0, sites).Select(i => $"site{i}.c:{i * 7} \\ \"x\"")],
        };
    }

    /// <summary>Kinds a format version holds: 0..15 before v3, 0..25 from v3.</summary>
    public static int KindsOf(int version) => version < 3 ? EventKinds.CountBeforeV3 : EventKinds.Count;

    /// <summary>
    /// <paramref name="count"/> valid random events over <paramref name="m"/> of kinds 0..<paramref name="kinds"/>-1
    /// (every kind by default). For a given seed and <paramref name="kinds"/> = 16 the sequence is the one this
    /// generator gave before v3 (the committed fixtures Fixtures/random-v1.trace and -v2.trace rely on it).
    /// </summary>
    public List<RecordedEvent> Events(TraceMetadata m, int count, int kinds = EventKinds.Count)
    {
        var list = new List<RecordedEvent>(count);
        var cpus = Enumerable.Range(0, m.Agents.Count).Where(i => m.Agents[i].IsCpu).ToArray();
        var devices = Enumerable.Range(0, m.Agents.Count).Where(i => !m.Agents[i].IsCpu).ToArray();
        var barriers = BarrierCode.AllFor(m.Arch).ToArray();
        for (int n = 0; n < count; n++)
        {
            var kind = (EventKind)_rng.Next(kinds);
            if (kind is EventKind.Lock or EventKind.Unlock && m.Locks.Count == 0) kind = EventKind.Barrier;
            var agents = kind.IsCpuEvent() ? cpus : devices;
            ushort agent = (ushort)agents[_rng.Next(agents.Length)];
            ulong address = 0;
            int size = 0;
            uint aux = 0;
            if (kind.HasAddress())
            {
                size = RandomSize();
                address = _rng.Next(4) == 0 ? (ulong)_rng.NextInt64() : 0x8000_0000UL + (ulong)_rng.Next(0x10000);
            }
            switch (kind)
            {
                case EventKind.Barrier: aux = barriers[_rng.Next(barriers.Length)].Value; break;
                case EventKind.Lock or EventKind.Unlock: aux = (uint)_rng.Next(m.Locks.Count); break;
                case EventKind.TakeIrq: aux = (uint)devices[_rng.Next(devices.Length)]; break;
                case EventKind.DevInvalidate:
                    aux = (uint)devices[_rng.Next(devices.Length)];
                    if (_rng.Next(3) == 0) { address = 0; size = 0; }
                    break;
                case EventKind.Fetch:
                    aux = (uint)_rng.Next(4);
                    address = 0x10_0000UL + (ulong)(_rng.Next(64) * 64) + aux * 16;
                    size = 16;
                    break;
                case EventKind.IommuMode: aux = (uint)devices[_rng.Next(devices.Length)] | (uint)_rng.Next(3) << 16; break;
                case EventKind.DmaMap: aux = (uint)devices[_rng.Next(devices.Length)] | (uint)_rng.Next(3) << 16; break;
                case EventKind.Quiesce or EventKind.DmaUnmap: aux = (uint)devices[_rng.Next(devices.Length)]; break;
                case EventKind.FirmwareCall or EventKind.FirmwareReturn:
                    aux = (uint)_rng.Next(2);
                    size = EventKinds.RegisterBytes;
                    break;
            }
            byte[] data = [];
            if (kind.MustCarryData() || (kind.MayCarryData() && _rng.Next(2) == 0))
            {
                data = new byte[size];
                _rng.NextBytes(data);
            }
            int site = m.Sites.Count > 0 && _rng.Next(2) == 0 ? _rng.Next(m.Sites.Count) : -1;
            list.Add(new RecordedEvent(new TraceEvent(kind, agent, address, size, aux, site), data));
        }
        return list;
    }

    int RandomSize() => _rng.Next(10) switch
    {
        < 3 => 4,
        < 5 => 8,
        5 => 1,
        6 => _rng.Next(1, 17),
        7 => 4096,
        _ => _rng.Next(1, 4097),
    };

    /// <summary>Writes a trace to memory.</summary>
    public static byte[] Write(TraceMetadata m, IEnumerable<RecordedEvent> events, TraceWriterOptions? options = null, bool complete = true)
    {
        var ms = new MemoryStream();
        using var w = new TraceWriter(ms, m, options);
        foreach (var e in events) w.Append(e.Event, e.Data);
        if (complete) w.Complete();
        return ms.ToArray();
    }

    /// <summary>Reads every event of a trace in memory.</summary>
    public static List<RecordedEvent> ReadAll(TraceReader reader)
    {
        var list = new List<RecordedEvent>();
        var batch = new EventBatch(16);
        long expectFirst = -1;
        while (reader.ReadBatch(batch))
        {
            if (expectFirst >= 0 && batch.FirstIndex != expectFirst) throw new AssertFailedException($"batch starts at {batch.FirstIndex}, expected {expectFirst}");
            expectFirst = batch.FirstIndex + batch.Count;
            for (int i = 0; i < batch.Count; i++) list.Add(new RecordedEvent(batch[i], batch.GetData(i).ToArray()));
        }
        return list;
    }

    /// <summary>Asserts two event lists are equal, naming the first difference.</summary>
    public static void AssertSameEvents(IReadOnlyList<RecordedEvent> expected, IReadOnlyList<RecordedEvent> actual, int count = -1)
    {
        int n = count < 0 ? expected.Count : count;
        Assert.AreEqual(n, actual.Count, "event count");
        for (int i = 0; i < n; i++)
            if (!expected[i].SameAs(actual[i]))
                Assert.Fail($"event {i}: expected {expected[i].Event} ({expected[i].Data.Length} bytes), got {actual[i].Event} ({actual[i].Data.Length} bytes)");
    }
}
