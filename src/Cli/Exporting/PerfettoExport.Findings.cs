using TraceTools.Cli.Reports;
using TraceTools.Replay.Findings;

namespace TraceTools.Cli.Exporting;

// Findings: a slice on the findings track of their kind, a global instant (a vertical mark across all
// tracks), and flow arrows from the trigger and each related event to the finding's slice.
public sealed partial class PerfettoExport
{
    readonly bool[] _kindTrack = new bool[FindingKinds.All.Length];

    void WriteFindings(IReadOnlyList<Finding> findings, IEventLookup events)
    {
        events.Prefetch(IEventLookup.NamedBy(findings.Where(f => _window.Contains(f.Trigger))));
        foreach (var f in findings)
        {
            if (!_window.Contains(f.Trigger)) continue;
            int tid = (int)f.Kind + 1;
            if (!_kindTrack[(int)f.Kind])
            {
                _kindTrack[(int)f.Kind] = true;
                WriteMetadataRecord("thread_name", FindingsPid, tid, "name", f.Kind.Name());
                WriteMetadataRecord("thread_sort_index", FindingsPid, tid, "sort_index", (int)f.Kind);
            }
            var text = new FindingText(_md, f, events);
            string name = f.Kind.Name();
            string severity = f.Severity == Severity.Error ? "error" : "warning";

            StartRecord(ExportNames.Slice, name, FindingsPid, tid);
            _json.WriteString(ExportNames.Cat, ExportNames.FindingCategory);
            _json.WriteNumber(ExportNames.Ts, f.Trigger);
            _json.WriteNumber(ExportNames.Dur, SliceLength);
            _json.WriteString(ExportNames.Cname, ExportNames.Terrible);
            WriteFindingArgs(f, text, severity);
            _json.WriteEndObject();

            StartRecord(ExportNames.Instant, name, FindingsPid, tid);
            _json.WriteString(ExportNames.Cat, ExportNames.FindingCategory);
            _json.WriteNumber(ExportNames.Ts, f.Trigger + FlowOffset);
            _json.WriteString(ExportNames.Scope, ExportNames.GlobalScope);
            _json.WriteString(ExportNames.Cname, ExportNames.Terrible);
            WriteFindingArgs(f, text, severity);
            _json.WriteEndObject();

            WriteFindingFlow("trigger", events[f.Trigger].Agent, f.Trigger, tid, f.Trigger);
            foreach (var r in f.Related)
            {
                if (_window.Contains(r.Index)) WriteFindingFlow(r.Role.Name(), events[r.Index].Agent, r.Index, tid, f.Trigger);
            }
            _findings++;
            FlushIfFull();
        }
    }

    void WriteFindingArgs(Finding f, FindingText text, string severity)
    {
        _json.WriteStartObject(ExportNames.Args);
        _json.WriteString(ExportNames.Kind, f.Kind.Name());
        _json.WriteString(ExportNames.Severity, severity);
        _json.WriteString(ExportNames.Message, text.Message);
        _json.WriteNumber(ExportNames.Trigger, f.Trigger);
        _json.WriteStartArray(ExportNames.Related);
        foreach (var r in f.Related)
        {
            _json.WriteStartObject();
            _json.WriteString(ExportNames.Role, r.Role.Name());
            _json.WriteNumber(ExportNames.Index, r.Index);
            _json.WriteEndObject();
        }
        _json.WriteEndArray();
        _json.WriteEndObject();
    }

    /// <summary>An arrow between an event and the finding's slice, earlier to later (flows run forward in time).</summary>
    void WriteFindingFlow(string role, int agent, long index, int findingTid, long trigger)
    {
        long id = _nextFlow++;
        bool eventFirst = index <= trigger;
        WriteFlowPoint(ExportNames.FlowStart, role, ExportNames.FindingCategory, eventFirst ? AgentsPid : FindingsPid, eventFirst ? agent + 1 : findingTid, eventFirst ? index : trigger, id);
        WriteFlowPoint(ExportNames.FlowEnd, role, ExportNames.FindingCategory, eventFirst ? FindingsPid : AgentsPid, eventFirst ? findingTid : agent + 1, eventFirst ? trigger : index, id);
    }
}
