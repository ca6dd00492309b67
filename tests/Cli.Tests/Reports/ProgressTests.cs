using TraceTools.Cli.Replaying;
using TraceTools.Tests.EndToEnd;

namespace TraceTools.Tests.Reports;

/// <summary>The progress line's elapsed time and ETA, and the phases <c>--stats</c> prints.</summary>
[TestClass]
public sealed class ProgressTests
{
    [TestMethod]
    [DataRow(3_000_000L, 10_000_000L, 2.0, "[#########                     ]  30.0% 3,000,000 events 1.5 M/s 0:02 elapsed, ETA 0:05")]
    [DataRow(10_000_000L, 10_000_000L, 4.0, "[##############################] 100.0% 10,000,000 events 2.5 M/s 0:04 elapsed, ETA 0:00")]
    [DataRow(0L, 10_000_000L, 0.5, "[                              ]   0.0% 0 events 0.0 M/s 0:00 elapsed, ETA ?")]
    [DataRow(5_000_000L, 0L, 3725.0, "5,000,000 events 0.0 M/s 1:02:05 elapsed")]
    public void ProgressBar_Line_ElapsedAndEta(long done, long total, double seconds, string expected) =>
        Assert.AreEqual(expected, ProgressBar.Line(done, total, TimeSpan.FromSeconds(seconds)));

    [TestMethod]
    public void Replay_Stats_PrintsEveryPhase()
    {
        var (exit, output, _) = RepoPaths.Run("replay", Path.Combine(RepoPaths.Samples, "hisi-qm-mailbox.trace"), "--stats", "--threads", "1");
        Assert.AreEqual(1, exit);
        string last = output.TrimEnd().Split('\n')[^1];
        StringAssert.Matches(last, new System.Text.RegularExpressions.Regex(
            @"^replayed 4 events in [0-9.]+ s \([0-9.e]+ events/s, start-up excluded\); phases: start-up [0-9.]+ s, decode [0-9.]+ s, replay [0-9.]+ s, report [0-9.]+ s$"));
    }
}
