using System.Globalization;
using TraceTools.Importers.Internals;
using TraceTools.TraceFormat;

namespace TraceTools.Importers.Formats.Qemu;

// The ttrecord plugin's lines (recorder/qemu/ttrecord.c):
//   tt_info plugin ttrecord version 1 target aarch64 api 1 vcpus 1
//   tt_load|tt_store cpu N addr 0xPA size S pc 0xPC [value 0xV]
//   tt_io_load|tt_io_store cpu N addr 0xPA size S pc 0xPC
//   tt_barrier cpu N insn NAME pc 0xPC
//   tt_cache cpu N op OP [addr 0xPA size S] pc 0xPC
//   tt_error TEXT
sealed partial class QemuLogImporter
{
    /// <summary>The plugin line format this reader knows (ttrecord.c's TT_FORMAT_VERSION).</summary>
    const ulong PluginFormatVersion = 1;

    /// <summary>Largest access a plugin line may give before the trace format's own check.</summary>
    const ulong MaxAccessSize = 1 << 16;

    void ReadPluginLine(ReadOnlySpan<byte> line, ReadOnlySpan<byte> keyword, ReadOnlySpan<byte> rest, ImportSink sink)
    {
        var f = new QemuLine(line, rest, sink, QemuLine.NeverSkipped(keyword));
        if (keyword.SequenceEqual("tt_load"u8)) ReadAccess(ref f, EventKind.Load, sink);
        else if (keyword.SequenceEqual("tt_store"u8)) ReadAccess(ref f, EventKind.Store, sink);
        else if (keyword.SequenceEqual("tt_barrier"u8)) ReadBarrier(ref f, sink);
        else if (keyword.SequenceEqual("tt_io_store"u8)) ReadIo(ref f, store: true, sink);
        else if (keyword.SequenceEqual("tt_io_load"u8)) ReadIo(ref f, store: false, sink);
        else if (keyword.SequenceEqual("tt_cache"u8)) ReadCache(ref f, sink);
        else if (keyword.SequenceEqual("tt_info"u8)) ReadInfo(ref f, sink);
        else if (keyword.SequenceEqual("tt_error"u8))
            sink.Malformed($"the recording plugin reported an error: {LineText.Show(rest.TrimStart((byte)' '))}");
        else
            sink.Malformed($"unknown plugin line '{LineText.Show(keyword)}' (expected tt_load, tt_store, tt_io_load, tt_io_store, tt_barrier, tt_cache, tt_info or tt_error)", 1 + line.Length - rest.Length - keyword.Length);
    }

    void ReadAccess(ref QemuLine f, EventKind kind, ImportSink sink)
    {
        if (!f.Decimal("cpu"u8, MaxCpuIndex, out ulong cpu) || !f.Hex("addr"u8, out ulong address)
            || !f.Decimal("size"u8, 1, MaxAccessSize, out ulong size) || !f.Hex("pc"u8, out ulong pc))
            return;
        bool hasValue = f.TryKey("value"u8);
        ulong value = 0;
        if (hasValue && !f.Hex("value"u8, out value, keyRead: true)) return;
        if (!f.End()) return;
        int agent = sink.Cpu((int)cpu);
        if (agent < 0) return;
        WritePending((int)cpu, sink);
        int site = sink.SiteAt(pc);
        if (kind == EventKind.Store)
        {
            if (hasValue) _writes.WriteValue(sink, kind, agent, address, (int)size, value, site);
            else _writes.Write(sink, kind, agent, address, (int)size, site);
        }
        else if (hasValue) sink.AccessValue(0, kind, agent, address, (int)size, value, site);
        else sink.Access(0, kind, agent, address, (int)size, site);
    }

    void ReadIo(ref QemuLine f, bool store, ImportSink sink)
    {
        if (!f.Decimal("cpu"u8, MaxCpuIndex, out ulong cpu) || !f.Hex("addr"u8, out ulong address)
            || !f.Decimal("size"u8, 1, MaxAccessSize, out ulong size) || !f.Hex("pc"u8, out ulong pc) || !f.End())
            return;
        if (sink.Cpu((int)cpu) < 0) return;
        if (!_pending.Covers((int)cpu, store, address, (int)size))
        {
            string ev = store ? "memory_region_ops_write" : "memory_region_ops_read";
            sink.Malformed($"the plugin saw an MMIO {(store ? "store" : "load")} at 0x{address.ToString("x", CultureInfo.InvariantCulture)} by cpu {cpu} " +
                $"with no {ev} line before it: record with -d plugin,trace:memory_region_ops_write,trace:memory_region_ops_read (QEMU's event carries the value)");
            return;
        }
        WritePending((int)cpu, sink, sink.SiteAt(pc), store, address, (int)size);
    }

    void ReadBarrier(ref QemuLine f, ImportSink sink)
    {
        if (!f.Decimal("cpu"u8, MaxCpuIndex, out ulong cpu) || !f.Word("insn"u8, out var name) || !f.Hex("pc"u8, out ulong pc) || !f.End())
            return;
        if (!_barriers.TryGet(name, out var barrier)) barrier = _barriers.Add(name, QemuInstructions.Barrier(name));
        var arch = _layout.Metadata.Arch;
        if (barrier.Unknown)
        {
            f.Bad("insn"u8, name, "dmb.X, dsb.X, fence.P.S, fence.tso, mfence, sfence or lfence");
            return;
        }
        int agent = sink.Cpu((int)cpu);
        if (agent < 0) return;
        WritePending((int)cpu, sink);
        if (arch == Arch.Sc) { sink.Skip("barrier instruction under arch sc (sc orders every pair)"); return; }
        if (barrier.SkipReason is { } reason) { sink.Skip(reason); return; }
        if (!barrier.First.IsValidFor(arch))
        {
            f.Bad("insn"u8, name, $"an instruction of the layout's arch {arch.ToString().ToLowerInvariant()}: was the log recorded on another target?");
            return;
        }
        int site = sink.SiteAt(pc);
        sink.Event(0, EventKind.Barrier, agent, barrier.First.Value, site);
        if (barrier.Second is { } second) sink.Event(0, EventKind.Barrier, agent, second.Value, site);
    }

    void ReadCache(ref QemuLine f, ImportSink sink)
    {
        if (!f.Decimal("cpu"u8, MaxCpuIndex, out ulong cpu) || !f.Word("op"u8, out var op)) return;
        bool hasAddress = f.TryKey("addr"u8);
        ulong address = 0, size = 0;
        if (hasAddress && (!f.Hex("addr"u8, out address, keyRead: true) || !f.Decimal("size"u8, 1, MaxAccessSize, out size))) return;
        if (!f.Hex("pc"u8, out ulong pc) || !f.End()) return;
        if (!QemuInstructions.CacheOp(op, out var kind))
        {
            f.Bad("op"u8, op, "cvac, cvap, civac, ivac, cbo.clean, cbo.flush, cbo.inval, clflush, clflushopt or clwb");
            return;
        }
        int agent = sink.Cpu((int)cpu);
        if (agent < 0) return;
        WritePending((int)cpu, sink);
        if (!hasAddress)
        {
            sink.Skip("cache maintenance without an address (QEMU 7.2's plugin API cannot read the register that holds it)");
            return;
        }
        sink.Access(0, kind, agent, address, (int)size, sink.SiteAt(pc));
    }

    void ReadInfo(ref QemuLine f, ImportSink sink)
    {
        if (!f.Word("plugin"u8, out _) || !f.Decimal("version"u8, ulong.MaxValue, out ulong version) || !f.Word("target"u8, out var target))
            return;
        if (version != PluginFormatVersion)
        {
            f.Fail($"the log was written by plugin line format version {version}; this tracetools reads version {PluginFormatVersion}");
            return;
        }
        var arch = _layout.Metadata.Arch;
        var recorded = QemuInstructions.TargetArch(target);
        if (arch != Arch.Sc && recorded != arch)
        {
            f.Bad("target"u8, target, $"the layout's arch {arch.ToString().ToLowerInvariant()} ({_layout.FileName} must describe the system the log was recorded on)");
            return;
        }
        sink.Skip("plugin header (tt_info)");
    }
}
