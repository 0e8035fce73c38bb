using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// <see cref="ReuseIterationValues"/> for a local declared inside an <c>if</c>. The parser flattens
/// <c>if (sqTheta != 0) { double cosTheta = Math.Cos(theta); … }</c> into <c>bool branch = sqTheta != 0;</c> and
/// <c>double cosTheta = branch ? Math.Cos(theta) : 0.0;</c>, and the partials of the branch's statements into
/// <c>branch ? … : 0.0</c>; so ∂sinTheta/∂theta, <c>branch ? dTotal_dsinTheta * Math.Cos(theta) : 0.0</c>, called the
/// cosine again where the local held it (bundle adjustment's Rodrigues rotation: two of its four trigonometric calls
/// per observation). Here such a call reads the local where it stands on the side of a conditional, or in an
/// <c>if</c>, whose condition implies the local's guard.
/// <para>
/// Why that is exact. Where the guard holds, the local's value is the call's (<c>branch ? c : 0.0</c> is c), and the
/// local is declared at the top of the body, never assigned again, from values nothing in the loop writes, as
/// <see cref="ReuseIterationValues"/> requires of an unguarded one: so it still holds that value when the iteration's
/// backward sweep reads it. The guard is recorded bools only (<c>bool branch = …</c>, never assigned again), so it has
/// the same value at the declaration and at the partial. Where the guard does not hold, nothing is rewritten.
/// </para>
/// </summary>
internal sealed partial class LoopDifferentiator
{
    /// <summary>
    /// Locals of <paramref name="loop"/>'s body declared <c>guard ? call : 0.0</c> (by <paramref name="stable"/>, never
    /// assigned again and reading nothing the loop writes), the guard recorded bools only: call → (guard, local).
    /// </summary>
    private Dictionary<Expr, (Expr Guard, Variable Local)> GuardedIterationValues(ForLoop loop, System.Func<DeclareReal, bool> stable)
    {
        var values = new Dictionary<Expr, (Expr Guard, Variable Local)>();
        foreach (var declaration in loop.Body.OfType<DeclareReal>())
        {
            if (declaration.Value is Conditional { WhenTrue: Call call, WhenFalse: Constant { IsZero: true }, Condition: var guard } &&
                RecordedBoolsOnly(guard) && !values.ContainsKey(call) && stable(declaration))
            {
                values[call] = (guard, new Variable(declaration.Name));
            }
        }

        return values;
    }

    /// <summary>Whether <paramref name="condition"/> is built of recorded branches (<c>bool branch = …</c>) with !, &amp;&amp; and ||.</summary>
    private bool RecordedBoolsOnly(Expr condition) => condition switch
    {
        Variable { Name: var name } => _index.Bools.Contains(name),
        Not not => RecordedBoolsOnly(not.Operand),
        Logical logical => RecordedBoolsOnly(logical.Left) && RecordedBoolsOnly(logical.Right),
        _ => false,
    };

    /// <summary>Whether <paramref name="condition"/> being true means <paramref name="guard"/> is: the same, or a conjunction with it.</summary>
    private static bool ImpliesGuard(Expr condition, Expr guard) =>
        condition.Equals(guard) ||
        condition is Logical { Operator: LogicalOperator.And } both && (ImpliesGuard(both.Left, guard) || ImpliesGuard(both.Right, guard));

    /// <summary><paramref name="statement"/> with each guarded call read from its local where a condition around it implies the local's guard.</summary>
    private static Statement WithGuardedValuesReused(Statement statement, Dictionary<Expr, (Expr Guard, Variable Local)> values, IReadOnlyList<Expr> holding)
    {
        Expr Reuse(Expr expression) => ReuseGuarded(expression, values, holding);
        return statement switch
        {
            DeclareReal real => real with { Value = Reuse(real.Value) },
            UpdateReal update => update with { Value = Reuse(update.Value) },
            IfStatement guarded => guarded with
            {
                Condition = Reuse(guarded.Condition),
                Then = guarded.Then.Select(inner => WithGuardedValuesReused(inner, values, holding.Append(guarded.Condition).ToList())).ToEquatableArray(),
            },
            ForLoop inner => inner with { Body = inner.Body.Select(nested => WithGuardedValuesReused(nested, values, holding)).ToEquatableArray() },
            _ => statement,
        };
    }

    private static Expr ReuseGuarded(Expr expression, Dictionary<Expr, (Expr Guard, Variable Local)> values, IReadOnlyList<Expr> holding) =>
        ExpressionFacts.Rewrite(expression, node => node switch
        {
            _ when values.TryGetValue(node, out var value) && holding.Any(condition => ImpliesGuard(condition, value.Guard)) => value.Local,
            Conditional conditional => new Conditional(
                ReuseGuarded(conditional.Condition, values, holding),
                ReuseGuarded(conditional.WhenTrue, values, holding.Append(conditional.Condition).ToList()),
                ReuseGuarded(conditional.WhenFalse, values, holding.Append(Negated(conditional.Condition)).ToList())),
            _ => null,
        });
}
