using TraceTools.TraceFormat;

namespace TraceTools.Importers;

/// <summary>State shared by the inputs of one import: layout, options, interned sites and locks, skip counts.</summary>
sealed class ImportRun
{
    /// <summary>The format's cap on locks.</summary>
    const int MaxLocks = 1 << 16;

    readonly Dictionary<string, int> _lockIds = new(StringComparer.Ordinal);
    readonly Dictionary<string, int> _devices = new(StringComparer.Ordinal);
    readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _deviceLookup;

    public ImportRun(ImportLayout layout, ImportOptions options)
    {
        Layout = layout;
        Options = options;
        Header = HeaderBudget.OfLayout(layout.Metadata);
        Sites = new(Header);
        _deviceLookup = _devices.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var (traceName, device) in options.DeviceNames) _devices[traceName] = LayoutDevice(traceName, device);
    }

    /// <summary>The agent of the layout's device <paramref name="device"/>, which <c>--device-name</c> gives <paramref name="traceName"/>.</summary>
    int LayoutDevice(string traceName, string device)
    {
        if (DeviceNamed(device) is >= 0 and var id) return id;
        var devices = Layout.Metadata.Agents.Where(a => !a.IsCpu).Select(a => a.Name).ToList();
        Internals.ImportThrow.File(Layout.FileName, $"--device-name {traceName}={device}: the layout declares no device '{device}' " +
            (devices.Count == 0 ? "(it declares none)" : $"(its devices: {string.Join(", ", devices)})"));
        return -1;
    }

    public ImportLayout Layout { get; }
    public ImportOptions Options { get; }
    public Internals.SiteTable Sites { get; }

    /// <summary>
    /// The trace header's bytes: the layout's, then each lock and site as it is interned (the format's cap). Only
    /// symbolized sites need the header measured again (<see cref="TraceImport"/>).
    /// </summary>
    public HeaderBudget Header { get; }
    public List<string> Locks { get; } = [];

    /// <summary>True once an input wrote stand-in bytes for a memory write (<see cref="ImportSink.MemoryValuesNotRecorded"/>).</summary>
    public bool MemoryValuesNotRecorded { get; set; }
    public Dictionary<string, long> Skipped { get; } = new(StringComparer.Ordinal);

    /// <summary>Where the first line skipped for a reason was (<c>FILE:LINE</c>), for the reasons counted with a location.</summary>
    public Dictionary<string, string> FirstSkippedAt { get; } = new(StringComparer.Ordinal);

    readonly Dictionary<(string File, int Cpu, string How), (long Events, long Uncounted, string? NotInLayout)> _lost = [];

    /// <summary>The lost events reported so far, in the order first reported.</summary>
    public List<LostEvents> Lost => [.. _lost.Select(kv => new LostEvents(kv.Key.File, kv.Key.Cpu, kv.Key.How, kv.Value.Events, kv.Value.Uncounted) { NotInLayout = kv.Value.NotInLayout })];

    /// <summary>Sums a marker's lost events; <paramref name="notInLayout"/>, for a cpu the layout lacks, is kept from its first marker.</summary>
    public void CountLost(string file, int cpu, string how, long events, string? notInLayout)
    {
        // Keyed by input, cpu and marker kind: a handful of entries however many markers the inputs hold.
        ref var n = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_lost, (file, cpu, how), out _);
        n.NotInLayout ??= notInLayout;
        if (events < 0) n.Uncounted++;
        else n.Events = LostEvents.SaturatingAdd(n.Events, events);
    }

    // Once per skipped line (most lines of a busy ftrace): one hash lookup, not two.
    public void Count(string reason) => System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(Skipped, reason, out _)++;

    /// <summary>Counts a line skipped for <paramref name="reason"/> and keeps where the first one was, so that the user can look.</summary>
    public void Count(string reason, string file, long line)
    {
        ref long n = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(Skipped, reason, out bool seen);
        n++;
        if (!seen) FirstSkippedAt[reason] = $"{file}:{line.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
    }

    /// <summary>The id of lock <paramref name="name"/>, interned; a new one past the format's limits is refused at <paramref name="file"/>:<paramref name="line"/>.</summary>
    public int Lock(string name, string file, long line)
    {
        if (_lockIds.TryGetValue(name, out int id)) return id;
        if (Locks.Count >= MaxLocks) Internals.ImportThrow.At(file, line, 0, $"more than {MaxLocks} distinct locks (the trace format's limit)");
        if (Header.LockProblem(name) is { } big) Internals.ImportThrow.At(file, line, 0, big);
        Header.AddLock(name);
        _lockIds[name] = Locks.Count;
        Locks.Add(name);
        return Locks.Count - 1;
    }

    public int Device(ReadOnlySpan<char> name, ImportSink sink, int column)
    {
        if (!_deviceLookup.TryGetValue(name, out int id))
        {
            id = FindDevice(name);
            if (_devices.Count < 4096) _devices[name.ToString()] = id;
        }
        if (id < 0)
            sink.Unmapped("device not in the layout", $"device '{name}' is not in the layout {Layout.FileName}: declare 'device {SanitizedName(name)}', or name a declared one with --device-name {name}=DEVICE", column);
        return id;
    }

    int FindDevice(ReadOnlySpan<char> name)
    {
        if (DeviceNamed(name) is >= 0 and var id) return id;
        if (DeviceNamed(SanitizedName(name)) is >= 0 and var sanitized) return sanitized;
        var agents = Layout.Metadata.Agents;
        int only = -1;
        for (int i = 0; i < agents.Count; i++)
        {
            if (agents[i].IsCpu) continue;
            if (only >= 0) return -1;
            only = i;
        }
        return only;
    }

    /// <summary>The layout's device agent declared as <paramref name="name"/>, or -1 (a cpu of that name is none).</summary>
    int DeviceNamed(ReadOnlySpan<char> name)
    {
        int id = Layout.Agent(name);
        return id >= 0 && !Layout.Metadata.Agents[id].IsCpu ? id : -1;
    }

    /// <summary>A trace's device name as a scenario name: <c>0000:01:00.0</c> → <c>_0000_01_00.0</c>.</summary>
    public static string SanitizedName(ReadOnlySpan<char> name)
    {
        var chars = new System.Text.StringBuilder(name.Length + 1);
        if (name.Length == 0 || char.IsAsciiDigit(name[0])) chars.Append('_');
        foreach (char c in name) chars.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' ? c : '_');
        return chars.ToString();
    }
}
