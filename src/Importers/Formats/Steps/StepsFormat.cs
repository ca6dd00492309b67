using TraceTools.Scenarios;
using TraceTools.TraceFormat;

namespace TraceTools.Importers.Formats.Steps;

/// <summary>
/// <c>steps</c>: scenario steps, one per line, as <c>dump</c> prints them, over the layout's declarations.
/// Compiled by the scenario compiler's own step rules one line at a time (<see cref="StepLineCompiler"/>),
/// so a file of any length streams. Inputs are concatenated: steps carry no timestamps.
/// </summary>
sealed class StepsFormat : ImportFormat, IEventSink
{
    StepLineCompiler? _compiler;
    ImportSink? _current;
    int[] _siteMap = [];
    int[] _lockMap = [];

    public override string Name => "steps";

    public override string Summary => "scenario steps, one per line, as 'dump' prints them (declarations from the layout)";

    public override bool MergesByTime => false;

    public override LineImporter Open(ImportSink sink)
    {
        _compiler ??= new StepLineCompiler(sink.Layout.Scenario, this);
        return new StepsImporter(this);
    }

    void Compile(ReadOnlySpan<char> line, ImportSink sink)
    {
        _current = sink;
        if (sink.Line > int.MaxValue) sink.Malformed($"more than {int.MaxValue} lines in one input");
        try
        {
            _compiler!.CompileLine(line, sink.File, (int)sink.Line);
        }
        catch (ScenarioException e) when (e.Unmapped is { } reason)
        {
            // An address outside the layout: what the other formats call unmapped, counted under the same reasons.
            if (!sink.Options.SkipUnmapped)
                throw new ScenarioException(e.File, e.Line, e.Column, e.Detail + " (--skip-unmapped counts and skips such events)") { Unmapped = reason };
            sink.Unmapped(reason, e.Detail);
        }
        catch (ScenarioException e) when (sink.Options.SkipMalformed)
        {
            sink.Malformed(e.Detail, e.Column);
        }
    }

    /// <summary>The compiler's events, with its site and lock ids mapped to the import's.</summary>
    void IEventSink.Append(in TraceEvent e, ReadOnlySpan<byte> data)
    {
        var sink = _current!;
        int site = e.Site < 0 ? -1 : Map(ref _siteMap, e.Site, sink, lockId: false);
        uint aux = e.Kind is EventKind.Lock or EventKind.Unlock ? (uint)Map(ref _lockMap, (int)e.Aux, sink, lockId: true) : e.Aux;
        sink.Raw(0, e with { Site = site, Aux = aux }, data);
    }

    int Map(ref int[] map, int id, ImportSink sink, bool lockId)
    {
        if (id >= map.Length)
        {
            int old = map.Length;
            Array.Resize(ref map, Math.Max(16, Math.Max(2 * old, id + 1)));
            map.AsSpan(old).Fill(-1);
        }
        if (map[id] < 0) map[id] = lockId ? sink.Lock(_compiler!.Locks[id]) : sink.Site(_compiler!.Sites[id]);
        return map[id];
    }

    sealed class StepsImporter(StepsFormat format) : LineImporter
    {
        char[] _chars = new char[256];

        public override void ReadLine(ReadOnlySpan<byte> line, ImportSink sink)
        {
            // A UTF-8 byte order mark (editors on Windows write one) is not a character of the first step; the layout
            // compiler skips it too. Columns count from after it, as an editor shows them.
            if (sink.Line == 1 && line.StartsWith("\uFEFF"u8)) line = line[3..];
            if (_chars.Length < line.Length) _chars = new char[Math.Max(line.Length, 2 * _chars.Length)];
            int n = System.Text.Encoding.UTF8.GetChars(line, _chars);
            format.Compile(_chars.AsSpan(0, n), sink);
        }
    }
}
