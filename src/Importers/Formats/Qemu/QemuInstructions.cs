using System.Text;
using TraceTools.TraceFormat;

namespace TraceTools.Importers.Formats.Qemu;

/// <summary>What a barrier line of the plugin becomes.</summary>
readonly struct BarrierLine
{
    /// <summary>The barrier, or <see cref="BarrierCode.Compiler"/> when <see cref="SkipReason"/> is set.</summary>
    public BarrierCode First { get; init; }

    /// <summary>A second barrier (fence.tso is two), or null.</summary>
    public BarrierCode? Second { get; init; }

    /// <summary>Why the line orders nothing the model sees, or null.</summary>
    public string? SkipReason { get; init; }

    /// <summary>True when the name is not a barrier this reader knows.</summary>
    public bool Unknown { get; init; }
}

/// <summary>The plugin's instruction names (recorder/qemu/decode.c) as trace events.</summary>
static class QemuInstructions
{
    /// <summary>
    /// A barrier name: <c>dmb.X</c>/<c>dsb.X</c>, <c>fence.P.S</c>, <c>mfence</c>/<c>sfence</c>/<c>lfence</c>,
    /// and two the model has no spelling for: <c>dmb.nsh*</c> (orders for this cpu alone: nothing another
    /// observer sees, skipped) and <c>fence.tso</c> (exactly <c>fence.r.rw</c> plus <c>fence.w.w</c>).
    /// </summary>
    public static BarrierLine Barrier(ReadOnlySpan<byte> name)
    {
        if (name.StartsWith("dmb.nsh"u8) || name.StartsWith("dsb.nsh"u8))
            return new BarrierLine { First = BarrierCode.Compiler, SkipReason = "non-shareable barrier (dmb/dsb nsh*: orders nothing another cpu or device sees)" };
        if (name.SequenceEqual("fence.tso"u8))
        {
            const int r = BarrierCode.FenceR, w = BarrierCode.FenceW;
            return new BarrierLine { First = BarrierCode.RiscvFence(r, r | w), Second = BarrierCode.RiscvFence(w, w) };
        }
        if (name.Length <= 24 && BarrierCode.TryParse(Encoding.ASCII.GetString(name), out var code) && !code.Value.IsLinux && code.Value != BarrierCode.Compiler)
            return new BarrierLine { First = code.Value };
        return new BarrierLine { First = BarrierCode.Compiler, Unknown = true };
    }

    /// <summary>A cache operation name as a cache event kind; false when unknown.</summary>
    public static bool CacheOp(ReadOnlySpan<byte> op, out EventKind kind)
    {
        if (op.SequenceEqual("cvac"u8) || op.SequenceEqual("cvap"u8) || op.SequenceEqual("cbo.clean"u8) || op.SequenceEqual("clwb"u8))
            kind = EventKind.CacheClean;
        else if (op.SequenceEqual("ivac"u8) || op.SequenceEqual("cbo.inval"u8))
            kind = EventKind.CacheInval;
        else if (op.SequenceEqual("civac"u8) || op.SequenceEqual("cbo.flush"u8) || op.SequenceEqual("clflush"u8) || op.SequenceEqual("clflushopt"u8))
            kind = EventKind.CacheFlush;
        else
        {
            kind = default;
            return false;
        }
        return true;
    }

    /// <summary>QEMU's target name (<c>aarch64</c>) as the arch a layout declares; null when the model has none.</summary>
    public static Arch? TargetArch(ReadOnlySpan<byte> target) =>
        target.SequenceEqual("aarch64"u8) ? Arch.Arm64
        : target.SequenceEqual("x86_64"u8) ? Arch.X86_64
        : target.SequenceEqual("riscv64"u8) ? Arch.Riscv64
        : null;
}
