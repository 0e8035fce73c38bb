using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// Second derivatives of a method that calls another [Differentiable] method G: its gradient program calls G's
/// generated gradient (<c>var gGradient = GWithGradient(x, y);</c>, then <c>gGradient.Value</c> and <c>gGradient.X</c>),
/// a struct forward mode has no rule for. Here each member read becomes what nested differentiation parses
/// <c>GWithGradient(x, y).X</c> into: an entry of G's gradient, a function of G's arguments whose partials are a row of
/// G's Hessian (<see cref="Function.GradientEntry"/>), and <c>.Value</c> a call of G. Each gets a real local where the
/// struct was declared, so it holds the value at that point whatever the arguments' variables do later. The forward
/// transform then differentiates them as it does any call, and <see cref="CalleeHessians"/> lowers the Hessian's
/// entries into calls of G's <c>GWithHessian</c>: one mechanism with nested differentiation, no rule of its own.
/// </summary>
internal static class CalleeGradientReads
{
    private const string ValueMember = "Value";

    /// <summary>
    /// The gradient program with every read of a callee's gradient struct rewritten, in its body and its entries; or,
    /// where a callee whose gradient entries are read has no <c>SecondOrder = true</c> (no Hessian to read them by),
    /// that callee's first call in the method, to report it at.
    /// </summary>
    public static (GradientProgram? Program, Call? WithoutHessian) Rewrite(MethodModel method, GradientProgram gradient)
    {
        // The callees by their generated gradient's name, as the method's own body calls them (with a location).
        var callees = new Dictionary<string, Call>(System.StringComparer.Ordinal);
        foreach (var call in StatementFacts.Flatten(method.Statements).SelectMany(StatementFacts.Expressions).SelectMany(ExpressionFacts.Nodes).OfType<Call>())
        {
            if (call.Function.IsDifferentiableCallee && !callees.ContainsKey(call.Function.GradientMethod!))
            {
                callees[call.Function.GradientMethod!] = call;
            }
        }

        if (callees.Count == 0)
        {
            return (gradient, null);
        }

        var names = new NameAllocator(method.Parameters.Select(p => p.Name)
            .Concat(method.Parameters.Select(p => p.Output))
            .Concat(StatementFacts.DeclaredNames(gradient.Body))
            .Concat(StatementFacts.Flatten(gradient.Body).SelectMany(StatementFacts.Names)));
        var rewriter = new Rewriter(callees, MembersRead(gradient.Body, gradient.Gradient.Select(entry => entry.Value)), names);
        var body = rewriter.Block(gradient.Body);
        var entries = gradient.Gradient.Select(entry => entry with { Value = rewriter.Replace(entry.Value) }).ToList();
        return rewriter.WithoutHessian is { } missing
            ? (null, missing)
            : (gradient with { Body = body.ToEquatableArray(), Gradient = entries.ToEquatableArray() }, null);
    }

    /// <summary>Per local that holds a gradient struct, the members read from it anywhere (comments included).</summary>
    private static Dictionary<string, HashSet<string>> MembersRead(IEnumerable<Statement> statements, IEnumerable<Expr> partials)
    {
        var reads = new Dictionary<string, HashSet<string>>(System.StringComparer.Ordinal);
        var expressions = StatementFacts.Flatten(statements).SelectMany(statement => StatementFacts.Expressions(statement).Concat(CommentExpressions(statement.Comment))).Concat(partials);
        foreach (var node in expressions.SelectMany(ExpressionFacts.Nodes))
        {
            var (local, member) = node switch
            {
                Member { Target: Variable target, Name: var name } => (target.Name, name),
                CalleeValue { Gradient: var target } => (target.Name, ValueMember),
                _ => (null, null),
            };
            if (local is not null)
            {
                if (!reads.TryGetValue(local, out var members))
                {
                    reads[local] = members = new HashSet<string>(System.StringComparer.Ordinal);
                }

                members.Add(member!);
            }
        }

        return reads;
    }

    private static IEnumerable<Expr> CommentExpressions(Comment? comment) =>
        comment?.Parts.OfType<CommentExpression>().Select(part => part.Expression) ?? Enumerable.Empty<Expr>();

    private sealed class Rewriter
    {
        private readonly IReadOnlyDictionary<string, Call> _callees;
        private readonly IReadOnlyDictionary<string, HashSet<string>> _reads;
        private readonly NameAllocator _names;

        // (struct local, member) → the real local that holds it.
        private readonly Dictionary<(string Local, string Member), string> _locals = new();

        public Rewriter(IReadOnlyDictionary<string, Call> callees, IReadOnlyDictionary<string, HashSet<string>> reads, NameAllocator names)
        {
            _callees = callees;
            _reads = reads;
            _names = names;
        }

        public Call? WithoutHessian { get; private set; }

        public List<Statement> Block(IEnumerable<Statement> statements)
        {
            var output = new List<Statement>();
            var list = statements.ToList();
            for (int i = 0; i < list.Count; i++)
            {
                var statement = list[i];
                switch (statement)
                {
                    case DeclareVar declaration when GradientCall(declaration.Value) is { } called:
                        // double g = gGradient.Value; right after it is the call itself: double g = G(x, y);
                        var value = called.Guard is null && i + 1 < list.Count && list[i + 1] is DeclareReal { Value: CalleeValue { Gradient: var read } } next && read.Name == declaration.Name
                            ? next
                            : null;
                        Declare(declaration, called.Callee, called.Call, called.Guard, value, output);
                        i += value is null ? 0 : 1;
                        break;
                    case ForLoop loop:
                        output.Add(loop with { Body = Block(loop.Body).ToEquatableArray() });
                        break;
                    case IfStatement guarded:
                        output.Add(guarded with { Then = Block(guarded.Then).ToEquatableArray() });
                        break;
                    default:
                        output.Add(Rewrite(statement));
                        break;
                }
            }

            return output;
        }

        /// <summary><c>GWithGradient(args)</c>, or <c>taken ? GWithGradient(args) : default</c> in a branch, of a callee of the method.</summary>
        private (Function Callee, Call Call, Expr? Guard)? GradientCall(Expr value)
        {
            var (guard, root) = value is Conditional { WhenFalse: DefaultLiteral } branch ? (branch.Condition, branch.WhenTrue) : ((Expr?)null, value);
            return root is Call call && _callees.TryGetValue(call.Function.QualifiedName, out var callee) ? (callee.Function, call, guard) : null;
        }

        /// <summary><c>var gGradient = GWithGradient(args);</c> as one real local per member read: <c>double gX = GWithGradient(args).X;</c>.</summary>
        private void Declare(DeclareVar declaration, Function callee, Call call, Expr? guard, DeclareReal? value, List<Statement> output)
        {
            var members = _reads.TryGetValue(declaration.Name, out var reads) ? reads : new HashSet<string>();
            var ordered = new[] { ValueMember }.Concat(callee.GradientProperties.Where(p => p is not null).Select(p => p!)).Where(members.Contains).ToList();
            if (ordered.Count < members.Count)
            {
                // A member that is neither the value nor a partial: left as it is, for SecondOrder to report.
                output.Add(declaration);
                output.AddRange(value is null ? Enumerable.Empty<Statement>() : new[] { value });
                return;
            }

            if (ordered.Any(member => member != ValueMember) && callee.Hessian is null)
            {
                WithoutHessian ??= _callees[call.Function.QualifiedName];
                output.Add(declaration);
                output.AddRange(value is null ? Enumerable.Empty<Statement>() : new[] { value });
                return;
            }

            bool first = true;
            if (value is not null)
            {
                output.Add(value with { Value = new Call(callee, call.Arguments), Comment = value.Comment ?? declaration.Comment });
                _locals[(declaration.Name, ValueMember)] = value.Name;
                ordered.Remove(ValueMember);
                first = false;
            }

            foreach (string member in ordered)
            {
                Expr read = member == ValueMember
                    ? new Call(callee, call.Arguments)
                    : new Call(callee.GradientEntry(member), call.Arguments);
                string name = _names.Fresh(NameAllocator.ToCamelCase(callee.DisplayName) + member);
                output.Add(new DeclareReal(name, guard is null ? read : new Conditional(guard, read, Constant.Zero))
                {
                    Comment = first ? declaration.Comment : null,
                });
                _locals[(declaration.Name, member)] = name;
                first = false;
            }
        }

        public Expr Replace(Expr expression) => ExpressionFacts.Rewrite(expression, node => node switch
        {
            Member { Target: Variable target } member when _locals.TryGetValue((target.Name, member.Name), out var local) => new Variable(local),
            CalleeValue { Gradient: var target } when _locals.TryGetValue((target.Name, ValueMember), out var local) => new Variable(local),
            Member { Target: Call call, Name: ValueMember } when GradientCall(call) is { } called => new Call(called.Callee, call.Arguments),
            Member { Target: Call call } member when GradientCall(call) is { } called && called.Callee.GradientProperties.Contains(member.Name) =>
                called.Callee.Hessian is null ? Missing(call) : new Call(called.Callee.GradientEntry(member.Name), call.Arguments),
            _ => null,
        });

        private Expr? Missing(Call call)
        {
            WithoutHessian ??= _callees[call.Function.QualifiedName];
            return null;
        }

        private Statement Rewrite(Statement statement) => StatementFacts.RewriteExpressions(statement, Replace);
    }
}
