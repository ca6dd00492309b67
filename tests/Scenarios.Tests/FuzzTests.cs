using TraceTools.Scenarios;
using TraceTools.TraceFormat;

namespace TraceTools.Tests;

/// <summary>Mutated samples either compile or fail with a positioned <see cref="ScenarioException"/>: never another exception.</summary>
[TestClass]
public sealed class FuzzTests
{
    const string Alphabet = "abcxyz_019 \t\n#\"\\:,{}[]()+-*/%<>&|^~=@.";
    static readonly string[] Tokens =
        ["repeat 3 as i {", "}", "<< 64", "/ 0", "0x", "size 0", "size 4097", "[99]", "= -1", " + 0xffff_ffff_ffff_ffff", "expect none", "let", "arch sc", "dmb.oshs"];

    public static IEnumerable<object[]> Seeds() => Enumerable.Range(0, 40).Select(i => new object[] { 7919 * i + 1 });

    [TestMethod]
    [DynamicData(nameof(Seeds))]
    public void Compile_MutatedSample_FailsOnlyWithScenarioException(int seed)
    {
        var rng = new Random(seed);
        var files = Directory.GetFiles(Repo.SamplesDir, "*.scn").Order(StringComparer.Ordinal).ToArray();
        var text = File.ReadAllText(files[rng.Next(files.Length)]).ToCharArray().ToList();
        int edits = rng.Next(1, 6);
        for (int e = 0; e < edits && text.Count > 0; e++)
        {
            int at = rng.Next(text.Count);
            switch (rng.Next(4))
            {
                case 0: text.RemoveAt(at); break;
                case 1: text.Insert(at, Alphabet[rng.Next(Alphabet.Length)]); break;
                case 2: text[at] = Alphabet[rng.Next(Alphabet.Length)]; break;
                default: text.InsertRange(at, Tokens[rng.Next(Tokens.Length)]); break;
            }
        }
        string mutated = new(text.ToArray());
        try
        {
            var s = ScenarioCompiler.Compile(mutated, "fuzz.scn");
            long n = s.CountEvents();
            if (n <= 1_000_000)
            {
                var b = new EventBatch(64);
                s.Generate(b);
                Assert.AreEqual(n, b.Count);
            }
        }
        catch (ScenarioException e)
        {
            Assert.AreEqual("fuzz.scn", e.File);
            Assert.IsGreaterThan(0, e.Line, e.Message);
            Assert.IsGreaterThan(0, e.Column, e.Message);
            Assert.IsFalse(e.Message.Contains('\n', StringComparison.Ordinal), e.Message);
        }
    }
}
