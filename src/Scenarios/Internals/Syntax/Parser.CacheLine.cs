using TraceTools.TraceFormat;

namespace TraceTools.Scenarios.Internals.Syntax;

// cacheline N: the trace's cache line size (docs/model.md §9, docs/scenario-language.md "Cache lines").
sealed partial class Parser
{
    /// <summary>The declared line size; 0 until declared (the arch's default).</summary>
    int _cacheLine;
    int _cacheLineLine;

    void ParseCacheLine(in Token keyword)
    {
        if (_cacheLine != 0)
            ScenarioThrow.At(Pos(keyword), $"second 'cacheline' line: the cache line size is declared on line {_cacheLineLine}");
        var sizeTok = Peek;
        ulong size = ParseConstant();
        if (CacheLines.Problem(size) is { } bad) ScenarioThrow.At(Pos(sizeTok), bad);
        _cacheLine = (int)size;
        _cacheLineLine = keyword.Line;
    }
}
