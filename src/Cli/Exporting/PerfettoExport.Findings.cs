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

            StartRecord("X", name, FindingsPid, tid);
            _json.WriteString("cat", "finding");
            _json.WriteNumber("ts", f.Trigger);
            _json.WriteNumber("dur", SliceLength);
            _json.WriteString("cname", "terrible");
            WriteFindingArgs(f, text, severity);
            _json.WriteEndObject();

            StartRecord("i", name, FindingsPid, tid);
            _json.WriteString("cat", "finding");
            _json.WriteNumber("ts", f.Trigger + FlowOffset);
            _json.WriteString("s", "g");
            _json.WriteString("cname", "terrible");
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
        _json.WriteStartObject("args");
        _json.WriteString("kind", f.Kind.Name());
        _json.WriteString("severity", severity);
        _json.WriteString("message", text.Message);
        _json.WriteNumber("trigger", f.Trigger);
        _json.WriteStartArray("related");
        foreach (var r in f.Related)
        {
            _json.WriteStartObject();
            _json.WriteString("role", r.Role.Name());
            _json.WriteNumber("index", r.Index);
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
        WriteFlowPoint("s", role, "finding", eventFirst ? AgentsPid : FindingsPid, eventFirst ? agent + 1 : findingTid, eventFirst ? index : trigger, id);
        WriteFlowPoint("f", role, "finding", eventFirst ? FindingsPid : AgentsPid, eventFirst ? findingTid : agent + 1, eventFirst ? trigger : index, id);
    }
}
