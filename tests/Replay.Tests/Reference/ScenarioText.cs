using TraceTools.Scenarios.Writing;

namespace TraceTools.Tests.Reference;

/// <summary>A trace as scenario text (what <c>dump</c> prints) with each step numbered, for failure messages.</summary>
public static class ScenarioText
{
    public static string Print(RefTrace t)
    {
        var lines = ScenarioWriter.Write(t.Metadata, t.ToBatch()).TrimEnd('\n').Split('\n');
        int first = Array.IndexOf(lines, "") + 1; // steps follow the blank line after the declarations
        for (int i = first; i < lines.Length; i++) lines[i] += $"   # {i - first}";
        return string.Join('\n', lines) + "\n";
    }
}
