using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>
/// Shrinks a failing trace for a readable report: drops events one at a time, greedily, while the failure
/// persists. Removing an event keeps every other event valid; the bytes that reads observed are recomputed
/// from the remaining writes so the shrunk trace is still a faithful recording.
/// </summary>
public static class TraceShrinker
{
    public static RefTrace Shrink(RefTrace trace, Func<RefTrace, bool> stillFails, int maxRounds = 8)
    {
        var current = trace;
        for (int round = 0; round < maxRounds; round++)
        {
            bool removed = false;
            for (int i = current.Count - 1; i >= 0; i--)
            {
                if (current[i].Kind is EventKind.FirmwareCall or EventKind.FirmwareReturn) continue; // calls and returns pair up
                var candidate = Without(current, i);
                if (!stillFails(candidate)) continue;
                current = candidate;
                removed = true;
            }
            if (!removed) break;
        }
        return current;
    }

    /// <summary>The trace without event <paramref name="drop"/>, reads re-observing memory.</summary>
    public static RefTrace Without(RefTrace t, int drop)
    {
        var memory = new Dictionary<ulong, byte>();
        var events = new List<RefEvent>(t.Count - 1);
        for (int i = 0; i < t.Count; i++)
        {
            if (i == drop) continue;
            var (e, data) = (t.Events[i].E, t.Events[i].Data);
            if (e.Kind is EventKind.Store or EventKind.DmaWrite)
                for (int k = 0; k < data.Length; k++) memory[e.Address + (ulong)k] = data[k];
            else if (e.Kind is EventKind.Load or EventKind.DmaRead or EventKind.Fetch && data.Length == e.Size)
            {
                data = new byte[e.Size];
                for (int k = 0; k < data.Length; k++) data[k] = memory.GetValueOrDefault(e.Address + (ulong)k);
            }
            events.Add(new RefEvent(e, data));
        }
        return new RefTrace(t.Metadata, events);
    }
}
