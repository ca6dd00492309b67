using TraceTools.Replay.Memory;

namespace TraceTools.Tests.Memory;

/// <summary>Writes and checks a <see cref="PageColumn{T}"/> range piece by piece, as the engine walks it.</summary>
static class ColumnPieces
{
    /// <summary>Writes <paramref name="items"/> at <paramref name="offset"/>, one <see cref="PageColumn{T}.Cover"/> piece at a time.</summary>
    public static void Write<T>(ref PageColumn<T> column, int offset, ReadOnlySpan<T> items) where T : unmanaged
    {
        while (!items.IsEmpty)
        {
            var piece = column.Cover(offset, items.Length);
            Assert.IsTrue(piece.Length > 0 && piece.Length <= items.Length, $"a piece of 1..{items.Length} items at {offset}");
            items[..piece.Length].CopyTo(piece);
            items = items[piece.Length..];
            offset += piece.Length;
        }
    }

    /// <summary>
    /// The held pieces of [<paramref name="at"/>, + <paramref name="n"/>) (<see cref="PageColumn{T}.NextHeld"/>) are the
    /// model's items there, in address order, and every item between or around them is <c>default</c> in the model.
    /// </summary>
    public static void AssertHeld<T>(in PageColumn<T> column, T[] model, int at, int n, string because) where T : unmanaged, IEquatable<T>
    {
        int end = at + n, covered = at;
        for (int offset = at; ;)
        {
            var piece = column.NextHeld(ref offset, end);
            if (piece.IsEmpty)
            {
                Assert.AreEqual(offset, covered, $"{because}: an empty piece leaves the offset where the last one ended");
                break;
            }
            int from = offset - piece.Length;
            Assert.IsTrue(from >= covered && offset <= end, $"{because}: piece [{from}, {offset}) in order, inside [{at}, {end})");
            Assert.IsTrue(model.AsSpan(covered, from - covered).IndexOfAnyExcept(default(T)) < 0, $"{because}: nothing held before {from}");
            CollectionAssert.AreEqual(model.AsSpan(from, piece.Length).ToArray(), piece.ToArray(), $"{because}: piece at {from}");
            covered = offset;
        }
        Assert.IsTrue(model.AsSpan(covered, end - covered).IndexOfAnyExcept(default(T)) < 0, $"{because}: nothing held after {covered}");
    }
}
