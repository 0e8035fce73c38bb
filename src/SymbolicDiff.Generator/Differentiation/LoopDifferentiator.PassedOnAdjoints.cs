using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// In the backward sweep of a checkpointed iteration (<see cref="BackwardCheckpointed"/>), the adjoint of a rewritten
/// buffer that one loop adds into and the next loop only passes on is passed on where it is formed, and the buffer of it
/// goes: the ODE's RK4 stage point <c>yStage3[i] = y[i] + h * k3[i]</c>, read only by <c>k4[i] = x[i] * yStage3[i - 1]</c>.
/// The usual order adds ∂/∂yStage3[i − 1] into a buffer in the loop over k4, then runs a loop over yStage3 that adds
/// ∂/∂yStage3[i] to ∂/∂y[i] and h times it to ∂/∂k3[i] and clears it; passed on, the loop over k4 forms the element once
/// (<c>double dL_dyStage3Element = ∂/∂k4[i] · x[i];</c>) and adds it to ∂/∂y[i − 1] and h times it to ∂/∂k3[i − 1], as the
/// hand-written adjoint does, and the loop over yStage3 and the buffer go.
/// <para>
/// Why that is exact. The passing loop (the second statement of the backward sweep that mentions the adjoint) visits every
/// element from 0 to the buffer's length, and its body is only <c>target += adjoint[j] · c</c> (or <c>-=</c>) lines (c not
/// reading the adjoint), notes and the clearing <c>adjoint[j] = 0</c>; the first statement mentioning the adjoint is a loop whose only
/// mentions are <c>adjoint[index] += e</c> lines of its own body; nothing else in the backward sweep mentions the
/// adjoint, and a rewritten buffer is mentioned nowhere outside the loop (<see cref="BufferRewrite.OncePerIteration"/>),
/// so the adjoint is zero when the first loop starts (zeroed when declared, cleared by the passing loop of the iteration
/// before). The passing loop therefore adds, for each j, c(j) times the sum of the e added at index j, which by
/// distributivity is what adding e · c(index) at each contribution adds. That move is exact when nothing between the
/// contribution and the passing loop reads or writes the targets, or writes what c reads: the first loop and the
/// statements between may hold only real and integer declarations, updates of adjoints, loops and guarded blocks, and
/// none of their writes or declarations may be a name the passing lines mention. An element that nothing adds into
/// passes on nothing either way (0 · c), but for a c that is infinite or NaN there, which the usual order would spread
/// and this does not.
/// </para>
/// <para>
/// Not applied where the contribution sits inside a branch or nested loop of the first loop, where the passing loop
/// does anything else, where a target or c mentions a name the first loop writes (<c>∂/∂yStage[i] += ∂/∂k2[i]</c> read
/// back in the loop that adds into ∂/∂k2), or where the adjoint is mentioned by a third statement: there the buffer and
/// its loop stay.
/// </para>
/// </summary>
internal sealed partial class LoopDifferentiator
{
    /// <summary><paramref name="backward"/> with the adjoints of <paramref name="checkpoint"/>'s rewritten buffers passed on where they are formed, where that is exact.</summary>
    private List<Statement> WithPassedOnAdjoints(List<Statement> backward, Checkpoint checkpoint)
    {
        foreach (string buffer in checkpoint.Rewritten)
        {
            if (!_adjoints.TryGetValue(buffer, out var adjoint))
            {
                continue;
            }

            var mentioning = Enumerable.Range(0, backward.Count).Where(at => StatementFacts.Names(backward[at]).Contains(adjoint)).ToList();
            if (mentioning.Count != 2 || backward[mentioning[0]] is not ForLoop { While: null } adding ||
                backward[mentioning[1]] is not ForLoop { While: null } passing ||
                PassingLines(passing, buffer, adjoint) is not { } passes)
            {
                continue;
            }

            // What the passing lines mention (but for the passing loop's counter, replaced by each contribution's index).
            var passNames = new HashSet<string>(passes.SelectMany(pass => StatementFacts.NamesIn(pass.Target).Concat(StatementFacts.NamesIn(pass.Factor))));
            passNames.Remove(passing.Counter);
            var between = backward.Skip(mentioning[0] + 1).Take(mentioning[1] - mentioning[0] - 1).ToList();
            if (!OnlyWrites(new[] { adding }.Concat(between), name => !passNames.Contains(name)) ||
                between.Any(statement => StatementFacts.Names(statement).Any(passNames.Contains)) ||
                adding.Body.Any(statement => StatementFacts.Names(statement).Contains(adjoint) && !IsContribution(statement, adjoint)))
            {
                continue;
            }

            var body = new List<Statement>();
            foreach (var statement in adding.Body)
            {
                if (!IsContribution(statement, adjoint))
                {
                    body.Add(statement);
                    continue;
                }

                var contribution = (UpdateReal)statement;
                var index = ((Element)contribution.Target).Index;
                var element = new Variable(_names.Fresh(GeneratedNames.Adjoint(_method.Result, SafeName(buffer) + "Element")));
                body.Add(new DeclareReal(element.Name, contribution.Value)
                {
                    Comment = contribution.Comment is { } chain ? Assigning(chain) : null,
                });
                foreach (var pass in passes)
                {
                    Expr AtIndex(Expr expression) => ExpressionFacts.Rewrite(expression, node => node is Variable { Name: var name } && name == passing.Counter ? index : null);
                    var value = pass.Factor is Constant { Value: 1 } ? (Expr)element : new Binary(BinaryOperator.Multiply, element, AtIndex(pass.Factor));
                    body.Add(new UpdateReal(AtIndex(pass.Target), pass.Operator, value)
                    {
                        Comment = pass.Comment is { } passChain
                            ? new Comment(passChain.Parts.Select(part => part is CommentExpression quoted ? quoted with { Expression = AtIndex(quoted.Expression) } : part).ToEquatableArray())
                            : null,
                    });
                }
            }

            backward[mentioning[0]] = adding with { Body = body.ToEquatableArray() };
            backward.RemoveAt(mentioning[1]);
            _adjoints.Remove(buffer);
        }

        return backward;
    }

    /// <summary>The passing loop's lines <c>target += adjoint[j] · factor</c> or <c>-=</c> (factor 1 for a bare <c>adjoint[j]</c>), when that loop visits every element and does nothing else but clear <c>adjoint[j]</c>; else null.</summary>
    private List<(Expr Target, UpdateOperator Operator, Expr Factor, Comment? Comment)>? PassingLines(ForLoop passing, string buffer, string adjoint)
    {
        if (UpperBoundFromZero(passing) is not { } upper ||
            _method.Statements.OfType<DeclareBuffer>().FirstOrDefault(d => d.Name == buffer) is not { } declaration ||
            !SameInteger(upper, declaration.Length, buffer))
        {
            return null;
        }

        var own = new Element(adjoint, new Variable(passing.Counter));
        var passes = new List<(Expr Target, UpdateOperator Operator, Expr Factor, Comment? Comment)>();
        bool cleared = false;
        foreach (var statement in passing.Body)
        {
            switch (statement)
            {
                case UpdateReal { Operator: UpdateOperator.Set, Target: var target, Value: Constant { IsZero: true } } when target.Equals(own):
                    cleared = true;
                    break;
                case CommentLine:
                    break;
                case UpdateReal { Operator: UpdateOperator.Add or UpdateOperator.Subtract } pass when !cleared && !StatementFacts.NamesIn(pass.Target).Contains(adjoint) && Factor(pass.Value, own, adjoint) is { } factor:
                    passes.Add((pass.Target, pass.Operator, factor, pass.Comment));
                    break;
                default:
                    return null;
            }
        }

        return cleared && passes.Count > 0 ? passes : null;
    }

    /// <summary>c where <paramref name="value"/> is <c>own · c</c>, <c>c · own</c> or <c>own</c> (c = 1) and c does not mention the adjoint; else null.</summary>
    private static Expr? Factor(Expr value, Element own, string adjoint) => value switch
    {
        _ when value.Equals(own) => Constant.One,
        Binary { Operator: BinaryOperator.Multiply, Left: var left, Right: var right } when left.Equals(own) && !StatementFacts.NamesIn(right).Contains(adjoint) => right,
        Binary { Operator: BinaryOperator.Multiply, Left: var left, Right: var right } when right.Equals(own) && !StatementFacts.NamesIn(left).Contains(adjoint) => left,
        _ => null,
    };

    /// <summary>Whether <paramref name="statement"/> is <c>adjoint[index] += e</c> with e not reading the adjoint.</summary>
    private static bool IsContribution(Statement statement, string adjoint) =>
        statement is UpdateReal { Operator: UpdateOperator.Add, Target: Element { Vector: var vector } target, Value: var value } &&
        vector == adjoint && !StatementFacts.NamesIn(target.Index).Contains(adjoint) && !StatementFacts.NamesIn(value).Contains(adjoint);

    /// <summary>
    /// Whether the statements hold only real and integer declarations, updates, loops and guarded blocks (and notes), and
    /// every name they declare or write satisfies <paramref name="allowed"/>.
    /// </summary>
    private static bool OnlyWrites(IEnumerable<Statement> statements, System.Func<string, bool> allowed) =>
        StatementFacts.Flatten(statements).All(statement => statement switch
        {
            CommentLine => true,
            DeclareReal real => allowed(real.Name),
            DeclareInteger integer => allowed(integer.Name),
            UpdateReal update => allowed(StatementFacts.TargetName(update.Target)),
            ForLoop loop => allowed(loop.Counter),
            IfStatement => true,
            _ => false,
        });
}
