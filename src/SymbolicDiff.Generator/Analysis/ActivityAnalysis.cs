using System.Collections.Generic;
using System.Threading;

namespace SymbolicDiff.Generator.Analysis;

/// <summary>
/// Activity analysis, the textbook pair: a name is <em>varied</em> when its value depends on a differentiated
/// input, and <em>useful</em> when the result depends on it; only a name that is both needs an adjoint. Both are
/// fixed points over the program's writes, because a loop carries values from one iteration to the next; for
/// straight-line code in single-assignment form one sweep reaches them.
/// </summary>
internal static class ActivityAnalysis
{
    /// <summary>The names that depend on one of <paramref name="inputs"/> (the inputs included).</summary>
    public static HashSet<string> Varied(IEnumerable<string> inputs, IReadOnlyList<DataFlow> flows, CancellationToken cancellationToken = default)
    {
        var varied = new HashSet<string>(inputs);
        bool changed = true;
        while (changed)
        {
            cancellationToken.ThrowIfCancellationRequested();
            changed = false;
            foreach (var flow in flows)
            {
                if (!varied.Contains(flow.Target) && Any(flow.Sources, varied))
                {
                    varied.Add(flow.Target);
                    changed = true;
                }
            }
        }

        return varied;
    }

    /// <summary>The names the value of <paramref name="result"/> depends on (the result included).</summary>
    public static HashSet<string> Useful(string result, IReadOnlyList<DataFlow> flows, CancellationToken cancellationToken = default)
    {
        var useful = new HashSet<string> { result };
        bool changed = true;
        while (changed)
        {
            cancellationToken.ThrowIfCancellationRequested();
            changed = false;

            // Backwards, so that straight-line code settles in one sweep.
            for (int i = flows.Count - 1; i >= 0; i--)
            {
                if (!useful.Contains(flows[i].Target))
                {
                    continue;
                }

                var sources = flows[i].Sources;
                if (sources is IReadOnlyList<string> list)
                {
                    // The usual case (a list): read in place, not through an enumerator object per flow and sweep.
                    for (int j = 0; j < list.Count; j++)
                    {
                        changed |= useful.Add(list[j]);
                    }

                    continue;
                }

                foreach (var source in sources)
                {
                    changed |= useful.Add(source);
                }
            }
        }

        return useful;
    }

    private static bool Any(IReadOnlyCollection<string> names, HashSet<string> set)
    {
        if (names is IReadOnlyList<string> list)
        {
            for (int i = 0; i < list.Count; i++)
            {
                if (set.Contains(list[i]))
                {
                    return true;
                }
            }

            return false;
        }

        foreach (var name in names)
        {
            if (set.Contains(name))
            {
                return true;
            }
        }

        return false;
    }
}
