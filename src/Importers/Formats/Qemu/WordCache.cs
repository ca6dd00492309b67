namespace TraceTools.Importers.Formats.Qemu;

/// <summary>
/// What a small set of words read from the log means (barrier names), so that
/// a repeated word costs a comparison, not a string. Bounded: past <see cref="Capacity"/> words nothing is added.
/// </summary>
sealed class WordCache<T>
{
    /// <summary>Most distinct words kept.</summary>
    public const int Capacity = 64;

    readonly List<(byte[] Word, T Value)> _entries = [];

    public bool TryGet(ReadOnlySpan<byte> word, out T value)
    {
        foreach (var (w, v) in _entries)
        {
            if (word.SequenceEqual(w)) { value = v; return true; }
        }
        value = default!;
        return false;
    }

    /// <summary>Remembers <paramref name="value"/> for <paramref name="word"/>; returns it.</summary>
    public T Add(ReadOnlySpan<byte> word, T value)
    {
        if (_entries.Count < Capacity) _entries.Add((word.ToArray(), value));
        return value;
    }
}
