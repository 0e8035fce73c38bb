using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Analysis;

/// <summary>
/// What the forward sweep must save so that the backward sweep can read it (clad's to-be-recorded analysis).
/// A value is saved only when the backward sweep reads it at a point where the forward sweep has since
/// overwritten it: further down, in a later iteration of a loop they share, or in the same statement
/// (<c>u = u · u</c> reads u's earlier value). So a reduction (<c>sum += w[i] * x[i]</c>) saves nothing.
/// </summary>
internal static class ToBeRecordedAnalysis
{
    /// <summary>A name the backward sweep reads while it differentiates <paramref name="At"/>; <paramref name="AfterWrite"/> for the value the statement itself gave it.</summary>
    public sealed record Read(string Name, Statement At, bool AfterWrite);

    /// <summary>The decision.</summary>
    /// <param name="SavedBeforeOverwrite">Names pushed before each assignment to them, and popped as the backward sweep undoes it.</param>
    /// <param name="SavedAtEndOfIteration">Per loop, the locals its body declares that the backward body reads: pushed at the end of each iteration.</param>
    public sealed record Decision(HashSet<string> SavedBeforeOverwrite, Dictionary<ForLoop, List<string>> SavedAtEndOfIteration)
    {
        public bool SavesAnything => SavedBeforeOverwrite.Count > 0 || SavedAtEndOfIteration.Count > 0;
    }

    public static Decision Decide(ProgramIndex index, IReadOnlyList<Read> reads)
    {
        var writes = new List<(string Name, Statement At)>();
        foreach (var statement in index.Statements)
        {
            if (statement is AssignReal assign)
            {
                writes.Add((assign.Target is Element element ? element.Vector : ((Variable)assign.Target).Name, statement));
            }
            else if (statement is AssignInteger integer)
            {
                // An integer assigned in a loop: the backward sweep cannot undo it by arithmetic, as it undoes a step.
                writes.Add((integer.Name, statement));
            }
            else if (statement is CallWithOutputs call)
            {
                // A helper writing its results into a buffer overwrites every element of it at once.
                writes.AddRange(call.OutputVectors.Select(output => (output, statement)));
            }
        }

        var taped = new HashSet<string>();
        foreach (var read in reads)
        {
            if (taped.Contains(read.Name) || !index.TryGetScope(read.Name, out var scope))
            {
                continue; // Parameters are never written.
            }

            foreach (var (written, writeAt) in writes)
            {
                if (written != read.Name)
                {
                    continue;
                }

                if (Overwrites(index, writeAt, read, scope))
                {
                    taped.Add(read.Name);
                    break;
                }
            }
        }

        var atEnd = new Dictionary<ForLoop, List<string>>(ReferenceComparer<ForLoop>.Instance);
        foreach (var read in reads)
        {
            if (index.TryGetScope(read.Name, out var loop) && loop is not null && (index.Reals.Contains(read.Name) || index.Bools.Contains(read.Name)))
            {
                if (!atEnd.TryGetValue(loop, out var saved))
                {
                    atEnd[loop] = saved = new List<string>();
                }

                if (!saved.Contains(read.Name))
                {
                    saved.Add(read.Name);
                }
            }
        }

        return new Decision(taped, atEnd);
    }

    /// <summary>
    /// Whether the write at <paramref name="writeAt"/> can overwrite, before the backward sweep gets there, the value
    /// <paramref name="read"/> needs: the write comes later in the program, or is the statement itself reading its target's
    /// earlier value, or shares a loop with the read inside the scope (<paramref name="scope"/>) of the name.
    /// </summary>
    public static bool Overwrites(ProgramIndex index, Statement writeAt, Read read, ForLoop? scope)
    {
        bool later = index.Position(writeAt) > index.Position(read.At);
        bool sameStatementEarlierValue = ReferenceEquals(writeAt, read.At) && !read.AfterWrite;
        bool sharedLoop = index.Enclosing(writeAt)
            .Intersect(index.Enclosing(read.At), ReferenceComparer<ForLoop>.Instance)
            .Any(loop => scope is null || index.IsInside(loop, scope));
        return later || sameStatementEarlierValue || sharedLoop;
    }
}
