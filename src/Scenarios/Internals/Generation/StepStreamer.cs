using TraceTools.Scenarios.Internals.Program;
using TraceTools.TraceFormat;

namespace TraceTools.Scenarios.Internals.Generation;

/// <summary>
/// <c>gen</c>'s second reading of a long scenario: generates each batch of steps as the parser drains it, through
/// one <see cref="Generator"/>, so the memory image, the store pattern and open firmware calls run on as in one
/// run of the whole program. The header was written from the first reading; a site or lock beyond it means the
/// text changed in between.
/// </summary>
sealed class StepStreamer : StepDrain
{
    /// <summary>Steps held at a time (or the first reading's budget, when smaller: tests cut batches everywhere): a top-level statement each would call the generator per line.</summary>
    const int StreamBatch = 256;

    readonly Generator _generator;
    readonly TraceMetadata _header;
    readonly IReadOnlyList<string> _sites, _locks;
    readonly string _file;

    public StepStreamer(TraceMetadata header, IReadOnlyList<string> sites, IReadOnlyList<string> locks, string file, int heldSteps, IEventSink sink)
    {
        Batch = Math.Min(StreamBatch, heldSteps);
        _header = header;
        _sites = sites;
        _locks = locks;
        _file = file;
        _generator = new Generator([], 0, [.. header.Regions], sink);
    }

    public override bool TakesRest => true;

    /// <summary>True while a batch generates: an error thrown then is the generation's, one thrown outside is the compile's.</summary>
    public bool Generating { get; private set; }

    public override void Take(Step[] steps, int count, int slots)
    {
        if (_sites.Count > _header.Sites.Count || _locks.Count > _header.Locks.Count) ScenarioThrow.ChangedWhileRead(_file);
        Generating = true;
        _generator.RunPiece(steps, count, slots);
        Generating = false;
    }
}
