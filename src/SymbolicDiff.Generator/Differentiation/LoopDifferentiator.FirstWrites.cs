using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// An assignment to a local buffer's element that is the element's first write saves nothing: the value the backward
/// sweep restores is the 0 the buffer was declared with. The determinant's <c>minors[set] = minor</c>, each subset's
/// minor computed once, bottom-up, pushed its 0 before the write and popped it back (1,023 values a call at ell = 10);
/// now the backward sweep writes <c>minors[set] = 0.0</c> where it popped.
/// <para>
/// Why that is exact. A buffer declared in the method (<c>stackalloc</c> or <c>new double[n]</c>) starts at 0. Its
/// writes are walked in the method's order, top-level statements first to last: a write at a constant index that no
/// earlier write reached is a first write; so is the one write of a top-level loop nest that writes the buffer, when
/// its index is the counter of the innermost loop around it (each counter value is visited once per run of that loop,
/// and nothing in the nest assigns the counter) and either that loop is the nest's only loop, or the nest has one outer
/// loop and the write is guarded by a branch, declared in the inner loop, of the form <c>u(counter) == v(outer)</c>:
/// u reading only the inner counter and names nothing in the nest writes, v the outer counter plus or minus names the
/// nest does not write (<c>columnCount[set] == ell - row</c>). Then for each element the branch holds in at most one
/// outer iteration, so the element is written at most once. The nest's indices must also miss every constant index
/// written before it: an ascending inner loop from a constant above them all. Any other write of the buffer ends the
/// walk (what it wrote is not known). A guarded write that does not run (<c>minors[set] = branch ? minor :
/// minors[set]</c> with the branch false) leaves the element as it is, and its restore is guarded the same way
/// (<c>branch ? 0.0 : minors[set]</c>, folded to 0.0 under <c>if (branch)</c>).
/// </para>
/// <para>
/// Not applied in a checkpointed loop or a loop differentiated iteration by iteration (their iterations run again or
/// are undone before the next), to a buffer a helper call writes, or to a nest of three loops or more. Under
/// <c>SkipLocalsInit</c> a <c>stackalloc</c> buffer starts with whatever the stack held, and the backward sweep restores 0
/// where the forward sweep overwrote that: it differs only where the method reads an element before writing it, whose
/// value is then undefined anyway.
/// </para>
/// </summary>
internal sealed partial class LoopDifferentiator
{
    /// <summary>The buffer writes that are each element's first, with the top-level loop each is in (null at the top level).</summary>
    private readonly Dictionary<Statement, ForLoop?> _firstWrites = new(ReferenceComparer<Statement>.Instance);

    /// <summary>Whether <paramref name="assign"/> is an element's first write here: nothing to save, 0 to restore.</summary>
    private bool IsFirstWrite(AssignReal assign) =>
        _firstWrites.TryGetValue(assign, out var loop) && (loop is null || !_checkpoints.ContainsKey(loop));

    /// <summary>The backward sweep's restore of a first write: 0, or where the write is guarded, 0 where it ran.</summary>
    private static UpdateReal RestoredZero(AssignReal write) =>
        new(write.Target, UpdateOperator.Set, write.Value is Conditional { WhenFalse: var kept } guarded && kept.Equals(write.Target)
            ? guarded with { WhenTrue = Constant.Zero }
            : Constant.Zero)
        {
            Comment = Comment.Of(Code(write.Target), " as it was before this assignment, its first: 0 from its declaration, so nothing was saved"),
        };

    /// <summary>Finds the first writes of the method's local buffers (see the type's remarks).</summary>
    private void FindFirstWrites()
    {
        var statements = _method.Statements;
        foreach (var declaration in statements.OfType<DeclareBuffer>())
        {
            string buffer = declaration.Name;
            if (StatementFacts.Flatten(statements).Any(s => s is CallWithOutputs call && call.OutputVectors.Contains(buffer)))
            {
                continue;
            }

            var constants = new List<double>();
            foreach (var statement in statements)
            {
                var writes = StatementFacts.Flatten(new[] { statement }).OfType<AssignReal>().Where(a => TargetName(a.Target) == buffer).ToList();
                if (writes.Count == 0)
                {
                    continue;
                }

                if (statement is AssignReal { Target: Element { Index: Constant index } } top && !constants.Contains(index.Value))
                {
                    _firstWrites[top] = null;
                    constants.Add(index.Value);
                    continue;
                }

                if (statement is ForLoop nest && writes.Count == 1 && WritesOncePerElement(nest, writes[0], buffer, constants))
                {
                    _firstWrites[writes[0]] = nest;
                }

                break; // what this statement wrote is not known from here on
            }
        }
    }

    /// <summary>Whether the nest's one write of <paramref name="buffer"/> reaches each element at most once, and none of the <paramref name="constants"/>.</summary>
    private bool WritesOncePerElement(ForLoop nest, AssignReal write, string buffer, List<double> constants)
    {
        var enclosing = _index.Enclosing(write); // outermost first
        if (enclosing.Count == 0 || enclosing.Count > 2 || !ReferenceEquals(enclosing[0], nest) ||
            enclosing.Any(loop => loop.While is not null) ||
            write.Target is not Element { Index: Variable { Name: var counter } } || counter != enclosing[enclosing.Count - 1].Counter)
        {
            return false;
        }

        var inner = enclosing[enclosing.Count - 1];
        // Assignments and steps in the nest (a loop's own header is what visits each counter value once).
        var assigned = new HashSet<string>(StatementFacts.Flatten(nest.Body).Where(s => s is not ForLoop).SelectMany(StatementFacts.WrittenNames));
        if (assigned.Contains(counter) || (constants.Count > 0 && !(inner is { Descending: false, From: Constant from } && constants.All(k => k < from.Value))))
        {
            return false;
        }

        if (enclosing.Count == 1)
        {
            return true;
        }

        // One outer loop: the write must be guarded by u(counter) == v(outer counter), declared in the inner loop.
        string outer = nest.Counter;
        if (assigned.Contains(outer) ||
            write.Value is not Conditional { Condition: Variable { Name: var branch }, WhenFalse: var kept } || !kept.Equals(write.Target) ||
            inner.Body.OfType<DeclareBool>().FirstOrDefault(d => d.Name == branch) is not { Condition: Comparison { Operator: ComparisonOperator.Equal } test } ||
            StatementFacts.Flatten(nest.Body).Count(s => s is DeclareBool d && d.Name == branch) != 1)
        {
            return false;
        }

        var written = new HashSet<string>(StatementFacts.WrittenNamesIn(nest.Body)) { outer };
        written.Remove(counter);
        bool Independent(Expr side) => !StatementFacts.NamesIn(side).Any(written.Contains);
        bool Injective(Expr side) => side switch
        {
            Variable { Name: var name } => name == outer,
            IntegerValue { Integer: var integer } => Injective(integer),
            Negate { Operand: var operand } => Injective(operand),
            Binary { Operator: BinaryOperator.Add, Left: var left, Right: var right } =>
                Injective(left) && Independent(right) && !StatementFacts.NamesIn(right).Contains(counter) ||
                Injective(right) && Independent(left) && !StatementFacts.NamesIn(left).Contains(counter),
            Binary { Operator: BinaryOperator.Subtract, Left: var left, Right: var right } =>
                Injective(left) && Independent(right) && !StatementFacts.NamesIn(right).Contains(counter) ||
                Injective(right) && Independent(left) && !StatementFacts.NamesIn(left).Contains(counter),
            _ => false,
        };

        return Injective(test.Left) && Independent(test.Right) || Injective(test.Right) && Independent(test.Left);
    }
}
