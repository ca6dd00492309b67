using System.Globalization;
using TraceTools.Scenarios.Internals.Expressions;
using TraceTools.Scenarios.Internals.Program;
using TraceTools.TraceFormat;

namespace TraceTools.Scenarios.Internals.Syntax;

// Operands: sizes, write values, hex bytes, address and entry operands.
sealed partial class Parser
{
    Expr ParseSize()
    {
        ExpectKeyword("size");
        return ParseExpression();
    }

    /// <summary><c>= VALUE</c> or the team's extension <c>bytes "HEX"</c> (memory order, lowest address first).</summary>
    void ParseWriteValue(Step s, bool required, bool allowBytes = true)
    {
        if (Peek.Kind == TokenKind.Equals)
        {
            _pos++;
            s.Value = ParseExpression();
            return;
        }
        if (allowBytes && Peek.Kind == TokenKind.Name && Peek.Text == "bytes")
        {
            _pos++;
            var str = Expect(TokenKind.String, "a string of hex digits after 'bytes'");
            s.Bytes = ParseHex(str);
            s.BytesPos = Pos(str);
            return;
        }
        if (required)
            ScenarioThrow.At(Pos(Peek), $"expected '= VALUE'{(allowBytes ? " or 'bytes \"HEX\"'" : "")} but found {Peek.Show()}");
    }

    byte[] ParseHex(in Token str)
    {
        string hex = str.Text!;
        if (hex.Length % 2 != 0)
            ScenarioThrow.At(Pos(str), $"bytes \"{hex}\" has an odd number of hex digits: expected 2 per byte");
        var bytes = new byte[hex.Length / 2];
        for (int i = 0; i < bytes.Length; i++)
        {
            if (!byte.TryParse(hex.AsSpan(2 * i, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out bytes[i]))
                ScenarioThrow.At(_file, str.Line, str.Column + 1 + 2 * i, $"bytes \"...\": expected hex digits but found '{hex.Substring(2 * i, 2)}'");
        }
        return bytes;
    }

    /// <summary>An address operand: <c>NAME</c>, <c>NAME + EXPR</c>, <c>TABLE[EXPR]</c>, <c>TABLE[EXPR] + EXPR</c>.</summary>
    AddressOperand ParseAddress()
    {
        var name = ExpectName("an address (REGION, REGION + EXPR or TABLE[EXPR])");
        int region = RegionId(name);
        Expr? entry = null;
        if (Peek.Kind == TokenKind.LBracket)
        {
            if (_regions[region].Kind != RegionKind.Table)
                ScenarioThrow.At(Pos(Peek), $"'{name.Text}' is not a table: only tables take [entry]");
            _pos++;
            entry = ParseExpression();
            Expect(TokenKind.RBracket, "']'");
        }
        Expr? offset = null;
        if (Peek.Kind == TokenKind.Plus)
        {
            _pos++;
            offset = ParseExpression(); // the whole expression: buf + 1 << 2 is buf + 4
        }
        return new AddressOperand(region, entry, offset, Pos(name));
    }

    /// <summary><c>TABLE[EXPR]</c> with nothing added.</summary>
    AddressOperand ParseEntry(string form)
    {
        var name = ExpectName($"a table entry TABLE[EXPR] ({form})");
        int region = RegionId(name, tablesOnly: true);
        Expect(TokenKind.LBracket, $"'[' ({form})");
        var entry = ParseExpression();
        Expect(TokenKind.RBracket, "']'");
        return new AddressOperand(region, entry, null, Pos(name));
    }

    int RegionId(Token name, bool tablesOnly = false)
    {
        int id = _regionIds.GetValueOrDefault(name.Text!, -1);
        if (id < 0)
        {
            var names = _regions.Where(r => !tablesOnly || r.Kind == RegionKind.Table).Select(r => r.Name);
            ScenarioThrow.At(Pos(name), $"unknown {(tablesOnly ? "table" : "region")} '{name.Text}'{NearMiss.Suffix(name.Text!, names)}");
        }
        if (tablesOnly && _regions[id].Kind != RegionKind.Table)
            ScenarioThrow.At(Pos(name), $"'{name.Text}' is not a table{NearMiss.Suffix(name.Text!, _regions.Where(r => r.Kind == RegionKind.Table).Select(r => r.Name))}");
        return id;
    }
}
