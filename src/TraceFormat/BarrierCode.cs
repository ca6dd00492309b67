using TraceTools.TraceFormat.Internals;
using System.Diagnostics.CodeAnalysis;

namespace TraceTools.TraceFormat;

/// <summary>
/// A barrier kind as stored in a trace (in <see cref="TraceEvent.Aux"/>). The numbering is part of
/// the trace format: 0 the compiler barrier, 1..9 the Linux kinds, 0x10+opt arm64 <c>dmb.opt</c>,
/// 0x20+opt arm64 <c>dsb.opt</c>, 0x30..0x32 x86 fences, 0x100 | P&lt;&lt;4 | S riscv
/// <c>fence.P.S</c> with the sets as bit masks i=8, o=4, r=2, w=1 (the RISC-V encoding).
/// </summary>
/// <param name="Value">The on-disk code.</param>
public readonly record struct BarrierCode(ushort Value)
{
    /// <summary>The compiler barrier <c>barrier</c>: orders nothing in hardware.</summary>
    public static readonly BarrierCode Compiler = new(0);

    /// <summary>Linux barrier names in code order 1..9.</summary>
    public static readonly string[] LinuxNames =
        ["mb", "rmb", "wmb", "dma_mb", "dma_rmb", "dma_wmb", "smp_mb", "smp_rmb", "smp_wmb"];

    /// <summary>arm64 dmb/dsb options in code order 0..8.</summary>
    public static readonly string[] Arm64Options =
        ["ish", "ishst", "ishld", "osh", "oshst", "oshld", "sy", "st", "ld"];

    /// <summary>x86 fences in code order 0x30..0x32.</summary>
    public static readonly string[] X86Names = ["mfence", "sfence", "lfence"];

    /// <summary>riscv fence set bits, as in the instruction encoding.</summary>
    public const int FenceI = 8, FenceO = 4, FenceR = 2, FenceW = 1;

    const ushort LinuxBase = 1, DmbBase = 0x10, DsbBase = 0x20, X86Base = 0x30, FenceBase = 0x100;

    /// <summary>The Linux barrier <paramref name="name"/> (<c>mb</c>, <c>dma_wmb</c>, ...).</summary>
    public static BarrierCode Linux(string name)
    {
        int i = Array.IndexOf(LinuxNames, name);
        if (i < 0) FormatThrow.Argument($"not a Linux barrier: {name}", nameof(name));
        return new((ushort)(LinuxBase + i));
    }

    /// <summary>arm64 <c>dmb.option</c> or <c>dsb.option</c>.</summary>
    public static BarrierCode Arm64(bool dsb, int option) => new((ushort)((dsb ? DsbBase : DmbBase) + option));

    /// <summary>riscv <c>fence.P.S</c> from set masks (i=8, o=4, r=2, w=1).</summary>
    public static BarrierCode RiscvFence(int pred, int succ) => new((ushort)(FenceBase | (pred << 4) | succ));

    /// <summary>True for the Linux kinds 1..9 (<c>mb</c> .. <c>smp_wmb</c>).</summary>
    public bool IsLinux => Value is >= LinuxBase and < LinuxBase + 9;

    /// <summary>True for arm64 <c>dmb.*</c>.</summary>
    public bool IsDmb => Value is >= DmbBase and < DmbBase + 9;

    /// <summary>True for arm64 <c>dsb.*</c>.</summary>
    public bool IsDsb => Value is >= DsbBase and < DsbBase + 9;

    /// <summary>True for x86 <c>mfence</c>/<c>sfence</c>/<c>lfence</c>.</summary>
    public bool IsX86 => Value is >= X86Base and < X86Base + 3;

    /// <summary>True for a riscv <c>fence.P.S</c> with non-empty sets.</summary>
    public bool IsRiscvFence => (Value & 0xFF00) == FenceBase && (Value & 0xF0) != 0 && (Value & 0xF) != 0;

    /// <summary>For dmb/dsb: the option index into <see cref="Arm64Options"/>.</summary>
    public int Arm64Option => Value & 0xF;

    /// <summary>For a riscv fence: the predecessor set mask.</summary>
    public int FencePred => (Value >> 4) & 0xF;

    /// <summary>For a riscv fence: the successor set mask.</summary>
    public int FenceSucc => Value & 0xF;

    /// <summary>True when the code is one of the defined barriers.</summary>
    public bool IsDefined => Value == 0 || IsLinux || IsDmb || IsDsb || IsX86 || IsRiscvFence;

    /// <summary>
    /// Whether a scenario for <paramref name="arch"/> may use this barrier: the compiler barrier and
    /// the Linux kinds everywhere, raw instructions only on their own arch, nothing raw on <c>sc</c>.
    /// </summary>
    public bool IsValidFor(Arch arch) => Value == 0 || IsLinux || arch switch
    {
        Arch.Arm64 => IsDmb || IsDsb,
        Arch.X86_64 => IsX86,
        Arch.Riscv64 => IsRiscvFence,
        _ => false,
    };

    /// <summary>The scenario-language spelling: <c>dma_wmb</c>, <c>dmb.oshst</c>, <c>fence.rw.w</c>, ...</summary>
    public override string ToString()
    {
        if (Value == 0) return "barrier";
        if (IsLinux) return LinuxNames[Value - LinuxBase];
        if (IsDmb) return "dmb." + Arm64Options[Value - DmbBase];
        if (IsDsb) return "dsb." + Arm64Options[Value - DsbBase];
        if (IsX86) return X86Names[Value - X86Base];
        if (IsRiscvFence) return $"fence.{FenceSetName(FencePred)}.{FenceSetName(FenceSucc)}";
        return $"barrier#{Value:x}";
    }

    /// <summary>A fence set mask as letters in the order <c>iorw</c>.</summary>
    public static string FenceSetName(int mask) => string.Concat(
        (mask & FenceI) != 0 ? "i" : "", (mask & FenceO) != 0 ? "o" : "",
        (mask & FenceR) != 0 ? "r" : "", (mask & FenceW) != 0 ? "w" : "");

    /// <summary>
    /// Parses any barrier spelling (without checking the arch: see <see cref="IsValidFor"/>).
    /// riscv sets must be non-empty letters from <c>iorw</c>, each at most once, in any order.
    /// </summary>
    public static bool TryParse(string name, [NotNullWhen(true)] out BarrierCode? code)
    {
        code = null;
        if (name == "barrier") { code = Compiler; return true; }
        int i = Array.IndexOf(LinuxNames, name);
        if (i >= 0) { code = new((ushort)(LinuxBase + i)); return true; }
        i = Array.IndexOf(X86Names, name);
        if (i >= 0) { code = new((ushort)(X86Base + i)); return true; }
        if (name.StartsWith("dmb.", StringComparison.Ordinal) || name.StartsWith("dsb.", StringComparison.Ordinal))
        {
            i = Array.IndexOf(Arm64Options, name[4..]);
            if (i < 0) return false;
            code = Arm64(name[1] == 's', i);
            return true;
        }
        if (name.StartsWith("fence.", StringComparison.Ordinal))
        {
            var parts = name.Split('.');
            if (parts.Length != 3 || !TryParseFenceSet(parts[1], out int p) || !TryParseFenceSet(parts[2], out int s))
                return false;
            code = RiscvFence(p, s);
            return true;
        }
        return false;
    }

    static bool TryParseFenceSet(string letters, out int mask)
    {
        mask = 0;
        if (letters.Length == 0) return false;
        foreach (char ch in letters)
        {
            int bit = ch switch { 'i' => FenceI, 'o' => FenceO, 'r' => FenceR, 'w' => FenceW, _ => 0 };
            if (bit == 0 || (mask & bit) != 0) return false;
            mask |= bit;
        }
        return true;
    }

    /// <summary>Every barrier spelling valid for <paramref name="arch"/> (for near-miss suggestions and tests).</summary>
    public static IEnumerable<BarrierCode> AllFor(Arch arch)
    {
        yield return Compiler;
        for (int i = 0; i < LinuxNames.Length; i++) yield return new((ushort)(LinuxBase + i));
        if (arch == Arch.Arm64)
        {
            for (int i = 0; i < Arm64Options.Length; i++) yield return Arm64(false, i);
            for (int i = 0; i < Arm64Options.Length; i++) yield return Arm64(true, i);
        }
        else if (arch == Arch.X86_64)
        {
            for (int i = 0; i < X86Names.Length; i++) yield return new((ushort)(X86Base + i));
        }
        else if (arch == Arch.Riscv64)
        {
            for (int p = 1; p < 16; p++)
                for (int s = 1; s < 16; s++) yield return RiscvFence(p, s);
        }
    }
}
