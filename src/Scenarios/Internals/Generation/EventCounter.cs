using TraceTools.Scenarios.Internals.Program;

namespace TraceTools.Scenarios.Internals.Generation;

/// <summary>Counts a program's events from loop counts: a loop multiplies its body unless a nested count reads its variable.</summary>
static class EventCounter
{
    public static long Count(Step[] steps, int start, int end, ulong[] vars)
    {
        long total = 0;
        for (int pc = start; pc < end; pc++)
        {
            var s = steps[pc];
            if (s.Op != StepOp.Loop)
            {
                if (s.Op == StepOp.Event) total = Add(total, 1);
                continue;
            }
            ulong n = s.Count!.Eval(vars);
            if (n != 0)
            {
                if (s.BodyCountVaries)
                {
                    for (ulong i = 0; i < n && total != long.MaxValue; i++)
                    {
                        vars[s.Slot] = i;
                        total = Add(total, Count(steps, pc + 1, s.BodyEnd, vars));
                    }
                }
                else
                {
                    vars[s.Slot] = 0;
                    long body = Count(steps, pc + 1, s.BodyEnd, vars);
                    total = Add(total, Multiply(body, n));
                }
            }
            pc = s.BodyEnd - 1;
        }
        return total;
    }

    static long Add(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    static long Multiply(long body, ulong n)
    {
        if (body == 0) return 0;
        ulong hi = Math.BigMul((ulong)body, n, out ulong lo);
        return hi != 0 || lo > long.MaxValue ? long.MaxValue : (long)lo;
    }
}
