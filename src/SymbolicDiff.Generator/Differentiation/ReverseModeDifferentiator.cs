using System.Collections.Generic;
using System.Threading;
using System.Linq;
using SymbolicDiff.Generator.Analysis;
using SymbolicDiff.Generator.Diagnostics;
using SymbolicDiff.Generator.Model;
using static SymbolicDiff.Generator.Differentiation.Simplifier;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// Stage 2: reverse mode by source transformation. The forward sweep is the user's program (minus
/// statements that do not reach the result); the backward sweep visits its assignments in reverse and,
/// for each <c>v = f(u₁, u₂, …)</c>, adds <c>adj(uᵢ) += adj(v) · ∂f/∂uᵢ</c>. Only variables that both
/// depend on a differentiated parameter and reach the result get an adjoint.
/// </summary>
internal static class ReverseModeDifferentiator
{
    /// <summary>Differentiates <paramref name="body"/>, the single-assignment form of <paramref name="method"/>, whose value is <paramref name="result"/>.</summary>
    public static (GradientProgram? Program, IReadOnlyList<DiagnosticInfo> Diagnostics) Differentiate(
        MethodModel method,
        EquatableArray<Assignment> body,
        string result,
        CancellationToken cancellationToken = default)
    {
        var names = new NameAllocator(method.Parameters.Select(p => p.Name).Concat(body.Select(a => a.Target)));
        var live = LiveAssignments(body, result);
        var active = ActiveVariables(method, live);
        var forward = DerivativesBesideValues.InStraightLine(method, CallNormalizer.Normalize(live, active, names), active, names);
        var adjoints = new AdjointNames(result, names);
        var backward = new List<BackwardStatement>();
        var declared = new HashSet<string>();
        var missing = new List<SymbolicDerivative.MissingPartial>();

        for (int i = forward.Count - 1; i >= 0; i--)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var assignment = forward[i];
            if (!active.Contains(assignment.Target))
            {
                continue;
            }

            bool isResult = assignment.Target == result;
            if (!isResult && !declared.Contains(adjoints.Of(assignment.Target)))
            {
                // Every use of this value had a zero partial (v − v, 0 · v): its adjoint is 0, and so is
                // everything it would pass on.
                continue;
            }

            Expr adjointOfTarget = isResult ? Constant.One : new Variable(adjoints.Of(assignment.Target));

            foreach (string input in ExpressionFacts.Variables(assignment.Value).Where(active.Contains))
            {
                int missingBefore = missing.Count;
                var partial = SymbolicDerivative.Of(assignment.Value, input, assignment.Target, missing);
                if (missing.Count > missingBefore)
                {
                    // No gradient comes of it, but the input's own inputs are still visited, so that every call
                    // missing a partial is reported at once, not one per build.
                    declared.Add(adjoints.Of(input));
                    continue;
                }

                if (partial is Constant { IsZero: true })
                {
                    continue;
                }

                string partialText = Notation.Partial(assignment.Target, input);
                var chain = isResult
                    ? Comment.Of(Notation.Partial(result, input))
                    : Comment.Of(Notation.Partial(result, assignment.Target) + " · " + partialText);

                // A local partial worth naming gets its own line, as a textbook derivation would write it.
                if (!isResult && !ExpressionFacts.IsAtom(partial))
                {
                    string partialName = names.Fresh(GeneratedNames.LocalPartial(assignment.Target, input));
                    backward.Add(new BackwardStatement(partialName, partial, Accumulates: false, Comment.Of(partialText)));
                    partial = new Variable(partialName);
                }
                else if (!isResult && !(assignment.Value is CallWithDerivative { Derivative: var kept } && partial is Variable { Name: var name } && name == kept))
                {
                    // (A partial the forward sweep declared with the value, da_dz, is named as the comment would write it.)
                    chain = chain.Append(", " + partialText + " = ", partial);
                }

                string adjoint = adjoints.Of(input);
                bool accumulates = !declared.Add(adjoint);
                string target = Notation.Partial(result, input);
                // The result's own partials are the first adjoints: ∂loss/∂a needs no chain to explain it.
                var comment = isResult
                    ? Comment.Of(target)
                    : Comment.Of(target + (accumulates ? " += " : " = ")).Append(chain.Parts.ToArray<object>());

                backward.Add(new BackwardStatement(adjoint, Multiply(adjointOfTarget, partial), accumulates, comment));
            }
        }

        var diagnostics = SymbolicDerivative.MissingPartial.Diagnostics(missing);
        if (diagnostics.Count > 0)
        {
            return (null, diagnostics);
        }

        var gradient = method.Parameters
            .Where(p => p.IsDifferentiated)
            .Select(p => new GradientEntry(p.Name, GeneratedNames.Property(p.Name), GradientOf(p.Name, result, declared, adjoints)))
            .ToEquatableArray();

        var gradientAdjoints = new HashSet<string>(gradient.Select(g => g.Value).OfType<Variable>().Select(v => v.Name));
        backward = InlineConstantAdjoints(backward, gradientAdjoints);
        var shared = CommonSubexpressions.Share(forward, backward, names, cancellationToken);
        var program = new GradientProgram(method, Body(forward, shared).ToEquatableArray(), gradient, result);
        return (program, diagnostics);
    }

    /// <summary>The gradient method's body: the forward sweep's definitions, then the backward sweep's, as statements.</summary>
    private static List<Statement> Body(List<Assignment> forward, List<BackwardStatement> backward)
    {
        var body = new List<Statement> { new CommentLine { Comment = Comment.Of("Forward sweep: the method's own computation.") } };
        foreach (var assignment in forward)
        {
            body.Add(assignment switch
            {
                { IsBoolean: true } => new DeclareBool(assignment.Target, assignment.Value),
                { IsGradientStruct: true } => new DeclareVar(assignment.Target, assignment.Value),
                { IntegerType: { } integerType } => new DeclareInteger(assignment.Target, integerType, assignment.Value),
                _ => new DeclareReal(assignment.Target, assignment.Value) { IntegerCode = assignment.HasIntegerValue },
            });
        }

        body.Add(new CommentLine());
        if (backward.Count > 0)
        {
            body.Add(new CommentLine { Comment = Comment.Of("Backward sweep: the chain rule, from the result back to the parameters.") });
            foreach (var statement in backward)
            {
                var target = new Variable(statement.Target);
                body.Add(!statement.Accumulates
                    ? new DeclareReal(statement.Target, statement.Value) { Comment = statement.Comment }
                    : statement.Value is Negate negate
                        ? new UpdateReal(target, UpdateOperator.Subtract, negate.Operand) { Comment = statement.Comment } // adj += −(a·b) reads better as adj −= a·b
                        : new UpdateReal(target, UpdateOperator.Add, statement.Value) { Comment = statement.Comment });
            }

            body.Add(new CommentLine());
        }

        return body;
    }

    /// <summary>
    /// An adjoint that is a plain constant (∂loss/∂u = 1 when loss = u + …) is substituted into the lines
    /// that use it rather than given a line of its own; the gradient entries keep theirs.
    /// </summary>
    private static List<BackwardStatement> InlineConstantAdjoints(List<BackwardStatement> statements, HashSet<string> keep)
    {
        var constants = new Dictionary<string, Expr>();
        var result = new List<BackwardStatement>();

        // Where each adjoint is last written, found once: asking "is it written again later?" of every statement by a
        // scan of the rest made a long backward sweep (an early-return chain's) quadratic.
        var lastWrite = new Dictionary<string, int>();
        for (int i = 0; i < statements.Count; i++)
        {
            lastWrite[statements[i].Target] = i;
        }

        for (int i = 0; i < statements.Count; i++)
        {
            var statement = statements[i];
            var value = constants.Count == 0
                ? statement.Value
                : Simplify(CommonSubexpressions.Rewrite(statement.Value, e => e is Variable v && constants.TryGetValue(v.Name, out var c) ? c : null));

            bool accumulatedLater = lastWrite[statement.Target] > i;
            if (value is Constant && !statement.Accumulates && !accumulatedLater && !keep.Contains(statement.Target))
            {
                constants[statement.Target] = value;
                continue;
            }

            result.Add(statement with { Value = value });
        }

        return result;
    }

    private static Expr GradientOf(string parameter, string result, HashSet<string> declared, AdjointNames adjoints)
    {
        if (parameter == result)
        {
            return Constant.One;
        }

        string adjoint = adjoints.Of(parameter);
        return declared.Contains(adjoint) ? new Variable(adjoint) : Constant.Zero;
    }

    /// <summary>The assignments the result depends on, in order; the rest is dead code for the gradient.</summary>
    private static List<Assignment> LiveAssignments(EquatableArray<Assignment> body, string result)
    {
        var useful = ActivityAnalysis.Useful(result, body.Select(a => new DataFlow(a.Target, ExpressionFacts.Variables(a.Value).ToList())).ToList());
        return body.Where(a => useful.Contains(a.Target)).ToList();
    }

    /// <summary>Variables that depend on a differentiated parameter (live code only, so all of them reach the result).</summary>
    private static HashSet<string> ActiveVariables(MethodModel method, List<Assignment> forward) =>
        ActivityAnalysis.Varied(
            method.Parameters.Where(p => p.IsDifferentiated).Select(p => p.Name),
            // A bool (a recorded condition) selects a branch but carries no derivative.
            forward.Where(a => a.IsDouble).Select(a => new DataFlow(a.Target, ExpressionFacts.Variables(a.Value).ToList())).ToList());

    /// <summary>Names adjoints after the result, as a person would: the adjoint of z in ∂loss/∂z is <c>dLoss_dz</c>.</summary>
    private sealed class AdjointNames
    {
        private readonly string _result;
        private readonly NameAllocator _names;
        private readonly Dictionary<string, string> _byVariable = new();

        public AdjointNames(string result, NameAllocator names)
        {
            _result = result;
            _names = names;
        }

        public string Of(string variable)
        {
            if (!_byVariable.TryGetValue(variable, out string? name))
            {
                name = _names.Fresh(GeneratedNames.Adjoint(_result, variable));
                _byVariable[variable] = name;
            }

            return name;
        }
    }
}
