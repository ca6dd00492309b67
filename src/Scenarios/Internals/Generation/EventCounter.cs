using TraceTools.Scenarios.Internals.Program;

namespace TraceTools.Scenarios.Internals.Generation;

/// <summary>
/// Counts a program's events and loop iterations from loop counts: a loop multiplies its body unless a
/// nested count reads its variable, and then the body is walked once per iteration. Iterations are
/// counted apart from events because an empty <c>repeat 10^12 { }</c> makes no event yet is work to run.
/// </summary>
static class EventCounter
{
    public static long Count(Step[] steps, int start, int end, ulong[] vars) =>
        Measure(steps, start, end, vars, long.MaxValue).Events;

    /// <summary>
    /// Events and iterations, each saturating at <see cref="long.MaxValue"/>; the walk stops early once
    /// either passes <paramref name="limit"/> (the count itself must not run 10^12 iterations).
    /// </summary>
    public static ScenarioSize Measure(Step[] steps, int start, int end, ulong[] vars, long limit)
    {
        long events = 0, iterations = 0;
        Continue(steps, start, end, vars, limit, ref events, ref iterations);
        return new ScenarioSize(events, iterations);
    }

    /// <summary>
    /// Adds the events and iterations of <paramref name="steps"/>[<paramref name="start"/>..<paramref name="end"/>) to
    /// the counts so far; false when the walk stopped early (a loop took either past <paramref name="limit"/>). A
    /// program counted in pieces cut between top-level statements, each piece continuing while this returns true,
    /// gets the counts <see cref="Measure"/> gets for it whole (the stop is tested at the same steps).
    /// </summary>
    public static bool Continue(Step[] steps, int start, int end, ulong[] vars, long limit, ref long events, ref long iterations)
    {
        for (int pc = start; pc < end; pc++)
        {
            var s = steps[pc];
            if (s.Op != StepOp.Loop)
            {
                if (s.Op == StepOp.Event) events = Add(events, 1); // a Check step has no event
                continue;
            }
            ulong n = s.Count!.Eval(vars);
            if (n != 0)
            {
                iterations = Add(iterations, Saturate(n));
                if (s.BodyCountVaries)
                {
                    MeasureEachIteration(steps, pc, n, vars, limit, ref events, ref iterations);
                }
                else
                {
                    vars[s.Slot] = 0;
                    var body = Measure(steps, pc + 1, s.BodyEnd, vars, limit);
                    events = Add(events, Multiply(body.Events, n));
                    iterations = Add(iterations, Multiply(body.Iterations, n));
                }
            }
            if (events > limit || iterations > limit) return false;
            pc = s.BodyEnd - 1;
        }
        return true;
    }

    /// <summary>
    /// A loop whose nested counts read its variable, walked iteration by iteration; a count that fails names the
    /// iteration (only here: where the body does not depend on the variable, no iteration is to blame).
    /// </summary>
    static void MeasureEachIteration(Step[] steps, int pc, ulong n, ulong[] vars, long limit, ref long events, ref long iterations)
    {
        var loop = steps[pc];
        ulong i = 0;
        try
        {
            for (; i < n && events <= limit && iterations <= limit; i++)
            {
                vars[loop.Slot] = i;
                var body = Measure(steps, pc + 1, loop.BodyEnd, vars, limit);
                events = Add(events, body.Events);
                iterations = Add(iterations, body.Iterations);
            }
        }
        catch (ScenarioException e)
        {
            ScenarioThrow.InIteration(e, loop, i);
        }
    }

    static long Saturate(ulong n) => n > long.MaxValue ? long.MaxValue : (long)n;

    static long Add(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    static long Multiply(long body, ulong n)
    {
        if (body == 0) return 0;
        ulong hi = Math.BigMul((ulong)body, n, out ulong lo);
        return hi != 0 || lo > long.MaxValue ? long.MaxValue : (long)lo;
    }
}
