using System.Runtime.CompilerServices;
using TraceTools.Replay.Detection;
using TraceTools.TraceFormat;

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

    /// <summary>Every touched entry whose base lies in [<paramref name="start"/>, <paramref name="end"/>).</summary>
    public Selection InRange(ulong start, ulong end) => new(_states, start, end, null);

    /// <summary>
    /// The touched entries an invalidation covers: its entry, or with <c>all</c> every touched entry of
    /// <paramref name="table"/> (the table's region). The one walk the entry detectors share.
    /// </summary>
    public Selection Invalidated(in EntryInvalidation invalidation, RegionInfo table) =>
        invalidation.All ? new(_states, table.Base, table.End, null) : new(null, 0, 0, Find(invalidation.EntryBase));

    /// <summary>
    /// Either one state (or none) or the states keyed in a range: a struct, so <c>foreach</c> over it allocates
    /// nothing (a <c>yield</c> iterator allocated on every <c>dev_invalidate all</c>).
    /// </summary>
    public readonly struct Selection(Dictionary<ulong, T>? states, ulong start, ulong end, T? single)
    {
        /// <summary>The enumerator <c>foreach</c> uses.</summary>
        public Enumerator GetEnumerator() => new(states, start, end, single);
    }

    /// <summary>Walks <see cref="Selection"/>.</summary>
    public struct Enumerator(Dictionary<ulong, T>? states, ulong start, ulong end, T? single)
    {
        Dictionary<ulong, T>.Enumerator _walk = states is null ? default : states.GetEnumerator();
        T? _single = single;
        T? _current;

        /// <summary>The current state.</summary>
        public readonly T Current => _current!;

        /// <summary>Advances to the next state.</summary>
        public bool MoveNext()
        {
            if (states is null)
            {
                _current = _single;
                _single = null;
                return _current is not null;
            }
            while (_walk.MoveNext())
            {
                var (key, state) = _walk.Current;
                if (key >= start && key < end)
                {
                    _current = state;
                    return true;
                }
            }
            return false;
        }
    }
}
