namespace TraceTools.Importers.Internals;

/// <summary>One input during the merge: its lines, its format reader and its queue of events not yet merged.</summary>
sealed class InputCursor(LineReader lines, LineImporter importer, ImportSink sink) : IDisposable
{
    bool _finished;

    public ImportSink Sink { get; } = sink;

    public long Lines => lines.LineNumber;

    /// <summary>Reads lines until an event is waiting; false when the input is exhausted.</summary>
    public bool Fill()
    {
        var sink = Sink;
        while (sink.Count == 0)
        {
            if (importer.Continue(sink)) continue;
            if (_finished) return false;
            if (lines.TryReadLine(out var line))
            {
                sink.Line = lines.LineNumber;
                importer.ReadLine(line, sink);
            }
            else
            {
                _finished = true;
                sink.Line = lines.LineNumber;
                importer.Finish(sink);
            }
        }
        return true;
    }

    public void Dispose() => lines.Dispose();
}
