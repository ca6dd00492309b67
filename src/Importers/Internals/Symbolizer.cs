using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using TraceTools.TraceFormat;

namespace TraceTools.Importers.Internals;

/// <summary>
/// Turns code-address sites into <c>file:line</c> with the system's binutils, each run once over all
/// distinct addresses: <c>addr2line -e ELF -f -C</c> (two lines per address: function, file:line), and for
/// symbolic sites such as <c>nic_xmit+0x3c/0x120 [nic]</c> first <c>nm --defined-only ELF</c> for the
/// symbol's address. Sites it cannot place (<c>??:0</c>) keep their text.
/// </summary>
static class Symbolizer
{
    public static (string?[] Symbolized, int Count) Resolve(string elf, SiteTable sites)
    {
        var symbolized = new string?[sites.Count];
        var wanted = new Dictionary<ulong, List<int>>();
        foreach (var (id, address) in sites.AddressSites()) Want(wanted, address, id);
        var symbolic = new List<(int Id, string Symbol, ulong Offset)>();
        foreach (var (id, text) in sites.TextSites())
        {
            if (TryParseHex(text, out ulong address)) Want(wanted, address, id);
            else if (TryParseSymbol(text, out string symbol, out ulong offset)) symbolic.Add((id, symbol, offset));
        }
        if (symbolic.Count > 0)
        {
            var names = symbolic.Select(s => s.Symbol).ToHashSet(StringComparer.Ordinal);
            var addresses = SymbolAddresses(elf, names);
            foreach (var (id, symbol, offset) in symbolic)
                if (addresses.TryGetValue(symbol, out ulong a)) Want(wanted, a + offset, id);
        }
        if (wanted.Count == 0) return (symbolized, 0);
        var keys = wanted.Keys.ToArray();
        var lines = Run("addr2line", ["-e", elf, "-f", "-C"], keys.Select(k => "0x" + k.ToString("x", CultureInfo.InvariantCulture)), elf);
        int count = 0;
        for (int i = 0; i < keys.Length && 2 * i + 1 < lines.Count; i++)
        {
            string? place = FileLine(lines[2 * i + 1]);
            if (place is null) continue;
            foreach (int id in wanted[keys[i]]) { symbolized[id] = place; count++; }
        }
        return (symbolized, count);
    }

    static void Want(Dictionary<ulong, List<int>> wanted, ulong address, int id)
    {
        if (!wanted.TryGetValue(address, out var ids)) wanted[address] = ids = [];
        ids.Add(id);
    }

    /// <summary><c>/src/nic.c:212</c> from an addr2line answer; null for <c>??:0</c>, <c>??:?</c>, <c>file:0</c>.</summary>
    static string? FileLine(string answer)
    {
        int d = answer.IndexOf(" (discriminator", StringComparison.Ordinal);
        if (d >= 0) answer = answer[..d];
        int colon = answer.LastIndexOf(':');
        if (colon <= 0 || answer.StartsWith("??", StringComparison.Ordinal)) return null;
        var line = answer.AsSpan(colon + 1);
        if (!int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n == 0) return null;
        return AsSite(answer);
    }

    /// <summary>
    /// <paramref name="place"/> (<c>file:line</c>) as the header can hold it, as every site is kept: each control
    /// character (a tab in a file name) as <c>?</c>; and a path longer than a site's 4,096 UTF-8 bytes cut at its start,
    /// not its end as text sites are, so that the file's own name and the line stay (<c>...</c> then the last bytes).
    /// </summary>
    internal static string AsSite(string place)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(place) > TraceLimits.MaxStringBytes) place = CutAtStart(place);
        // Within the limit now, so this only turns control characters into '?', as for every site.
        return TraceLimits.SanitizedText(place).ToString();
    }

    /// <summary><c>...</c> then the longest tail of <paramref name="place"/>, in whole characters, that fits a site with it.</summary>
    static string CutAtStart(string place)
    {
        const string Cut = "...";
        int start = place.Length, bytes = 0;
        while (start > 0)
        {
            // Whole characters only: a surrogate pair is taken with its high half.
            int take = start >= 2 && char.IsLowSurrogate(place[start - 1]) && char.IsHighSurrogate(place[start - 2]) ? 2 : 1;
            int size = System.Text.Encoding.UTF8.GetByteCount(place.AsSpan(start - take, take));
            if (bytes + size > TraceLimits.MaxStringBytes - Cut.Length) break;
            bytes += size;
            start -= take;
        }
        return Cut + place[start..];
    }

    static bool TryParseHex(string text, out ulong value)
    {
        value = 0;
        return text.StartsWith("0x", StringComparison.Ordinal)
            && ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    /// <summary><c>sym+0xOFF/0xLEN [mod]</c>, <c>sym+0xOFF</c> or <c>sym</c> as the kernel's <c>%pS</c> prints them.</summary>
    public static bool TryParseSymbol(string text, out string symbol, out ulong offset)
    {
        offset = 0;
        var s = text.AsSpan();
        int space = s.IndexOf(' ');
        if (space >= 0) s = s[..space];
        int slash = s.IndexOf('/');
        if (slash >= 0) s = s[..slash];
        int plus = s.IndexOf('+');
        symbol = (plus >= 0 ? s[..plus] : s).ToString();
        if (symbol.Length == 0 || !(char.IsAsciiLetter(symbol[0]) || symbol[0] is '_' or '.')) return false;
        if (plus < 0) return true;
        var off = s[(plus + 1)..];
        return off.StartsWith("0x") && ulong.TryParse(off[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out offset);
    }

    static Dictionary<string, ulong> SymbolAddresses(string elf, HashSet<string> names)
    {
        var found = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var line in Run("nm", ["--defined-only", elf], [], elf))
        {
            // "ffffffff81001000 T nic_xmit"
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 3 && names.Contains(parts[2])
                && ulong.TryParse(parts[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong a))
                found.TryAdd(parts[2], a);
        }
        return found;
    }

    static List<string> Run(string tool, string[] args, IEnumerable<string> input, string elf)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception();
        }
        catch (Win32Exception)
        {
            ImportThrow.File(elf, $"--symbols needs '{tool}' from GNU binutils, which was not found: install it (apt-get install binutils)");
            return [];
        }
        using (process)
        {
            // Feed stdin on another task: addr2line answers as it reads, and both pipes have finite buffers.
            var feed = Task.Run(() =>
            {
                try
                {
                    foreach (var line in input) process.StandardInput.WriteLine(line);
                }
                catch (IOException) { } // the tool exited early: its exit code says why
                finally { process.StandardInput.Close(); }
            });
            var errors = process.StandardError.ReadToEndAsync();
            var lines = new List<string>();
            while (process.StandardOutput.ReadLine() is { } l) lines.Add(l);
            feed.GetAwaiter().GetResult();
            process.WaitForExit();
            if (process.ExitCode != 0)
                ImportThrow.File(elf, $"--symbols: {tool} failed (exit {process.ExitCode}): {errors.GetAwaiter().GetResult().Trim().ReplaceLineEndings(" ")}");
            return lines;
        }
    }
}
