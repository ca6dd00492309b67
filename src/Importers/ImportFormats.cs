using TraceTools.Importers.Formats.Ftrace;
using TraceTools.Importers.Formats.Mmiotrace;
using TraceTools.Importers.Formats.Qemu;
using TraceTools.Importers.Formats.Steps;

namespace TraceTools.Importers;

/// <summary>The formats <c>tracetools import</c> knows. A new format adds one line to <see cref="All"/>.</summary>
public static class ImportFormats
{
    /// <summary>Factories of every format, in the order <c>import --help</c> lists them.</summary>
    public static IReadOnlyList<Func<ImportFormat>> All { get; } =
    [
        () => new FtraceFormat(),
        () => new MmiotraceFormat(),
        () => new StepsFormat(),
        () => new QemuFormat(),
    ];

    /// <summary>A fresh instance of the format named <paramref name="name"/>, or null.</summary>
    public static ImportFormat? Create(string name)
    {
        foreach (var make in All)
        {
            var f = make();
            if (f.Name == name) return f;
        }
        return null;
    }

    /// <summary>The format names, for messages.</summary>
    public static IEnumerable<string> Names => All.Select(f => f().Name);
}
