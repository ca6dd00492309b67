namespace TraceTools.Replay.Memory;

/// <summary>
/// How a shadow page's windows grow (its cells' in words, its values' and release handles' in bytes): the part of the
/// page that holds state, which starts at the first range written and only grows.
/// </summary>
static class PageWindow
{
    /// <summary>
    /// The window [Lo, Hi) that holds both [<paramref name="from"/>, <paramref name="to"/>) and the current window
    /// [<paramref name="lo"/>, + <paramref name="span"/>) (span 0: none yet). A window that must grow at least doubles,
    /// towards the range asked for (a walk up the page extends the top, a walk down the bottom), so a page written unit
    /// by unit is copied a few times; past <paramref name="most"/> units it is the whole page, [0, <paramref name="page"/>).
    /// </summary>
    public static (int Lo, int Hi) Grow(int lo, int span, int from, int to, int page, int most)
    {
        int newLo = from, newHi = to;
        if (span != 0)
        {
            newLo = Math.Min(newLo, lo);
            newHi = Math.Max(newHi, lo + span);
            int want = Math.Min(page, 2 * span);
            if (newHi - newLo < want)
            {
                if (from < lo) newLo = Math.Max(0, newHi - want);
                if (newHi - newLo < want) newHi = Math.Min(page, newLo + want);
                if (newHi - newLo < want) newLo = newHi - want;
            }
        }
        return newHi - newLo > most ? (0, page) : (newLo, newHi);
    }
}
