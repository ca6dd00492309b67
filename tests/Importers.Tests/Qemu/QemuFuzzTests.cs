using System.Text;
using TraceTools.Importers;

namespace TraceTools.Tests.Qemu;

/// <summary>Mutated QEMU logs import or fail with one positioned <see cref="ImportException"/>: never another exception.</summary>
[TestClass]
public sealed class QemuFuzzTests
{
    static readonly string[] Tokens =
        ["tt_store", "tt_io_store", "memory_region_ops_write", "cpu", "-1", "0x", "addr", "size", "0", "99999999999999999999",
         "'", "name", "fwcfg.dma", "'fwcfg.dma'", "pc", "value", "0xffffffffffffffff", "insn", "fence.tso", "op", "@", ":", " ", ""];

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    public void Import_MutatedSampleLog_ImportsOrFailsWithAPositionedError(int seed)
    {
        var random = new Random(seed);
        string layout = File.ReadAllText(Path.Combine(QemuLogs.SamplesDir, "fwcfg-dma.layout.scn"));
        var lines = File.ReadAllLines(Path.Combine(QemuLogs.SamplesDir, "fwcfg-dma-barrier.log"));
        using var h = new ImportHarness();
        int imported = 0, rejected = 0;
        for (int round = 0; round < 60; round++)
        {
            var mutated = (string[])lines.Clone();
            for (int m = random.Next(1, 4); m > 0; m--)
            {
                int i = random.Next(mutated.Length);
                var words = mutated[i].Split(' ').ToList();
                int w = random.Next(words.Count);
                switch (random.Next(4))
                {
                    case 0: words[w] = Tokens[random.Next(Tokens.Length)]; break;
                    case 1: words.RemoveAt(w); break;
                    case 2: words.Insert(w, Tokens[random.Next(Tokens.Length)]); break;
                    default:
                        var chars = new StringBuilder(mutated[i]);
                        if (chars.Length > 0) chars[random.Next(chars.Length)] = (char)random.Next(32, 127);
                        words = [chars.ToString()];
                        break;
                }
                mutated[i] = string.Join(' ', words);
            }
            try
            {
                h.Run("qemu", layout, [("fuzz.log", string.Join('\n', mutated) + "\n")], skipUnmapped: random.Next(2) == 0);
                imported++;
            }
            catch (ImportException e)
            {
                Assert.IsGreaterThan(0L, e.Line, e.Message);
                StringAssert.StartsWith(e.Message, Path.Combine(h.Dir, "fuzz.log") + ":");
                rejected++;
            }
        }
        Assert.IsGreaterThan(0, rejected, "the mutations must reach the error paths");
        Assert.IsGreaterThan(0, imported + rejected);
    }
}
