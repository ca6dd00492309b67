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

    public static bool TryParse(ReadOnlySpan<byte> line, out FtraceLine parsed) =>
        // The cpu is the "[digits]" the flags or the timestamp follow: the task name before it may hold brackets,
        // even "[123]" (a thread named "my[3]task") and text that reads as a timestamp and an event ("a[1] 2: b:"),
        // so the candidates after "-PID" (and the optional "(TGID)" column), as the kernel prints the context, are
        // tried first, in turn until the rest parses; only a line without one tries every "[digits]".
        TryCandidates(line, afterPidOnly: true, out parsed) || TryCandidates(line, afterPidOnly: false, out parsed);

    static bool TryCandidates(ReadOnlySpan<byte> line, bool afterPidOnly, out FtraceLine parsed)
    {
        parsed = default;
        int from = 0;
        while (true)
        {
            int open = line[from..].IndexOf((byte)'[');
            if (open < 0) return false;
            open += from;
            int close = line[open..].IndexOf((byte)']');
            if (close < 0) return false;
            close += open;
            if (close - open is > 1 and <= 6 && (!afterPidOnly || AfterPid(line[..open]))
                && LineText.TryDecimal(line[(open + 1)..close], out ulong cpu)
                && TryRest(line[(close + 1)..], (int)cpu, open + 2, out parsed)) return true;
            from = open + 1;
        }
    }

    /// <summary>True when <paramref name="before"/> ends with <c>-PID</c>, blanks, and optionally <c>(TGID)</c> and blanks.</summary>
    static bool AfterPid(ReadOnlySpan<byte> before)
    {
        var text = before.TrimEnd((byte)' ');
        if (text.Length == before.Length) return false; // the context's fields are separated by blanks
        if (text.Length > 0 && text[^1] == ')')
        {
            int paren = text.LastIndexOf((byte)'(');
            if (paren < 0 || text[(paren + 1)..^1].IndexOfAnyExcept("0123456789- "u8) >= 0) return false;
            text = text[..paren].TrimEnd((byte)' ');
        }
        int digits = text.Length - text.TrimEnd("0123456789"u8).Length;
        return digits > 0 && text.Length > digits && text[^(digits + 1)] == '-';
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
