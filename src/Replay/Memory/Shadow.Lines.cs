using System.Runtime.CompilerServices;
using TraceTools.Replay.Detection;

namespace TraceTools.Replay.Memory;

sealed partial class Shadow
{
    /// <summary>The last writes and cache marks of one byte of any region (the line rules walk whole lines byte by byte).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ByteWrites WritesAt(ulong address)
    {
        var page = Pages.Page(address);
        int k = (int)(address & ShadowPage.Mask);
        return new ByteWrites(page.CpuWrite(k), page.DevWrite(k), page.CleanTime[k], page.InvalidatedBy[k]);
    }
}
