using TraceTools.TraceFormat;

namespace TraceTools.Scenarios.Internals.Syntax;

// Steps written in another notation than the language's: a C call (dma_wmb()), a barrier as the assembly and the
// reports' help read it (dmb oshst, fence w,o). The language keeps its grammar; the errors name its spelling.
sealed partial class Parser
{
    /// <summary>A step written as a C call, <c>dma_wmb()</c>: its operands follow the op, without parentheses.</summary>
    void RefuseCallNotation(in Token agent, in Token name, string step)
    {
        if (Peek.Kind == TokenKind.LParen)
            ScenarioThrow.At(Pos(Peek), $"'{name.Text}' takes no '(...)': write '{agent.Text}: {step}'");
    }

    /// <summary>
    /// The barrier that <paramref name="first"/> and the tokens after it spell with spaces where the language has
    /// dots (<c>dmb oshst</c>, <c>dsb st</c>, <c>fence w,o</c>, <c>fence ow, ow</c>), as written and in the language's
    /// spelling; null when they spell none.
    /// </summary>
    (string Written, string Spelling, BarrierCode Code)? SpacedBarrier(in Token first)
    {
        string mnemonic = first.Text!;
        int parts = mnemonic is "dmb" or "dsb" ? 1 : mnemonic == "fence" ? 3 : 0;
        if (parts == 0) return null;
        var written = new System.Text.StringBuilder(mnemonic);
        var spelling = new System.Text.StringBuilder(mnemonic);
        int end = first.Offset + first.Length;
        for (int k = 0; k < parts; k++)
        {
            var t = PeekAt(k);
            // fence P,S: the sets are names, the comma between them stands where the language has its second dot.
            bool fits = k == 1 ? t.Kind == TokenKind.Comma : t.Kind == TokenKind.Name && !t.Text!.Contains('.', StringComparison.Ordinal);
            if (!fits || t.Line != first.Line) return null;
            written.Append(t.Offset > end ? " " : "").Append(t.Kind == TokenKind.Comma ? "," : t.Text);
            if (t.Kind == TokenKind.Name) spelling.Append('.').Append(t.Text);
            end = t.Offset + t.Length;
        }
        return BarrierCode.TryParse(spelling.ToString(), out var code) ? (written.ToString(), spelling.ToString(), code.Value) : null;
    }

    /// <summary><c>barrier dmb oshst</c>: names the language's spelling instead of the nearest kind to 'dmb'.</summary>
    void RefuseSpacedBarrier(in Token first, Arch arch)
    {
        if (SpacedBarrier(first) is { } b)
        {
            if (b.Code.IsValidFor(arch))
                ScenarioThrow.At(Pos(first), $"unknown barrier '{b.Written}' for arch {arch.Name()}: the language writes it '{b.Spelling}' (did you mean '{b.Spelling}'?)");
            ScenarioThrow.At(Pos(first), $"barrier '{b.Written}' (the language writes it '{b.Spelling}') is not valid for arch {arch.Name()}");
        }
        if (MnemonicForm(first.Text!) is { } form)
            ScenarioThrow.At(Pos(first), $"unknown barrier '{first.Text}' for arch {arch.Name()}: {form}");
    }

    /// <summary>
    /// <c>cpu0: dmb oshst</c>, <c>cpu0: dmb.oshst</c>, <c>cpu0: mfence</c>: a raw barrier written as an op. Only the
    /// Linux kinds are ops; the message names the <c>barrier</c> step that says it.
    /// </summary>
    void RefuseRawBarrierOp(in Token op, Arch arch)
    {
        string? spelling = null, written = op.Text;
        BarrierCode code = default;
        if (SpacedBarrier(op) is { } b) (written, spelling, code) = b;
        else if (BarrierCode.TryParse(op.Text!, out var raw)) (spelling, code) = (op.Text!, raw.Value);
        if (spelling is not null)
        {
            string fix = $"a raw barrier is written 'barrier {spelling}'";
            ScenarioThrow.At(Pos(op), code.IsValidFor(arch)
                ? $"unknown op '{written}': {fix} (did you mean 'barrier {spelling}'?)"
                : $"unknown op '{written}': {fix}, and '{spelling}' is not valid for arch {arch.Name()}");
        }
        if (MnemonicForm(op.Text!) is { } form)
            ScenarioThrow.At(Pos(op), $"unknown op '{op.Text}': a raw barrier is written 'barrier KIND'; {form}");
    }

    /// <summary>
    /// For a raw barrier's mnemonic written without its option (<c>dmb</c>): the form it takes. Edit distance would
    /// answer 'mb', a different and heavier barrier.
    /// </summary>
    static string? MnemonicForm(string mnemonic) => mnemonic switch
    {
        "dmb" or "dsb" => $"{mnemonic} takes its option after a dot ({string.Join(", ", BarrierCode.Arm64Options.Select(o => mnemonic + "." + o))})",
        "fence" => "fence takes its sets after dots, 'fence.P.S' with P and S from i, o, r, w (e.g. 'fence.w.o', 'fence.rw.rw')",
        _ => null,
    };
}
