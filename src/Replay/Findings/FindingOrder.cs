namespace TraceTools.Replay.Findings;

/// <summary>The order <see cref="ReplayEngine.Complete"/> returns findings in: by trigger index, then kind, ties as reported.</summary>
public static class FindingOrder
{
    /// <summary>
    /// Puts <paramref name="findings"/> in order through positions (4 bytes a finding), when they are not; a store in
    /// order (detectors reporting in trace order) is only checked. The store then takes no more findings. (A stable
    /// sort of the findings themselves, as before the store, held them twice; of (finding, position) pairs, as
    /// before that, 36 bytes more a finding.)
    /// </summary>
    public static void Sort(FindingStore findings) => findings.PutInOrder();

    /// <summary>True when <paramref name="findings"/> are in order (a store's read from its columns, no finding made).</summary>
    public static bool IsSorted(IReadOnlyList<Finding> findings)
    {
        if (findings is FindingStore store) return IsSorted(store);
        for (int i = 1; i < findings.Count; i++)
            if (Compare(findings[i - 1], findings[i]) > 0) return false;
        return true;
    }

    static bool IsSorted(FindingStore store)
    {
        if (store.Count == 0) return true;
        long trigger = store.TriggerAt(0);
        var kind = store.KindAt(0);
        for (int i = 1; i < store.Count; i++)
        {
            long t = store.TriggerAt(i);
            var k = store.KindAt(i);
            if (t < trigger || (t == trigger && k < kind)) return false;
            (trigger, kind) = (t, k);
        }
        return true;
    }

    /// <summary>The positions of <paramref name="findings"/> in order, ties by position.</summary>
    public static int[] StableOrder(IReadOnlyList<Finding> findings)
    {
        if (findings is FindingStore store) return StableOrder(store);
        var order = new int[findings.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(order, (a, b) => Compare(findings[a], findings[b]) is var c && c != 0 ? c : a.CompareTo(b));
        return order;
    }

    /// <summary>
    /// A store's positions in order: sorted by one key a finding (trigger and kind in a 64-bit word: a store's
    /// triggers fit in 56 bits), runs of equal keys then put back in position order, so the
    /// sort is stable without a comparison delegate making a finding per call.
    /// </summary>
    static int[] StableOrder(FindingStore store)
    {
        int n = store.Count;
        var order = new int[n];
        var keys = new long[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
            keys[i] = (store.TriggerAt(i) << 8) | (byte)store.KindAt(i);
        }
        Array.Sort(keys, order);
        for (int start = 0; start < n;)
        {
            int end = start + 1;
            while (end < n && keys[end] == keys[start]) end++;
            if (end - start > 1) Array.Sort(order, start, end - start);
            start = end;
        }
        return order;
    }

    static int Compare(Finding a, Finding b) => a.Trigger != b.Trigger ? a.Trigger.CompareTo(b.Trigger) : a.Kind.CompareTo(b.Kind);
}
