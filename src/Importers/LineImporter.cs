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

    /// <summary>Called once after the last line (flush anything held back).</summary>
    public virtual void Finish(ImportSink sink) { }
}
