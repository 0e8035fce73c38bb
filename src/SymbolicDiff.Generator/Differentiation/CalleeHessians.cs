using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// The last pass over a program that differentiates through another method's gradient (nested differentiation):
/// the transforms wrote each partial of a gradient entry as a <see cref="HessianEntry"/>, a value like any other; here
/// each becomes an element of a scratch span that a call of the callee's <c>MWithHessian</c> (the span overload, no
/// allocation) at the same arguments filled just before the statement that reads it. A call is made again only where
/// the arguments may have changed (a write to one of their variables, a loop or branch boundary) or another call took
/// the span, and the spans are declared once at the top of the method, never in a loop.
/// </summary>
internal static class CalleeHessians
{
    /// <summary>The program with every <see cref="HessianEntry"/> lowered; the same program where there is none.</summary>
    public static GradientProgram Lower(GradientProgram program)
    {
        var lowered = Contains(program.Body) ? program with { Body = new Lowering(program.Method, program.Body).Run() } : program;
        if (program.Derivative is { } derivative && (Contains(derivative.Body) || HasEntry(derivative.Derivative)))
        {
            var body = derivative.Body.ToList();
            var tangent = derivative.Derivative;
            if (HasEntry(tangent))
            {
                // The returned tangent reads the Hessian: it gets a local, so that the call filling the span comes before it.
                var names = NameAllocator.ForBody(program.Method, body);
                string name = names.Fresh(GeneratedNames.Tangent(program.Method.Result));
                body.Add(new DeclareReal(name, tangent));
                tangent = new Variable(name);
            }

            lowered = lowered with { Derivative = derivative with { Body = new Lowering(program.Method, body).Run(), Derivative = tangent } };
        }

        if (program.Hessian is { } hessian)
        {
            lowered = lowered with { Hessian = LowerHessian(program.Method, hessian) };
        }

        if (program.ValueWeightedHessian is { } weighted)
        {
            lowered = lowered with { ValueWeightedHessian = LowerHessian(program.Method, weighted) };
        }

        if (program.Jacobian is { } jacobian)
        {
            // Both products: cᵀJ and, for a method that returns a real, the one with the value's weight c₀ (which calls the
            // same callees, and whose forward-over-reverse reads their Hessians as much).
            lowered = lowered with
            {
                Jacobian = jacobian with
                {
                    Product = Lower(jacobian.Product),
                    ValueWeighted = jacobian.ValueWeighted is { } valueWeighted ? valueWeighted with { Product = Lower(valueWeighted.Product) } : null,
                },
            };
        }

        return lowered;
    }

    /// <summary>
    /// Second derivatives through a callee's gradient: its Hessian, with the scratch spans declared once, before the
    /// sweeps (the dense Hessian runs the body once per direction, in a loop).
    /// </summary>
    private static HessianProgram LowerHessian(MethodModel method, HessianProgram hessian)
    {
        if (!Contains(hessian.Body))
        {
            return hessian;
        }

        var lowering = new Lowering(method, hessian.Body.ToList(), hoist: true);
        var body = lowering.Body();
        var used = new SortedSet<string>(hessian.UsedNames.Concat(StatementFacts.DeclaredNames(lowering.Declarations)), System.StringComparer.Ordinal);
        return hessian with { Body = body.ToEquatableArray(), Prologue = hessian.Prologue.Concat(lowering.Declarations).ToEquatableArray(), UsedNames = used.ToEquatableArray() };
    }

    /// <summary>
    /// Whether the differentiated programs of a method with this (parsed) body can hold anything this pass reads or lowers:
    /// an entry of a callee's Hessian comes only from differentiating an entry of a callee's gradient, which comes from a
    /// call of another [Differentiable] method (or of its gradient's entry); a key from a function over spans that carries
    /// one. A body with none of those (most methods) has no entry and no key in any program made from it, so the pass,
    /// which walks every program (gradient, forward mode, Jacobian) twice, is skipped for it.
    /// </summary>
    public static bool MayBeRead(IEnumerable<Statement> statements)
    {
        foreach (var statement in StatementFacts.Flatten(statements))
        {
            foreach (var expression in StatementFacts.Expressions(statement))
            {
                if (ReadsCallee(expression))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool ReadsCallee(Expr expression)
    {
        switch (expression)
        {
            case HessianEntry:
            case Call { Function: var function } when function.IsDifferentiableCallee || function.Component is not null || function.Hessian is not null:
            case VectorCall { Function.HessianKey: not null }:
                return true;
        }

        for (int i = 0, count = ExpressionFacts.ChildCount(expression); i < count; i++)
        {
            if (ReadsCallee(ExpressionFacts.Child(expression, i)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a statement or expression still holds an entry of a callee's Hessian, or reads a callee's gradient entry (what a third derivative would need).</summary>
    public static bool Contains(IEnumerable<Statement> statements)
    {
        // Asked of every program, most of which hold none: walked in place, without a list of children per node.
        foreach (var statement in StatementFacts.Flatten(statements))
        {
            foreach (var expression in StatementFacts.Expressions(statement))
            {
                if (HasEntry(expression))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool HasEntry(Expr expression)
    {
        if (expression is HessianEntry or HessianEntryTangent)
        {
            return true;
        }

        for (int i = 0, count = ExpressionFacts.ChildCount(expression); i < count; i++)
        {
            if (HasEntry(ExpressionFacts.Child(expression, i)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The keys of the callees declared in source whose Hessian the statements read (before <see cref="Lower"/>), sorted:
    /// its entries, or the tangent of one of its products (a method over spans' Hessian-vector product), which comes with it.
    /// </summary>
    public static EquatableArray<string> KeysRead(IEnumerable<Statement> statements)
    {
        // Walked in place, without a list per expression: it runs over every program, and most read no Hessian at all.
        SortedSet<string>? keys = null;
        foreach (var statement in StatementFacts.Flatten(statements))
        {
            foreach (var expression in StatementFacts.Expressions(statement))
            {
                AddKeysRead(expression, ref keys);
            }
        }

        return keys is null ? EquatableArray<string>.Empty : keys.ToEquatableArray();
    }

    private static void AddKeysRead(Expr expression, ref SortedSet<string>? keys)
    {
        string? key = expression switch
        {
            HessianEntry entry => entry.Hessian.Key,
            HessianEntryTangent tangent => tangent.Hessian.Key,
            VectorCall { Function: { IsProductTangentCall: true } function } => function.HessianKey,
            _ => null,
        };
        if (key is not null)
        {
            (keys ??= new SortedSet<string>(System.StringComparer.Ordinal)).Add(key);
        }

        for (int i = 0, count = ExpressionFacts.ChildCount(expression); i < count; i++)
        {
            AddKeysRead(ExpressionFacts.Child(expression, i), ref keys);
        }
    }

    /// <summary>
    /// The first read of a callee's gradient entry (<c>UWithGradient(x, k).X</c>) in the statements whose callee has no
    /// third derivatives (no <c>ThirdOrder = true</c>), or null: a caller's own second derivatives need them.
    /// </summary>
    public static Call? FirstReadWithoutThirdOrder(IEnumerable<Statement> statements) =>
        StatementFacts.Flatten(statements)
            .SelectMany(StatementFacts.Expressions)
            .SelectMany(ExpressionFacts.Nodes)
            .OfType<Call>()
            .FirstOrDefault(call => call.Function.Component is { Hessian.TangentMethod: null });

    /// <summary>One body's lowering: the scratch spans it declares, and what each holds at each point.</summary>
    private sealed class Lowering
    {
        private IReadOnlyList<Statement> _body;
        private readonly NameAllocator _names;

        // Per callee (its MWithHessian), the pairs of scratch spans declared so far: a statement reading the Hessian
        // at two different points takes two pairs.
        private readonly Dictionary<string, List<Scratch>> _scratch = new(System.StringComparer.Ordinal);
        private readonly List<Statement> _declarations = new();

        // The Hessians evaluated once, among the declarations, into spans of their own that no other call takes.
        private readonly Dictionary<(CalleeHessian, EquatableArray<Expr>), Scratch> _hoisted = new();

        /// <summary>What a scratch holds: the arguments of the call that filled it, and the tangents where that call was <c>MHessianWithDerivative</c>.</summary>
        private sealed record Held(EquatableArray<Expr> Arguments, EquatableArray<Expr>? Tangents)
        {
            public IEnumerable<Expr> Reads => Tangents is { } tangents ? Arguments.Concat(tangents) : Arguments;
        }

        /// <param name="hoist">
        /// For a body that runs once per direction (second derivatives): a callee's Hessian at arguments that read only
        /// parameters the body never assigns, outside any branch, is the same in every sweep, so it is evaluated once,
        /// among the declarations before the sweeps, rather than in each.
        /// </param>
        public Lowering(MethodModel method, IReadOnlyList<Statement> body, bool hoist = false)
        {
            _body = body;
            _names = NameAllocator.ForBody(method, body);
            if (hoist)
            {
                Hoist(method);
            }
        }

        private void Hoist(MethodModel method)
        {
            var written = new HashSet<string>(StatementFacts.WrittenNamesIn(_body), System.StringComparer.Ordinal);
            var constant = new HashSet<string>(method.Parameters.Select(p => p.Name).Where(name => !written.Contains(name)), System.StringComparer.Ordinal);

            // The callee's gradient struct (var gGradient = GWithGradient(x, y)) at such arguments, outside loops and branches: the same in every sweep.
            var moved = _body.OfType<DeclareVar>().Where(declaration => declaration.Value is Call { Arguments: var arguments } && arguments.All(argument => ReadsOnly(argument, constant))).ToList();
            if (moved.Count > 0)
            {
                _declarations.AddRange(moved.Select(declaration => declaration with
                {
                    Comment = (declaration.Comment ?? Comment.Of("a callee's value and gradient")).Append(", which no direction changes: taken once, before the sweeps"),
                }));
                _body = _body.Where(statement => !moved.Contains(statement)).ToList();
            }

            foreach (var (hessian, arguments) in Unguarded(_body).SelectMany(StatementFacts.Expressions).SelectMany(Entries).Select(entry => (entry.Hessian, entry.Arguments)).Distinct().ToList())
            {
                if (arguments.All(argument => ReadsOnly(argument, constant)))
                {
                    var scratch = DeclareSpans(hessian);
                    var evaluate = Evaluate(hessian, arguments, scratch);
                    _declarations.Add(evaluate with
                    {
                        Comment = Comment.Of($"{hessian.DisplayName}'s second derivatives at these arguments, which no direction changes: taken once, before the sweeps"),
                    });
                    _hoisted[(hessian, arguments)] = scratch;
                }
            }
        }

        /// <summary>The statements of a block and of its loops, but not of its branches (a branch not taken evaluates nothing).</summary>
        private static IEnumerable<Statement> Unguarded(IEnumerable<Statement> statements) =>
            statements.SelectMany(statement => statement is ForLoop loop ? new[] { statement }.Concat(Unguarded(loop.Body)) : new[] { statement });

        /// <summary>Whether the expression reads no variable or vector but those in <paramref name="names"/>.</summary>
        private static bool ReadsOnly(Expr expression, HashSet<string> names) => expression switch
        {
            Variable variable => names.Contains(variable.Name),
            Element element => names.Contains(element.Vector) && ReadsOnly(element.Index, names),
            VectorArgument vector => names.Contains(vector.Vector) && (!vector.IsSlice || ReadsOnly(vector.Start!, names) && ReadsOnly(vector.Length!, names)),
            SavedPop or HessianEntry or CalleeValue or VectorCall or Member => false,
            _ => ExpressionFacts.Children(expression).All(child => ReadsOnly(child, names)),
        };

        public EquatableArray<Statement> Run()
        {
            var lowered = Block(_body);
            return _declarations.Concat(lowered).ToEquatableArray();
        }

        /// <summary>The lowered body without the declarations of its scratch spans, which <see cref="Declarations"/> then holds.</summary>
        public List<Statement> Body() => Block(_body);

        public IReadOnlyList<Statement> Declarations => _declarations;

        private List<Statement> Block(IEnumerable<Statement> statements)
        {
            // What each scratch pair holds here: the arguments of the last call that filled it in this block. Nothing is
            // known on entering a block (a loop's second iteration finds what its first left) or after a nested one.
            var held = new Dictionary<Scratch, Held>();
            var output = new List<Statement>();
            foreach (var statement in statements)
            {
                switch (statement)
                {
                    case ForLoop loop:
                        output.Add(loop with { Body = Block(loop.Body).ToEquatableArray() });
                        held.Clear();
                        continue;
                    case IfStatement guarded:
                        output.Add(guarded with { Then = Block(guarded.Then).ToEquatableArray() });
                        held.Clear();
                        continue;
                }

                var entries = StatementFacts.Expressions(statement)
                    .Concat(CommentExpressions(statement.Comment))
                    .SelectMany(Entries)
                    .Select(entry => (entry.Hessian, entry.Arguments))
                    .Distinct()
                    .ToList();
                // The Hessian's directional derivative (a caller's own second derivatives): a call of MHessianWithDerivative,
                // which writes the gradient and the Hessian too, so that the entries at the same arguments read its spans.
                var tangentEntries = StatementFacts.Expressions(statement)
                    .Concat(CommentExpressions(statement.Comment))
                    .SelectMany(TangentEntries)
                    .Select(entry => (entry.Hessian, entry.Arguments, entry.Tangents))
                    .Distinct()
                    .ToList();
                var tangentSpans = new Dictionary<(CalleeHessian, EquatableArray<Expr>, EquatableArray<Expr>), Scratch>();
                foreach (var (hessian, arguments, tangents) in tangentEntries)
                {
                    var triples = Pairs(hessian);
                    var scratch = triples.FirstOrDefault(triple => triple.Tangent is not null && held.TryGetValue(triple, out var holds) && holds.Arguments.Equals(arguments) && holds.Tangents is { } heldTangents && heldTangents.Equals(tangents));
                    if (scratch is null)
                    {
                        scratch = triples.FirstOrDefault(triple => triple.Tangent is not null && !tangentSpans.ContainsValue(triple)) ?? Declare(hessian, triples, withTangent: true);
                        output.Add(EvaluateTangent(hessian, arguments, tangents, scratch));
                        held[scratch] = new Held(arguments, tangents);
                    }

                    tangentSpans[(hessian, arguments, tangents)] = scratch;
                }

                var spans = new Dictionary<(CalleeHessian, EquatableArray<Expr>), Scratch>();
                foreach (var (hessian, arguments) in entries)
                {
                    if (_hoisted.TryGetValue((hessian, arguments), out var once))
                    {
                        spans[(hessian, arguments)] = once;
                        continue;
                    }

                    var pairs = Pairs(hessian);
                    var scratch = pairs.FirstOrDefault(pair => held.TryGetValue(pair, out var holds) && holds.Arguments.Equals(arguments));
                    if (scratch is null)
                    {
                        // A pair this statement does not read already: the first such, or a new one.
                        scratch = pairs.FirstOrDefault(pair => pair.Tangent is null && !spans.ContainsValue(pair)) ?? Declare(hessian, pairs, withTangent: false);
                        output.Add(Evaluate(hessian, arguments, scratch));
                        held[scratch] = new Held(arguments, null);
                    }

                    spans[(hessian, arguments)] = scratch;
                }

                // An entry of the gradient itself, at arguments a call just evaluated the Hessian at, is in its gradient span.
                var reads = StatementFacts.Expressions(statement)
                    .SelectMany(Components)
                    .Select(component => (component.Function.Component!.Hessian, component.Arguments))
                    .Distinct()
                    .Select(key => (Key: key, Scratch: _hoisted.TryGetValue(key, out var once) ? once : Pairs(key.Hessian).FirstOrDefault(pair => held.TryGetValue(pair, out var holds) && holds.Arguments.Equals(key.Arguments))))
                    .Where(read => read.Scratch is not null)
                    .ToDictionary(read => read.Key, read => read.Scratch!);
                output.Add(spans.Count == 0 && reads.Count == 0 && tangentSpans.Count == 0 ? statement : Rewrite(statement, spans, tangentSpans, reads));

                // A write to a variable the held arguments read makes them stale.
                foreach (string written in StatementFacts.WrittenNames(statement))
                {
                    foreach (var stale in held.Where(pair => pair.Value.Reads.Any(argument => Reads(argument, written))).Select(pair => pair.Key).ToList())
                    {
                        held.Remove(stale);
                    }
                }
            }

            return output;
        }

        private List<Scratch> Pairs(CalleeHessian hessian)
        {
            if (!_scratch.TryGetValue(hessian.Method, out var pairs))
            {
                _scratch[hessian.Method] = pairs = new List<Scratch>();
            }

            return pairs;
        }

        private Scratch Declare(CalleeHessian hessian, List<Scratch> pairs, bool withTangent)
        {
            var scratch = DeclareSpans(hessian, withTangent);
            pairs.Add(scratch);
            return scratch;
        }

        private Scratch DeclareSpans(CalleeHessian hessian, bool withTangent = false)
        {
            var scratch = new Scratch(_names.Fresh(GeneratedNames.CalleeGradient(hessian.DisplayName)), _names.Fresh(GeneratedNames.CalleeHessian(hessian.DisplayName)))
            {
                Tangent = withTangent ? _names.Fresh(GeneratedNames.CalleeHessianTangent(hessian.DisplayName)) : null,
            };
            string size = hessian.Size.ToString(System.Globalization.CultureInfo.InvariantCulture);
            _declarations.Add(new DeclareBuffer(scratch.Gradient, new Constant(hessian.Size), OnStack: true)
            {
                Comment = Comment.Of($"{hessian.DisplayName}'s gradient where its Hessian was last taken ({GeneratedNames.HessianMethod(hessian.DisplayName)} writes both)"),
            });
            _declarations.Add(new DeclareBuffer(scratch.Hessian, new Constant(hessian.Size * hessian.Size), OnStack: true)
            {
                Comment = Comment.Of($"{hessian.DisplayName}'s Hessian there, {size}×{size} row-major: row i holds the partials of its gradient's entry i"),
            });
            if (scratch.Tangent is { } tangent)
            {
                _declarations.Add(new DeclareBuffer(tangent, new Constant(hessian.Size * hessian.Size), OnStack: true)
                {
                    Comment = Comment.Of($"the derivative of {hessian.DisplayName}'s Hessian there along its arguments' tangents ({GeneratedNames.HessianTangentMethod(hessian.DisplayName)} writes all three)"),
                });
            }

            return scratch;
        }

        private static Statement Evaluate(CalleeHessian hessian, EquatableArray<Expr> arguments, Scratch scratch)
        {
            var call = new Call(
                Function.Plain(hessian.Method, GeneratedNames.HessianMethod(hessian.DisplayName)),
                arguments.Concat(new Expr[] { new VectorArgument(scratch.Gradient), new VectorArgument(scratch.Hessian) }).ToEquatableArray());
            return new CallStatement(call)
            {
                Comment = Comment.Of($"{hessian.DisplayName}'s second derivatives at these arguments: the partials of its gradient"),
            };
        }

        /// <summary>
        /// <c>UHessianWithDerivative(arguments, tangents, gradient, hessian, hessianTangent)</c>: a tangent per parameter U
        /// differentiates (the forward transform made every other one 0 or gave up).
        /// </summary>
        private static Statement EvaluateTangent(CalleeHessian hessian, EquatableArray<Expr> arguments, EquatableArray<Expr> tangents, Scratch scratch)
        {
            var call = new Call(
                Function.Plain(hessian.TangentMethod!, GeneratedNames.HessianTangentMethod(hessian.DisplayName)),
                arguments
                    .Concat(tangents.Where((_, i) => i < hessian.Differentiated.Count && hessian.Differentiated[i]))
                    .Concat(new Expr[] { new VectorArgument(scratch.Gradient), new VectorArgument(scratch.Hessian), new VectorArgument(scratch.Tangent!) })
                    .ToEquatableArray());
            return new CallStatement(call)
            {
                Comment = Comment.Of($"{hessian.DisplayName}'s second derivatives at these arguments and their derivative along the arguments' tangents: third derivatives"),
            };
        }

        private static Statement Rewrite(
            Statement statement,
            Dictionary<(CalleeHessian, EquatableArray<Expr>), Scratch> spans,
            Dictionary<(CalleeHessian, EquatableArray<Expr>, EquatableArray<Expr>), Scratch> tangentSpans,
            Dictionary<(CalleeHessian, EquatableArray<Expr>), Scratch> reads)
        {
            Expr Lower(Expr expression) => ExpressionFacts.Rewrite(expression, node => node switch
            {
                HessianEntry entry => new Element(spans[(entry.Hessian, entry.Arguments)].Hessian, new Constant(entry.Index)),
                HessianEntryTangent tangent => new Element(tangentSpans[(tangent.Hessian, tangent.Arguments, tangent.Tangents)].Tangent!, new Constant(tangent.Index)),
                Call { Function.Component: { } component } call when reads.TryGetValue((component.Hessian, call.Arguments), out var scratch) =>
                    new Element(scratch.Gradient, new Constant(component.Row)),
                _ => null,
            });

            return StatementFacts.RewriteExpressions(statement, Lower);
        }

        private static IEnumerable<Expr> CommentExpressions(Comment? comment) =>
            comment?.Parts.OfType<CommentExpression>().Select(part => part.Expression) ?? Enumerable.Empty<Expr>();

        private static IEnumerable<HessianEntry> Entries(Expr expression) =>
            (expression is HessianEntry entry ? new[] { entry } : Enumerable.Empty<HessianEntry>())
                .Concat(ExpressionFacts.Children(expression).SelectMany(Entries));

        private static IEnumerable<HessianEntryTangent> TangentEntries(Expr expression) =>
            (expression is HessianEntryTangent entry ? new[] { entry } : Enumerable.Empty<HessianEntryTangent>())
                .Concat(ExpressionFacts.Children(expression).SelectMany(TangentEntries));

        private static IEnumerable<Call> Components(Expr expression) =>
            (expression is Call { Function.Component: not null } call ? new[] { call } : Enumerable.Empty<Call>())
                .Concat(ExpressionFacts.Children(expression).SelectMany(Components));

        private static bool Reads(Expr expression, string name) => expression switch
        {
            Variable variable => variable.Name == name,
            Element element => element.Vector == name || Reads(element.Index, name),
            _ => ExpressionFacts.Children(expression).Any(child => Reads(child, name)),
        };
    }

    /// <summary>The scratch spans of one call of a callee's <c>MWithHessian</c> (or of its <c>MHessianWithDerivative</c>, with <see cref="Tangent"/>).</summary>
    private sealed record Scratch(string Gradient, string Hessian)
    {
        /// <summary>The span of the Hessian's directional derivative, for a call of <c>MHessianWithDerivative</c>; else null.</summary>
        public string? Tangent { get; init; }
    }
}
