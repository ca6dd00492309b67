using TraceTools.Importers.Internals;

namespace TraceTools.Importers.Formats.Ftrace;

/// <summary>
/// The context part of an ftrace text line, as the tracefs <c>trace</c> file and <c>trace-cmd report</c>
/// print it: <c>TASK-PID [(TGID)] [CPU] [FLAGS] SECONDS.FRACTION: EVENT: ARGS</c>.
/// </summary>
readonly ref struct FtraceLine
{
    public readonly int Cpu;
    /// <summary>The 1-based column of the cpu number (for an error about it).</summary>
    public readonly int CpuColumn;
    public readonly ulong Time;
    public readonly ReadOnlySpan<byte> Event;
    public readonly ReadOnlySpan<byte> Args;

    FtraceLine(int cpu, int cpuColumn, ulong time, ReadOnlySpan<byte> @event, ReadOnlySpan<byte> args)
    {
        Cpu = cpu;
        CpuColumn = cpuColumn;
        Time = time;
        Event = @event;
        Args = args;
    }

    public static bool TryParse(ReadOnlySpan<byte> line, out FtraceLine parsed)
    {
        // The cpu is the "[digits]" the flags or the timestamp follow: the task name before it may hold brackets,
        // even "[123]" (a thread named "my[3]task") and text that reads as a timestamp and an event ("a[1] 2: b:"),
        // so the candidates after "-PID" (and the optional "(TGID)" column), as the kernel prints the context, are
        // tried first, in turn until the rest parses; only a line without one tries the others. One loop, no second
        // pass for the usual line, whose first candidate is the cpu (a split into two passes cost 10 % of an import).
        parsed = default;
        int from = 0, others = -1;
        while (NextCandidate(line, ref from, out int open, out int close, out int cpu))
        {
            if (!AfterPid(line[..open])) others = others < 0 ? open : others;
            else if (TryRest(line[(close + 1)..], cpu, open + 2, out parsed)) return true;
        }
        // No candidate after "-PID" parsed: the others, in turn.
        for (from = others; from >= 0 && NextCandidate(line, ref from, out int open, out int close, out int cpu);)
            if (!AfterPid(line[..open]) && TryRest(line[(close + 1)..], cpu, open + 2, out parsed)) return true;
        return false;
    }

    /// <summary>The next "[digits]" (1 to 5 digits) at or after <paramref name="from"/>, which moves past its '['; false when none is left.</summary>
    static bool NextCandidate(ReadOnlySpan<byte> line, ref int from, out int open, out int close, out int cpu)
    {
        while (true)
        {
            cpu = 0;
            open = line[from..].IndexOf((byte)'[');
            close = -1;
            if (open < 0) return false;
            open += from;
            close = line[open..].IndexOf((byte)']');
            if (close < 0) return false;
            close += open;
            from = open + 1;
            if (close - open is > 1 and <= 6 && LineText.TryDecimal(line[(open + 1)..close], out ulong n))
            {
                cpu = (int)n;
                return true;
            }
        }
    }

    /// <summary>
    /// True when <paramref name="before"/> ends with <c>-PID</c>, blanks, and optionally <c>(TGID)</c> and blanks. One
    /// backward walk: it runs for every line.
    /// </summary>
    static bool AfterPid(ReadOnlySpan<byte> before)
    {
        int i = before.Length - 1;
        if (i < 0 || before[i] != ' ') return false; // the context's fields are separated by blanks
        while (i >= 0 && before[i] == ' ') i--;
        if (i >= 0 && before[i] == ')')
        {
            // "(TGID)": digits, blanks or "-------" inside.
            for (i--; i >= 0 && before[i] != '('; i--)
                if (before[i] is not ((>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)' ')) return false;
            for (i--; i >= 0 && before[i] == ' '; i--) { }
        }
        int end = i;
        while (i >= 0 && before[i] - (uint)'0' <= 9) i--;
        return i < end && i >= 1 && before[i] == '-';
    }

    /// <summary>After the cpu: <c>[FLAGS] SECONDS: EVENT: ARGS</c>, or the function tracer's <c>[FLAGS] SECONDS: FUNCTION &lt;-PARENT</c>.</summary>
    static bool TryRest(ReadOnlySpan<byte> rest, int cpu, int cpuColumn, out FtraceLine parsed)
    {
        parsed = default;
        var token = LineText.NextToken(ref rest);
        if (!IsTimestamp(token, out ulong time))
        {
            token = LineText.NextToken(ref rest); // the irq-info flags (d.h1.) came first
            if (!IsTimestamp(token, out time)) return false;
        }
        var args = rest.TrimStart((byte)' ');
        var name = LineText.NextToken(ref rest);
        if (name.Length >= 2 && name[^1] == ':')
        {
            parsed = new FtraceLine(cpu, cpuColumn, time, name[..^1], rest.TrimStart((byte)' '));
            return true;
        }
        // The function tracer prints no event name: "do_sys_open <-__x64_sys_openat" is its event "function".
        if (!name.IsEmpty && rest.TrimStart((byte)' ').StartsWith("<-"u8))
        {
            parsed = new FtraceLine(cpu, cpuColumn, time, "function"u8, args);
            return true;
        }
        return false;
    }

    static bool IsTimestamp(ReadOnlySpan<byte> token, out ulong ns)
    {
        ns = 0;
        return token.Length > 1 && token[^1] == ':' && LineText.TrySeconds(token[..^1], out ns);
    }
}
