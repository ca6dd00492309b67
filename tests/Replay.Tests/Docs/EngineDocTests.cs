using System.Reflection;
using System.Text.RegularExpressions;
using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.Replay.Detection;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Docs;

/// <summary>
/// docs/replay-engine.md's "Layout: a short tour" is how a newcomer finds a concept, and its table of the view's
/// queries is what a detector's author reads: these keep both true. Every folder of the engine and of the detectors
/// has its place in the tour (a quoted path starting with it), and every name it quotes is still there: a folder or
/// file, a partial file's suffix, or a type or member of the engine's assemblies. The view's table names every
/// public member of <see cref="DetectorView"/> and nothing else.
/// </summary>
[TestClass]
public sealed partial class EngineDocTests
{
    static readonly string Root = RepoFiles.Root;

    static string[] TourRows() => TableRows("## Layout: a short tour", "| where |");

    /// <summary>The rows of the first table after <paramref name="heading"/> whose header starts with <paramref name="header"/>.</summary>
    static string[] TableRows(string heading, string header)
    {
        var lines = RepoFiles.Doc("replay-engine.md").Split('\n');
        int at = Array.IndexOf(lines, heading);
        Assert.IsGreaterThanOrEqualTo(0, at, $"docs/replay-engine.md has no '{heading}'");
        int head = Array.FindIndex(lines, at, l => l.StartsWith(header, StringComparison.Ordinal));
        Assert.IsGreaterThan(at, head, $"'{heading}' has no table");
        return [.. lines.Skip(head + 2).TakeWhile(l => l.StartsWith('|'))];
    }

    static IEnumerable<string> Quoted(string text) => Backticked().Matches(text).Select(m => m.Groups[1].Value);

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Backticked();

    /// <summary>The folders under <c>src/<paramref name="project"/></c> that hold source (not build output).</summary>
    static IEnumerable<string> Folders(string project) =>
        Directory.EnumerateDirectories(Path.Combine(Root, "src", project))
            .Select(Path.GetFileName)
            .Where(name => name is not ("bin" or "obj"))!;

    [TestMethod]
    [DataRow("Replay")]
    [DataRow("Detectors")]
    public void Tour_NamesEveryFolder(string project)
    {
        var named = TourRows().SelectMany(Quoted).ToHashSet();
        var missing = Folders(project).Where(f => !named.Any(q => q.StartsWith(f + "/", StringComparison.Ordinal))).ToList();
        Assert.IsEmpty(missing, $"src/{project} folders the tour does not name: {string.Join(", ", missing)}");
    }

    [TestMethod]
    public void Tour_EveryQuotedNameExists()
    {
        var symbols = Symbols();
        var missing = TourRows().SelectMany(Quoted).Distinct().Where(q => !Exists(q, symbols)).ToList();
        Assert.IsEmpty(missing, $"names the tour quotes that the source no longer has: {string.Join(", ", missing)}");
    }

    [TestMethod]
    public void ViewTable_NamesEveryPublicMemberOfTheView()
    {
        var named = TableRows("### Detectors behind a view", "| query |")
            .SelectMany(row => Quoted(row.Split('|')[1]))
            .Select(q => Regex.Replace(q, @"[(<].*$", ""))
            .ToHashSet();
        const BindingFlags surface = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var members = typeof(DetectorView).GetMethods(surface).Where(m => !m.IsSpecialName).Select(m => m.Name)
            .Concat(typeof(DetectorView).GetProperties(surface).Select(p => p.Name))
            .Where(n => n is not (nameof(Equals) or nameof(GetHashCode) or nameof(ToString)))
            .ToHashSet();
        Assert.IsEmpty(members.Except(named).ToList(), $"view members the table leaves out: {string.Join(", ", members.Except(named))}");
        Assert.IsEmpty(named.Except(members).ToList(), $"table queries the view does not have: {string.Join(", ", named.Except(members))}");
    }

    /// <summary>
    /// A quoted name exists when it is a path (a folder or file under the root, src, src/Replay or src/Detectors, with
    /// a <c>*</c> pattern or a <c>&lt;Kind&gt;</c> placeholder), a file name of the engine or the detectors, a partial
    /// file's suffix (<c>.Dispatch</c>: some <c>X.Dispatch.cs</c>), or an identifier, possibly dotted, called or
    /// generic, each of whose parts is a type or member of the engine's assemblies or the core library. Lower-case
    /// words (trace ops, verbs, C# keywords) are not names of the source and are not checked.
    /// </summary>
    static bool Exists(string quoted, HashSet<string> symbols)
    {
        if (quoted.Contains('/')) return PathExists(quoted);
        if (quoted.EndsWith(".cs", StringComparison.Ordinal))
        {
            var file = new Regex("^" + Regex.Escape(quoted).Replace(@"\*", ".*") + "$");
            return SourceFiles().Any(f => file.IsMatch(Path.GetFileName(f)));
        }
        if (quoted.StartsWith('.')) return SourceFiles().Any(f => f.EndsWith(quoted + ".cs", StringComparison.Ordinal));
        string name = Regex.Replace(quoted, @"[(<].*$", "");
        if (name.Length == 0 || !char.IsUpper(name[0])) return true;
        return name.Split('.').All(symbols.Contains);
    }

    static readonly string[] PathBases = ["", "src", "src/Replay", "src/Detectors"];

    static bool PathExists(string quoted)
    {
        string path = quoted.Replace("<Kind>/", "").TrimEnd('/');
        foreach (var b in PathBases)
        {
            string full = Path.Combine(Root, b, path);
            string dir = Path.GetDirectoryName(full)!, file = Path.GetFileName(full);
            if (!Directory.Exists(dir)) continue;
            if (Directory.Exists(full) || Directory.EnumerateFiles(dir, file.Contains('.') ? file : file + ".cs").Any()) return true;
        }
        return false;
    }

    static IEnumerable<string> SourceFiles() =>
        PathBases[2..].SelectMany(b => Directory.EnumerateFiles(Path.Combine(Root, b), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    /// <summary>Every type name (without its generic arity) and member name of the engine's assemblies and the core library.</summary>
    static HashSet<string> Symbols()
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var names = new HashSet<string>(StringComparer.Ordinal);
        Assembly[] assemblies = [typeof(ReplayEngine).Assembly, typeof(DetectorRegistry).Assembly, typeof(EventBatch).Assembly, typeof(object).Assembly];
        foreach (var type in assemblies.SelectMany(a => a.GetTypes()))
        {
            names.Add(type.Name.Split('`')[0]);
            foreach (var member in type.GetMembers(all)) names.Add(member.Name);
        }
        return names;
    }
}
