using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.Replay.Sharding;

namespace TraceTools.Tests.Engine;

/// <summary>
/// <see cref="PieceFindings.Merge"/> keeps, per trigger and kind, the finding a dictionary replaced in replica then
/// report order keeps (the merge it replaces, written here as the reference), under both rules, and leaves the replicas empty.
/// </summary>
[TestClass]
public sealed class PieceFindingsTests
{
    static readonly FindingKind[] Kinds = [FindingKind.DmaRace, FindingKind.StaleDmaRead, FindingKind.MissingCacheClean];

    static PieceMerge[] Rules()
    {
        var merge = new PieceMerge[Enum.GetValues<FindingKind>().Length];
        merge[(int)FindingKind.DmaRace] = PieceMerge.LatestRelated;
        merge[(int)FindingKind.StaleDmaRead] = PieceMerge.FirstPiece;
        merge[(int)FindingKind.MissingCacheClean] = PieceMerge.FirstPiece;
        return merge;
    }

    [TestMethod]
    [DataRow(1, 3, 400)]
    [DataRow(2, 2, 5000)]
    [DataRow(3, 4, 50)]
    [DataRow(4, 1, 300)]
    public void Merge_RandomPieces_SameAsDictionaryInOrder(int seed, int replicaCount, int perReplica)
    {
        var rng = new Random(seed);
        var merge = Rules();
        var replicas = new List<PieceFindings>();
        var reference = new Dictionary<(long, FindingKind), (Finding Finding, ulong Piece)>();
        for (int r = 0; r < replicaCount; r++)
        {
            var p = new PieceFindings();
            // An empty replica between others must not shift where the next one's findings lie.
            int n = r == 1 && replicaCount > 2 ? 0 : perReplica;
            for (int i = 0; i < n; i++)
            {
                var kind = Kinds[rng.Next(Kinds.Length)];
                long trigger = rng.Next(perReplica / 4 + 1);
                // Few distinct related indices and pieces: ties under both rules, which the first kept must win.
                RelatedEvent[] related = rng.Next(10) == 0 ? [] : [new(RelatedRole.Other, rng.Next(-1, 6)), new(RelatedRole.Store, i)];
                ulong piece = (ulong)rng.Next(4) << 12;
                var severity = rng.Next(4) == 0 ? Severity.Warning : Severity.Error;
                p.Add(kind, severity, trigger, related, piece);
                var f = new Finding(kind, trigger, related) { Severity = severity };
                var key = (trigger, kind);
                if (!reference.TryGetValue(key, out var kept) || Wins((f, piece), kept, merge[(int)kind])) reference[key] = (f, piece);
            }
            replicas.Add(p);
        }
        var into = new FindingStore();
        PieceFindings.Merge(replicas, merge, into);
        var expected = reference.Values.Select(v => v.Finding).OrderBy(f => f.Trigger).ThenBy(f => f.Kind).ToList();
        var actual = into.OrderBy(f => f.Trigger).ThenBy(f => f.Kind).ToList();
        Assert.AreEqual(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++) Assert.IsTrue(expected[i].SameAs(actual[i]), $"at {i}: {expected[i]} but {actual[i]}");
        // The engines that hold the replicas live on for the report: their pieces are let go once merged.
        foreach (var replica in replicas) Assert.AreEqual(0, replica.Count);
    }

    static bool Wins((Finding Finding, ulong Piece) p, (Finding Finding, ulong Piece) kept, PieceMerge merge) =>
        merge == PieceMerge.LatestRelated ? Latest(p.Finding) > Latest(kept.Finding) : p.Piece < kept.Piece;

    static long Latest(Finding f) => f.Related.Length == 0 ? -1 : f.Related[0].Index;
}
