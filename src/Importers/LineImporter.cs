namespace TraceTools.Importers;

/// <summary>
/// Reads one input of a format, line by line, in file order, and turns each line into events on the
/// <see cref="ImportSink"/> (none, one or several). Hold no more state than the format needs (open
/// mappings, a pending pair): memory must not grow with the input.
/// </summary>
public abstract class LineImporter
{
    /// <summary>
    /// Handles one line (without its newline, <c>\r</c> dropped), as bytes of the file. <paramref name="sink"/>
    /// knows the file and line number for errors. Call <see cref="ImportSink.Malformed"/> for a line the
    /// format cannot read and <see cref="ImportSink.Skip"/> for one it reads but does not import.
    /// </summary>
    public abstract void ReadLine(ReadOnlySpan<byte> line, ImportSink sink);

    /// <summary>
    /// Called before each next line, once every event produced so far has been merged: a line that stands for
    /// more events than should wait in memory at once (a DMA buffer of gigabytes, cleaned in 4 KiB pieces) leaves
    /// them pending and produces them here, a bounded batch per call. True when it had work pending (it is called
    /// again), false when the next line may be read.
    /// </summary>
    public virtual bool Continue(ImportSink sink) => false;

    /// <summary>Called once after the last line (flush anything held back).</summary>
    public virtual void Finish(ImportSink sink) { }
}
