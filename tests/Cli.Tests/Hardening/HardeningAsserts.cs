namespace TraceTools.Tests.Hardening;

/// <summary>What every run on bad input must look like (style.md): one line in the tool's words.</summary>
static class HardeningAsserts
{
    /// <summary>Exit 2 with exactly one non-empty stderr line that names no runtime exception or stack frame.</summary>
    public static void OneLineError(int exit, string err, string? mustContain = null)
    {
        Assert.AreEqual(2, exit, $"exit code; stderr: {err}");
        CleanMessages(err);
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(1, lines, $"expected one line, got: {err}");
        if (mustContain is not null) Assert.Contains(mustContain, err);
    }

    /// <summary>No stack trace, no exception type name, no internal error.</summary>
    public static void CleanMessages(string err)
    {
        Assert.DoesNotContain("internal error", err, err);
        Assert.DoesNotContain("Exception", err, err);
        Assert.DoesNotContain("   at ", err, err);
        Assert.DoesNotContain(".tmp-", err, "a temp-file path leaked: " + err);
    }
}
