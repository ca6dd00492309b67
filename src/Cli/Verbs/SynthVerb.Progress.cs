using TraceTools.TraceFormat;

namespace TraceTools.Cli.Verbs;

/// <summary>
/// Passes events through and redraws a percentage on a terminal every 2^20 events; only used when
/// stderr is a terminal (cli.md), so redirected runs pay nothing.
/// </summary>
internal sealed class SynthProgressSink(IEventSink inner, TextWriter terminal, long total) : IEventSink
{
    long _count;

    public void Append(in TraceEvent e, ReadOnlySpan<byte> data)
    {
        inner.Append(e, data);
        if ((++_count & ((1 << 20) - 1)) == 0) terminal.Write($"\rsynth: {_count * 100 / total,3}% of {total} events");
    }

    /// <summary>Erases the progress line.</summary>
    public void Done()
    {
        if (_count >= 1 << 20) terminal.Write("\r" + new string(' ', 60) + "\r");
    }
}
