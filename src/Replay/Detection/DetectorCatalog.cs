using System.Reflection;
using System.Runtime.CompilerServices;
using TraceTools.TraceFormat;

namespace TraceTools.Replay.Detection;

/// <summary>
/// Where the engine finds the detector modules when none are passed in. Replay cannot reference the
/// Detectors project (it references Replay), so the Detectors assembly registers its factory here from
/// a module initializer; the first engine built without detectors loads that assembly by name if it
/// has not been loaded yet.
/// </summary>
public static class DetectorCatalog
{
    /// <summary>The assembly holding the nine modules.</summary>
    public const string DetectorsAssembly = "TraceTools.Detectors";

    static Func<TraceMetadata, ReplayOptions, IReadOnlyList<IDetector>>? s_factory;

    /// <summary>Registers the module factory (called by the Detectors assembly when it loads).</summary>
    public static void Register(Func<TraceMetadata, ReplayOptions, IReadOnlyList<IDetector>> factory) => s_factory = factory;

    /// <summary>The selected detectors for a trace, from the registered factory.</summary>
    public static IReadOnlyList<IDetector> Create(TraceMetadata metadata, ReplayOptions options)
    {
        if (s_factory is null) LoadDetectors();
        if (s_factory is null) ReplayThrow.NoDetectorFactory();
        return s_factory(metadata, options);
    }

    static void LoadDetectors()
    {
        try
        {
            var assembly = Assembly.Load(DetectorsAssembly);
            RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
        }
        catch (FileNotFoundException)
        {
            // Not deployed: Create reports it.
        }
    }
}
