using TraceTools.TraceFormat;

namespace TraceTools.Scenarios.Internals.Syntax;

// The trace header's bytes as the text adds to them (TraceLimits.MaxHeaderBytes): the caps on counts and string
// lengths alone let 2^20 sites of 4 KiB through, which the writer then refused as an internal error after the whole
// scenario had compiled. The declaration, lock or site that takes the header past the cap is reported at its own
// line and column, so a scenario that compiles is one the writer takes.
sealed partial class Parser
{
    HeaderBudget? _header;

    /// <summary>
    /// The header so far. While declarations are read it counts the agents and regions as they are declared (and
    /// the scenario name when it comes first, as it does), without the sections; <see cref="MeasureDeclarations"/>
    /// measures them exactly once they are complete, and from then on every lock and site counts exactly.
    /// </summary>
    HeaderBudget Header => _header ??= HeaderBudget.Of(new TraceMetadata
    {
        Name = _name, Arch = _arch ?? Arch.Sc, Agents = [.. _agents], Regions = [.. _regions],
    });

    /// <summary>
    /// Measures the complete declarations as the writer encodes them (their sections included) and refuses them at
    /// <paramref name="at"/> (the first step, or the end of a text without steps) when they alone pass the cap.
    /// </summary>
    void MeasureDeclarations(in Token at)
    {
        var declared = new TraceMetadata
        {
            Name = _name, Arch = _arch ?? Arch.Sc, Agents = [.. _agents], Regions = RegionsWithUsedBits(), CacheLineSize = _cacheLine,
        };
        var budget = HeaderBudget.Of(declared);
        if (HeaderBudget.SizeProblem(budget.Used, "the declarations (names, regions, used bits)") is { } bad) ScenarioThrow.At(Pos(at), bad);
        _header = budget;
    }
}
