using TraceTools.TraceFormat;

namespace TraceTools.Scenarios;

/// <summary>
/// "did you mean" suggestions by edit distance over the names in scope: the scenario language's names, and the
/// command line's verbs and options (one rule for both, so a typo is answered alike wherever it is made).
/// </summary>
public static class NearMiss
{
    /// <summary>The closest candidate within distance 2 (1 for names of up to 3 characters), or null.</summary>
    public static string? Find(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        int limit = name.Length <= 3 ? 1 : 2;
        foreach (var c in candidates)
        {
            if (c == name || Math.Abs(c.Length - name.Length) > limit) continue;
            int d = Distance(name, c);
            if (d > limit) continue;
            // Ties go to a completion of what was typed ('dmb.oshs' -> 'dmb.oshst', not 'dmb.osh').
            int score = 2 * d - (c.StartsWith(name, StringComparison.Ordinal) ? 1 : 0);
            if (score < bestDistance) { best = c; bestDistance = score; }
        }
        return best;
    }

    /// <summary>
    /// What uname, compilers and distributions call the architectures → the language's names: 'aarch64' is
    /// three edits from 'arm64', too far for <see cref="Find"/>, yet it is the name a newcomer types first.
    /// </summary>
    static readonly Dictionary<string, string> ArchAliases = new(StringComparer.Ordinal)
    {
        ["aarch64"] = "arm64", ["arm"] = "arm64", ["armv8"] = "arm64", ["armv8a"] = "arm64", ["armv8-a"] = "arm64",
        ["x86"] = "x86_64", ["x64"] = "x86_64", ["amd64"] = "x86_64", ["x86-64"] = "x86_64", ["intel64"] = "x86_64",
        ["riscv"] = "riscv64", ["rv64"] = "riscv64", ["risc-v"] = "riscv64",
    };

    /// <summary><c> (did you mean 'arm64'?)</c> for an unknown arch: an alias, the name in another case, or the nearest name.</summary>
    public static string ArchSuffix(string name)
    {
        string lower = name.ToLowerInvariant();
        var names = ArchNames.All.Select(a => a.Name());
        string? m = ArchAliases.GetValueOrDefault(lower) ?? (lower != name && names.Contains(lower) ? lower : Find(name, names));
        return m is null ? "" : $" (did you mean '{m}'?)";
    }

    /// <summary><c> (did you mean 'x'?)</c> or empty.</summary>
    public static string Suffix(string name, IEnumerable<string> candidates)
    {
        var m = Find(name, candidates);
        return m is null ? "" : $" (did you mean '{m}'?)";
    }

    /// <summary>Edit distance where swapping two adjacent characters costs 1 (optimal string alignment).</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                int v = Math.Min(Math.Min(d[i, j - 1] + 1, d[i - 1, j] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) v = Math.Min(v, d[i - 2, j - 2] + 1);
                d[i, j] = v;
            }
        }
        return d[a.Length, b.Length];
    }
}
