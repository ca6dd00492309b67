using TraceTools.Scenarios.Internals.Syntax;

namespace TraceTools.Scenarios;

/// <summary>Compiles <c>.scn</c> scenario text (docs/scenario-language.md) into a <see cref="CompiledScenario"/>.</summary>
public static class ScenarioCompiler
{
    /// <summary>
    /// Reads and compiles <paramref name="path"/>. Each entry of <paramref name="overrides"/> replaces the value of
    /// the <c>let</c> of that name (<c>--set NAME=VALUE</c>); naming no <c>let</c> is an error.
    /// </summary>
    /// <exception cref="ScenarioException">The scenario has an error.</exception>
    public static CompiledScenario CompileFile(string path, IReadOnlyDictionary<string, ulong>? overrides = null)
    {
        string text = File.ReadAllText(path);
        return Compile(text, path, overrides);
    }

    /// <summary>Compiles scenario <paramref name="text"/>; <paramref name="fileName"/> prefixes every error message.</summary>
    /// <exception cref="ScenarioException">The scenario has an error.</exception>
    public static CompiledScenario Compile(string text, string fileName, IReadOnlyDictionary<string, ulong>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        var tokens = Lexer.Tokenize(text, fileName);
        return new Parser(tokens, fileName, overrides).ParseScenario();
    }
}
