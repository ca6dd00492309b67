namespace TraceTools.Replay.Ordering;

/// <summary>The access classes of model.md §1, numbered for the committed table.</summary>
public enum AccessClass : byte
{
    /// <summary>cpu load from memory.</summary>
    R = 0,
    /// <summary>cpu store to memory (also unlock, for barriers).</summary>
    W = 1,
    /// <summary>cpu MMIO read.</summary>
    I = 2,
    /// <summary>cpu MMIO write, device-cache invalidation request.</summary>
    O = 3,
    /// <summary>cpu cache maintenance.</summary>
    C = 4,
}

/// <summary>Who observes an ordering: a device (outer) or another cpu (inner).</summary>
public enum ObserverDomain : byte
{
    /// <summary>Another cpu.</summary>
    Inner = 0,
    /// <summary>A device.</summary>
    Outer = 1,
}

/// <summary>Class sets as bit masks (bit n = <see cref="AccessClass"/> n).</summary>
static class ClassSet
{
    public const byte R = 1, W = 2, I = 4, O = 8, C = 16, All = R | W | I | O | C;

    /// <summary>The number of access classes.</summary>
    public const int Count = 5;

    public static bool Has(byte set, AccessClass c) => (set & (1 << (int)c)) != 0;
}
