using System.Globalization;
using TraceTools.Scenarios;
using TraceTools.TraceFormat;

namespace TraceTools.Cli;

/// <summary>Bad command-line usage: printed with the verb's name, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// A verb's arguments: options (<c>--name value</c>, <c>--name=value</c>, flags) may stand before or
/// after the positional arguments. Each verb declares what it takes and calls <see cref="Finish"/>
/// so unknown options are refused.
/// </summary>
public sealed class VerbArgs
{
    readonly List<string> _args;
    readonly HashSet<int> _used = [];
    // The options the verb asked for, so an unknown one can be answered with the nearest ("did you mean").
    readonly HashSet<string> _known = ["--help"];

    /// <summary>The verb's name, for messages.</summary>
    public string Verb { get; }
    /// <summary>Where reports go.</summary>
    public TextWriter Out { get; }
    /// <summary>Where messages and progress go.</summary>
    public TextWriter Error { get; }

    /// <summary>Wraps the arguments after the verb.</summary>
    public VerbArgs(string verb, string[] args, TextWriter stdout, TextWriter stderr)
    {
        Verb = verb;
        Out = stdout;
        Error = stderr;
        _args = [];
        foreach (var a in args)
        {
            // --name=value is split so that every option reads the same way.
            int eq = a.IndexOf('=', StringComparison.Ordinal);
            if (a.StartsWith("--", StringComparison.Ordinal) && eq > 2) { _args.Add(a[..eq]); _args.Add(a[(eq + 1)..]); }
            else _args.Add(a);
        }
    }

    /// <summary>True when --help or -h was given.</summary>
    public bool WantsHelp => _args.Contains("--help") || _args.Contains("-h");

    /// <summary>True (and consumed) when the flag is present.</summary>
    public bool Flag(string name)
    {
        _known.Add(name);
        bool found = false;
        for (int i = 0; i < _args.Count; i++)
            if (!_used.Contains(i) && _args[i] == name) { _used.Add(i); found = true; }
        return found;
    }

    /// <summary>The value of the last occurrence of option <paramref name="name"/>, or null.</summary>
    public string? Option(string name, string? alias = null)
    {
        string? value = null;
        foreach (var v in Options(name, alias)) value = v;
        return value;
    }

    /// <summary>All values of a repeatable option, in order.</summary>
    public List<string> Options(string name, string? alias = null)
    {
        _known.Add(name);
        if (alias is not null) _known.Add(alias);
        var values = new List<string>();
        for (int i = 0; i < _args.Count; i++)
        {
            if (_used.Contains(i) || (_args[i] != name && _args[i] != alias)) continue;
            if (i + 1 >= _args.Count) CliThrow.Usage($"option {_args[i]} needs a value");
            _used.Add(i);
            _used.Add(i + 1);
            values.Add(_args[i + 1]);
            i++;
        }
        return values;
    }

    /// <summary>A non-negative integer option (decimal, <c>0x</c> hex, <c>_</c> separators), or <paramref name="fallback"/>.</summary>
    public long Long(string name, long fallback)
    {
        var s = Option(name);
        if (s is null) return fallback;
        if (!TryParseLong(s, out long v) || v < 0) CliThrow.Usage($"option {name} takes a non-negative integer, not '{s}'");
        return v;
    }

    /// <summary><c>--chunk-events N</c> (gen, import): 1 to the format's 2^20 events per chunk, 65,536 when absent.</summary>
    public int ChunkEvents()
    {
        long n = Long("--chunk-events", 65536);
        if (n is < 1 or > TraceWriterOptions.MaxChunkEvents)
            CliThrow.Usage($"option --chunk-events takes 1 to {TraceWriterOptions.MaxChunkEvents} (the format's most events per chunk), not {n}");
        return (int)n;
    }

    /// <summary>A floating-point option, or <paramref name="fallback"/>.</summary>
    public double Double(string name, double fallback)
    {
        var s = Option(name);
        if (s is null) return fallback;
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
            CliThrow.Usage($"option {name} takes a number, not '{s}'");
        return v;
    }

    /// <summary>Parses decimal or <c>0x</c> hex with optional <c>_</c> separators.</summary>
    public static bool TryParseLong(string s, out long value)
    {
        s = s.Replace("_", "", StringComparison.Ordinal);
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return long.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        return long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>
    /// Returns the positional arguments once every option has been read; refuses leftover options
    /// and a positional count outside <paramref name="min"/>..<paramref name="max"/>.
    /// </summary>
    public List<string> Finish(int min, int max)
    {
        var positional = new List<string>();
        for (int i = 0; i < _args.Count; i++)
        {
            if (_used.Contains(i)) continue;
            var a = _args[i];
            if (a.StartsWith('-') && a != "-") CliThrow.Usage($"unknown option '{a}'{NearMiss.Suffix(a, _known)}");
            positional.Add(a);
        }
        if (positional.Count < min) CliThrow.Usage(min == 1 && max == 1 ? "expected one input file" : $"expected at least {min} argument(s)");
        if (positional.Count > max) CliThrow.Usage($"unexpected argument '{positional[max]}'");
        return positional;
    }

    /// <summary>Prints a verb's help text and returns exit code 0.</summary>
    public int Help(string text)
    {
        Out.WriteLine(text.TrimEnd());
        return CommandLine.Ok;
    }

}
