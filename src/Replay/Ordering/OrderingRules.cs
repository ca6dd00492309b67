using TraceTools.TraceFormat;

namespace TraceTools.Replay.Ordering;

/// <summary>
/// One arch's writer-side rules: the pairs it preserves without a barrier and, per on-disk barrier
/// code, the (pred class, succ class, domain) slots the barrier orders, precomputed once; HbState keeps the
/// lanes of them it asks about (<c>HbState.CommitMasks</c>).
/// </summary>
sealed class OrderingRules
{
    readonly bool[] _preserved = new bool[25];
    readonly byte[][] _slotsByCode = new byte[0x200][];
    readonly BarrierEffect[] _effects = new BarrierEffect[0x200];

    public Arch Arch { get; }

    public OrderingRules(Arch arch)
    {
        Arch = arch;
        for (int x = 0; x < 5; x++)
            for (int y = 0; y < 5; y++)
                _preserved[x * 5 + y] = Preserves(arch, (AccessClass)x, (AccessClass)y);
        for (int code = 0; code < _slotsByCode.Length; code++)
        {
            var effect = new BarrierCode((ushort)code).IsDefined ? BarrierEffect.Of(arch, new((ushort)code)) : BarrierEffect.Nothing;
            _effects[code] = effect;
            _slotsByCode[code] = SlotsOf(effect);
        }
    }

    /// <summary>The slot of (<paramref name="x"/>, <paramref name="y"/>, <paramref name="d"/>): [pred × 5 + succ] × 2 + domain, 0‥49.</summary>
    public static int Slot(AccessClass x, AccessClass y, ObserverDomain d) => ((int)x * 5 + (int)y) * 2 + (int)d;

    /// <summary>True when the arch keeps (x, y) in order on one cpu without a barrier.</summary>
    public bool IsPreserved(AccessClass x, AccessClass y) => _preserved[(int)x * 5 + (int)y];

    /// <summary>Committed-table slots a barrier sets (empty for unknown codes and the compiler barrier).</summary>
    public byte[] SlotsFor(uint code) => code < (uint)_slotsByCode.Length ? _slotsByCode[code] : [];

    /// <summary>The barrier's effect (for the reader side: pred/succ/reach).</summary>
    public BarrierEffect EffectOf(uint code) => code < (uint)_effects.Length ? _effects[code] : BarrierEffect.Nothing;

    static bool Preserves(Arch arch, AccessClass x, AccessClass y) => arch switch
    {
        Arch.Sc => true,
        // TSO: all but w→r; cache maintenance only by mfence/sfence (so never preserved either way).
        Arch.X86_64 => !(x == AccessClass.W && y == AccessClass.R) && x != AccessClass.C && y != AccessClass.C,
        // arm64 and riscv64: device-memory order o→o, i→i, i→o only.
        _ => (x, y) is (AccessClass.O, AccessClass.O) or (AccessClass.I, AccessClass.I) or (AccessClass.I, AccessClass.O),
    };

    static byte[] SlotsOf(BarrierEffect e)
    {
        if (e.Reach == BarrierReach.None) return [];
        var slots = new List<byte>();
        for (int x = 0; x < 5; x++)
        {
            if (!ClassSet.Has(e.Pred, (AccessClass)x)) continue;
            for (int y = 0; y < 5; y++)
            {
                if (!ClassSet.Has(e.Succ, (AccessClass)y)) continue;
                // Every barrier reaches other cpus; outer and full ones reach devices too.
                slots.Add((byte)Slot((AccessClass)x, (AccessClass)y, ObserverDomain.Inner));
                if (e.Reach == BarrierReach.Outer) slots.Add((byte)Slot((AccessClass)x, (AccessClass)y, ObserverDomain.Outer));
            }
        }
        return [.. slots];
    }
}
