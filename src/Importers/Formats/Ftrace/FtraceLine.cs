using TraceTools.Importers.Internals;

namespace TraceTools.Importers.Formats.Ftrace;

/// <summary>
/// The context part of an ftrace text line, as the tracefs <c>trace</c> file and <c>trace-cmd report</c>
/// print it: <c>TASK-PID [(TGID)] [CPU] [FLAGS] SECONDS.FRACTION: EVENT: ARGS</c>.
/// </summary>
readonly ref struct FtraceLine
{
    public readonly int Cpu;
    public readonly ulong Time;
    public readonly ReadOnlySpan<byte> Event;
    public readonly ReadOnlySpan<byte> Args;

    FtraceLine(int cpu, ulong time, ReadOnlySpan<byte> @event, ReadOnlySpan<byte> args)
    {
        Cpu = cpu;
        Time = time;
        Event = @event;
        Args = args;
    }

    public static bool TryParse(ReadOnlySpan<byte> line, out FtraceLine parsed)
    {
        parsed = default;
        // The first "[digits]": the task name before it may hold brackets (<idle>, kworker/0:1H) but rarely "[123]".
        int from = 0, cpu = -1;
        ReadOnlySpan<byte> rest = line;
        while (cpu < 0)
        {
            int open = line[from..].IndexOf((byte)'[');
            if (open < 0) return false;
            open += from;
            int close = line[open..].IndexOf((byte)']');
            if (close < 0) return false;
            close += open;
            if (close - open is > 1 and <= 6 && LineText.TryDecimal(line[(open + 1)..close], out ulong c))
            {
                cpu = (int)c;
                rest = line[(close + 1)..];
            }
            from = open + 1;
        }
        var token = LineText.NextToken(ref rest);
        if (!IsTimestamp(token, out ulong time))
        {
            token = LineText.NextToken(ref rest); // the irq-info flags (d.h1.) came first
            if (!IsTimestamp(token, out time)) return false;
        }
        var name = LineText.NextToken(ref rest);
        if (name.Length < 2 || name[^1] != ':') return false;
        parsed = new FtraceLine(cpu, time, name[..^1], rest.TrimStart((byte)' '));
        return true;
    }

    static bool IsTimestamp(ReadOnlySpan<byte> token, out ulong ns)
    {
        ns = 0;
        return token.Length > 1 && token[^1] == ':' && LineText.TrySeconds(token[..^1], out ns);
    }
}
