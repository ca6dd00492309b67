using System.Runtime.CompilerServices;

namespace TraceTools.Detectors.Entries;

/// <summary>
/// Per-entry detector state, created on the first event that touches the entry (memory follows the
/// entries touched, not the table size). Keyed by entry base address, the last hit cached: stores and
/// fetches of one entry come in runs.
/// </summary>
sealed class EntryStates<T> where T : class, new()
{
    readonly Dictionary<ulong, T> _states = [];
    ulong _lastKey = ulong.MaxValue;
    T? _last;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Get(ulong entryBase) => entryBase == _lastKey ? _last! : GetSlow(entryBase);

    T GetSlow(ulong entryBase)
    {
        if (!_states.TryGetValue(entryBase, out var state))
        {
            state = new T();
            _states.Add(entryBase, state);
        }
        _lastKey = entryBase;
        _last = state;
        return state;
    }

    /// <summary>The state of an entry if it was ever touched.</summary>
    public T? Find(ulong entryBase) => _states.GetValueOrDefault(entryBase);

    /// <summary>Every touched entry of a table region [base, end).</summary>
    public IEnumerable<T> InRange(ulong start, ulong end)
    {
        foreach (var (key, state) in _states)
            if (key >= start && key < end) yield return state;
    }
}
