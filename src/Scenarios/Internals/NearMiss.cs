namespace TraceTools.Scenarios.Internals;

/// <summary>"did you mean" suggestions by edit distance over the names in scope.</summary>
static class NearMiss
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
            if (d <= limit && d < bestDistance) { best = c; bestDistance = d; }
        }
        return best;
    }

    /// <summary><c> (did you mean 'x'?)</c> or empty.</summary>
    public static string Suffix(string name, IEnumerable<string> candidates)
    {
        var m = Find(name, candidates);
        return m is null ? "" : $" (did you mean '{m}'?)";
    }

    /// <summary>Levenshtein distance with two rows.</summary>
    public static int Distance(string a, string b)
    {
        Span<int> prev = stackalloc int[b.Length + 1];
        Span<int> cur = stackalloc int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            var t = prev; prev = cur; cur = t;
        }
        return prev[b.Length];
    }
}
