namespace TraceTools.Importers;

/// <summary>
/// One input format of <c>tracetools import</c>. A fresh instance serves one import: it may share state
/// between that import's inputs. Register a new format in <see cref="ImportFormats"/>.
/// </summary>
public abstract class ImportFormat
{
    /// <summary>The name on the command line (<c>ftrace</c>).</summary>
    public abstract string Name { get; }

    /// <summary>One line for <c>import --help</c>.</summary>
    public abstract string Summary { get; }

    /// <summary>
    /// True (the default) when events carry timestamps: several inputs are merged in timestamp order (ties
    /// keep command-line order). False: inputs are concatenated in command-line order and the time is ignored.
    /// </summary>
    public virtual bool MergesByTime => true;

    /// <summary>
    /// True when the format names devices as the kernel does (by irq or bus name), which
    /// <see cref="ImportOptions.DeviceNames"/> maps to the layout's; false when it names none or uses the layout's own.
    /// </summary>
    public virtual bool NamesDevices => false;

    /// <summary>Creates the reader of one input; called once per input, in command-line order.</summary>
    public abstract LineImporter Open(ImportSink sink);
}
