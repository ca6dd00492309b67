using System.Runtime.CompilerServices;
using TraceTools.TraceFormat;

namespace TraceTools.Importers;

// The events of the lines read so far and not yet merged: a line adds a few, the merge takes them one by
// one, so the queue stays as small as one line's events.
public sealed partial class ImportSink
{
    internal struct Pending
    {
        public ulong Time;
        public TraceEvent Event;
        public int DataStart;
        public int DataLength;
    }

    Pending[] _queue = new Pending[16];
    int _head;
    int _tail;
    byte[] _arena = new byte[4096];
    int _arenaUsed;

    /// <summary>Events waiting for the merge.</summary>
    internal int Count => _tail - _head;

    /// <summary>Events this input produced.</summary>
    internal long Events { get; private set; }

    internal ref readonly Pending Head => ref _queue[_head];

    internal ReadOnlySpan<byte> HeadData => _arena.AsSpan(_queue[_head].DataStart, _queue[_head].DataLength);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Pop()
    {
        if (++_head == _tail) { _head = _tail = 0; _arenaUsed = 0; }
    }

    void Enqueue(ulong time, in TraceEvent e, ReadOnlySpan<byte> data)
    {
        if (_tail == _queue.Length) Grow();
        ref var p = ref _queue[_tail++];
        p.Time = time;
        p.Event = e;
        p.DataStart = _arenaUsed;
        p.DataLength = data.Length;
        if (data.Length > 0)
        {
            if (_arenaUsed + data.Length > _arena.Length) Array.Resize(ref _arena, Math.Max(2 * _arena.Length, _arenaUsed + data.Length));
            data.CopyTo(_arena.AsSpan(_arenaUsed));
            _arenaUsed += data.Length;
        }
        Events++;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    void Grow()
    {
        if (_head > 0)
        {
            Array.Copy(_queue, _head, _queue, 0, _tail - _head);
            _tail -= _head;
            _head = 0;
            if (_tail < _queue.Length) return;
        }
        Array.Resize(ref _queue, 2 * _queue.Length);
    }
}
