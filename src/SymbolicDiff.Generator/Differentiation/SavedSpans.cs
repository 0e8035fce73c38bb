using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// A buffer saved whole is saved with one call: the loop <c>for (j = 0; j &lt; y.Length; j++) saved.Push(y[j]);</c> becomes
/// <c>saved.Push(y);</c>, and its restore <c>for (j = y.Length - 1; j &gt;= 0; j--) y[j] = saved.Pop();</c> becomes
/// <c>saved.Pop(y);</c>, which the runtime does as block copies (<c>SavedValues.Push(ReadOnlySpan)</c> and
/// <c>SavedValues.Pop(Span)</c>). A checkpointed loop's state (the ODE's y at each step) is saved this way, as the
/// hand-written adjoint copies it. A pass over every program Emit prints (<see cref="Apply(GradientProgram)"/>), after the
/// transforms, which read and count pushes one value at a time.
/// <para>
/// Why that is exact. <c>Push(span)</c> saves the elements first to last, as the loop does; <c>Pop(span)</c> takes back
/// <c>span.Length</c> values and writes the last one saved into the last element, and so on down to the first, as the
/// descending loop does. Each rewrite is equivalent where it stands, so pushes and pops stay paired whichever of them are
/// rewritten. Only loops over the whole buffer whose body is that one push or pop are rewritten.
/// </para>
/// </summary>
internal static class SavedSpans
{
    /// <summary>Every body of <paramref name="program"/> with its whole-buffer saves and restores written as one call each.</summary>
    public static GradientProgram Apply(GradientProgram program) => program.WithEveryBody(Rewrite);

    /// <summary><paramref name="statements"/> with each whole-buffer push or pop loop as one call, nested bodies too.</summary>
    private static EquatableArray<Statement> Rewrite(EquatableArray<Statement> statements)
    {
        bool changed = false;
        var result = statements.Select(statement =>
        {
            var rewritten = statement switch
            {
                ForLoop loop when Whole(loop) is { } call => call,
                ForLoop loop => loop with { Body = Rewrite(loop.Body) },
                IfStatement guarded => guarded with { Then = Rewrite(guarded.Then) },
                _ => statement,
            };
            changed |= !rewritten.Equals(statement);
            return rewritten;
        }).ToEquatableArray();
        return changed ? result : statements;
    }

    /// <summary><c>saved.Push(y);</c> or <c>saved.Pop(y);</c> for a loop that pushes or pops each element of a whole buffer; else null.</summary>
    private static Statement? Whole(ForLoop loop)
    {
        if (loop is not { While: null, Body.Count: 1 })
        {
            return null;
        }

        var counter = new Variable(loop.Counter);
        switch (loop.Body[0])
        {
            // for (int j = 0; j < y.Length; j++) saved.Push(y[j]);
            case SavePush { Value: Element { Vector: var vector } element } push
                when !loop.Descending && element.Index.Equals(counter) && loop.From is Constant { IsZero: true } && IsLength(loop.To, vector):
                return new SavePush(push.Stack, new VectorArgument(vector)) { Comment = loop.Comment };

            // for (int j = y.Length - 1; j >= 0; j--) y[j] = saved.Pop();
            case UpdateReal { Operator: UpdateOperator.Set, Target: Element { Vector: var vector } element, Value: SavedPop pop }
                when loop.Descending && element.Index.Equals(counter) && IsLength(Plus(loop.From, 1), vector) && IsZero(Plus(loop.To, 1)):
                return new RestoreSaved(pop.Stack, vector) { Comment = loop.Comment };

            default:
                return null;
        }
    }

    private static bool IsLength(Expr? expression, string vector) =>
        expression is Member { Name: "Length", Target: Variable { Name: var name } } && name == vector;

    private static bool IsZero(Expr? expression) => expression is Constant { IsZero: true };

    /// <summary>e + c with e − c or a constant folded (the bounds a reversed loop carries: <c>y.Length - 1</c>, <c>0 - 1</c>); else null.</summary>
    private static Expr? Plus(Expr expression, double c) => expression switch
    {
        Constant constant => new Constant(constant.Value + c),
        Binary { Operator: BinaryOperator.Subtract, Right: Constant { Value: var d } } binary when d == c => binary.Left is Constant left ? new Constant(left.Value) : binary.Left,
        _ => null,
    };
}
