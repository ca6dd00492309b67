namespace TraceTools.Replay.Sharding;

/// <summary>
/// A bounded first-in first-out hand-off of batches between threads that waits by blocking, never by spinning:
/// with as many busy threads as cores, a spin-wait (<c>SemaphoreSlim</c>, <c>BlockingCollection</c>, the thread
/// pool's workers) takes the core from the very thread it waits for. A batch crosses a few hundred times per 10^7
/// events, so a blocking wake-up (microseconds) costs nothing measurable.
/// </summary>
/// <typeparam name="T">The items handed over.</typeparam>
public sealed class HandOff<T> where T : class
{
    readonly T?[] _ring;
    int _head, _count;
    bool _completed, _cancelled;
    Exception? _error;

    /// <summary>A hand-off holding at most <paramref name="capacity"/> items.</summary>
    public HandOff(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new T?[capacity];
    }

    /// <summary>Adds <paramref name="item"/> at the end, waiting while the hand-off is full; false (not added) once cancelled.</summary>
    public bool Add(T item)
    {
        lock (_ring)
        {
            while (_count == _ring.Length && !_cancelled) Monitor.Wait(_ring);
            if (_cancelled) return false;
            System.Diagnostics.Debug.Assert(!_completed, "add after complete");
            _ring[(_head + _count) % _ring.Length] = item;
            if (_count++ == 0) Monitor.PulseAll(_ring);
            return true;
        }
    }

    /// <summary>
    /// Takes the oldest item, waiting while the hand-off is empty; false when it is cancelled, or completed and
    /// empty (then <see cref="Error"/> says whether the adding side failed).
    /// </summary>
    public bool TryTake(out T item)
    {
        lock (_ring)
        {
            while (_count == 0 && !_completed && !_cancelled) Monitor.Wait(_ring);
            if (_cancelled || _count == 0)
            {
                item = null!;
                return false;
            }
            item = _ring[_head]!;
            _ring[_head] = null;
            _head = (_head + 1) % _ring.Length;
            if (_count-- == _ring.Length) Monitor.PulseAll(_ring);
            return true;
        }
    }

    /// <summary>No more items: the taker gets the ones held, then false; <paramref name="error"/>, when given, is the adding side's failure.</summary>
    public void Complete(Exception? error = null)
    {
        lock (_ring)
        {
            _completed = true;
            _error ??= error;
            Monitor.PulseAll(_ring);
        }
    }

    /// <summary>Stops both sides now: every wait returns false, held items are dropped.</summary>
    public void Cancel()
    {
        lock (_ring)
        {
            _cancelled = true;
            Monitor.PulseAll(_ring);
        }
    }

    /// <summary>True once <see cref="Complete"/> was called.</summary>
    public bool IsCompleted
    {
        get
        {
            lock (_ring) return _completed;
        }
    }

    /// <summary>The adding side's failure given to <see cref="Complete"/>, if any.</summary>
    public Exception? Error
    {
        get
        {
            lock (_ring) return _error;
        }
    }
}
