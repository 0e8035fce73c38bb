using System.Collections.Generic;
using System.Linq;
using System.Threading;
using SymbolicDiff.Generator.Analysis;
using SymbolicDiff.Generator.Model;
using static SymbolicDiff.Generator.Differentiation.Simplifier;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// Forward mode (a Jacobian-vector product) by source transformation: the method's own statements, in order,
/// each real value <c>v = e</c> with its tangent <c>dV = Σ ∂e/∂u · dU</c> beside it, the derivative of v along the
/// direction the caller gives (one tangent per differentiated parameter). Conditions, integer locals and loops are
/// kept as they are, so one sweep computes the value and the directional derivative, with no tape.
/// <para>
/// A tangent goes just before its statement, where every value it reads (the target's earlier value included, for
/// <c>s += e</c>) is still the one the statement reads. Where a rule reuses the statement's own value (eᵘ, σ(u),
/// a quotient) and the statement does not read its target, the tangent goes just after it instead and reads that
/// value rather than computing it again.
/// </para>
/// <para>
/// Calls: built-in functions by their rows in <see cref="BuiltinRules"/>, runtime and users' functions by their
/// declared <c>[Derivative]</c> partials, another [Differentiable] method by its generated gradient (called once;
/// the directional derivative is Σ ∂f/∂aᵢ · daᵢ over its properties), a function over vectors by its declared
/// vector-Jacobian product with seed 1 (∂f/∂v into a scratch span, then dotted with v's tangent).
/// </para>
/// </summary>
internal sealed partial class ForwardModeDifferentiator
{
    private const int StackBound = 128;

    // In a tangent under construction: the value of the statement being differentiated (a marker, replaced before
    // the tangent leaves this class). A rule template's own marker serves, as Instantiate puts it in.
    private static readonly RuleValue StatementValue = new();

    private readonly MethodModel _method;
    private readonly CancellationToken _cancellationToken;
    private readonly ProgramIndex _index;
    private readonly HashSet<string> _reserved;
    private readonly NameAllocator _names;

    // A differentiated parameter, local, or buffer → the name of its tangent.
    private readonly Dictionary<string, string> _tangents = new();

    // A vector passed to a function over vectors → the scratch span that receives ∂f/∂vector.
    private readonly Dictionary<string, string> _partials = new();
    private HashSet<string> _needsPartials = new();
    private readonly List<Statement> _releases = new();
    private HashSet<string> _active = new();

    // What depends on a differentiated parameter, useful or not: a call no rule here takes may write what is useful.
    private HashSet<string> _varied = new();
    private bool _unsupported;
    private BranchRuns? _branchRuns;

    // The values whose tangents are wanted: the method's result, or (over a gradient) its value and every partial.
    private readonly IReadOnlyList<string> _results;

    private ForwardModeDifferentiator(MethodModel method, CancellationToken cancellationToken, IReadOnlyList<string>? results = null)
    {
        _method = method;
        // A vector-valued method's results are its outputs too: what they depend on needs a tangent.
        _results = results ?? new[] { method.Result }.Concat(method.Parameters.Where(p => p.IsOutput).Select(p => p.Name)).ToList();
        _cancellationToken = cancellationToken;
        _index = ProgramIndex.Build(method);
        _reserved = new HashSet<string>(method.Parameters.Select(p => p.Name)) { method.MethodName };
        _reserved.UnionWith(method.Parameters.Select(p => p.Output));
        _reserved.UnionWith(StatementFacts.DeclaredNames(method.Statements));
        _names = new NameAllocator(_reserved);
    }

    /// <summary>
    /// The forward-mode program of <paramref name="method"/>'s structured body, or null where a construct has no
    /// forward rule here (a real argument of a function over vectors that varies, a partial no one declared): those
    /// are the cases the reverse transforms report as errors, so no diagnostic of its own is needed.
    /// </summary>
    public static DerivativeProgram? Differentiate(MethodModel method, CancellationToken cancellationToken = default)
    {
        if (method.Statements.Count == 0)
        {
            return null;
        }

        return new ForwardModeDifferentiator(WithoutIterationCounts(method), cancellationToken).Run();
    }

    /// <summary>
    /// <paramref name="method"/> without the locals its loops without a counter count their iterations in (declared
    /// before the loop, stepped at the end of its body): only a backward sweep runs back over them, and there is none here.
    /// </summary>
    private static MethodModel WithoutIterationCounts(MethodModel method)
    {
        var counts = new HashSet<string>(StatementFacts.Flatten(method.Statements).OfType<ForLoop>()
            .Where(loop => loop.While is not null && loop.To is Variable)
            .Select(loop => ((Variable)loop.To).Name));
        return counts.Count == 0 ? method : method with { Statements = Without(method.Statements) };

        EquatableArray<Statement> Without(EquatableArray<Statement> statements) => statements
            .Where(statement => statement is not (DeclareInteger or StepInteger) || !counts.Contains(StatementFacts.DeclaredName(statement) ?? ((StepInteger)statement).Name))
            .Select(statement => statement switch
            {
                ForLoop loop => loop with { Body = Without(loop.Body) },
                IfStatement guarded => guarded with { Then = Without(guarded.Then) },
                _ => statement,
            })
            .ToEquatableArray();
    }

    private DerivativeProgram? Run()
    {
        var differentiated = _method.Parameters.Where(p => p.IsDifferentiated).ToList();

        // Activity: a tangent is needed only for what depends on a differentiated parameter and reaches the result.
        var flows = StatementFacts.Writes(_method.Statements).Select(write => new DataFlow(write.Target, DataReads(write.Value).Distinct().ToList())).Concat(ProductCallFlows()).Concat(HelperProductCallFlows()).ToList();
        var varied = ActivityAnalysis.Varied(differentiated.Select(p => p.Name), flows, _cancellationToken);
        _varied = varied;
        var outputs = _method.Parameters.Where(p => p.IsOutput).ToList();
        var useful = new HashSet<string>(_results.SelectMany(result => ActivityAnalysis.Useful(result, flows, _cancellationToken)));
        _active = new HashSet<string>(varied.Where(useful.Contains));

        foreach (var parameter in differentiated.Concat(outputs))
        {
            _tangents[parameter.Name] = parameter.Output;
        }

        var body = new List<Statement>();
        foreach (var parameter in differentiated.Where(p => p.IsVector).Concat(outputs))
        {
            body.Add(new CheckOutputLength(parameter.Output, parameter.Name));
        }

        // The user's argument checks run before the outputs' tangents are cleared: where they throw, nothing is written.
        int checks = outputs.Count > 0 ? StatementFacts.LeadingChecks(_method.Statements) : 0;
        body.AddRange(Transform(_method.Statements.Take(checks).ToEquatableArray()));
        foreach (var output in outputs)
        {
            body.Add(new ClearOutput(output.Output)
            {
                Comment = Comment.Of($"{output.Output}, the tangent of the output {output.Name}, is written where {output.Name} is: 0 where it is not"),
            });
        }

        if (body.Count > 0)
        {
            body.Add(new CommentLine());
        }

        body.Add(Note(differentiated.Count == 1
            ? $"One forward sweep: each value with its tangent, its derivative along {differentiated[0].Output}, computed beside it."
            : $"One forward sweep: each value with its tangent, its derivative along ({string.Join(", ", differentiated.Select(p => p.Output))}), computed beside it."));

        // A real parameter held constant that the method assigns a varying value to: its tangent starts at 0. Its
        // output name is free here (no tangent parameter takes it) and clear of the method's own names.
        foreach (var parameter in _method.Parameters.Where(p => !p.IsDifferentiated && !p.IsVector && _active.Contains(p.Name)))
        {
            string tangent = parameter.Output;
            _tangents[parameter.Name] = tangent;
            body.Add(new DeclareReal(tangent, Constant.Zero) { Comment = Comment.Of($"{parameter.Name} is held constant until the method assigns it") });
        }

        // Scratch spans for the functions over vectors, declared where their vector's length is known.
        PlanOutputCallTangents();
        var needsPartials = new HashSet<string>(VectorCalls(_method.Statements)
            .SelectMany(call => call.Arguments.OfType<VectorArgument>())
            .Select(argument => argument.Vector)
            .Where(_active.Contains)
            .Concat(DeclaredProductVectors));
        foreach (var parameter in _method.Parameters.Where(p => needsPartials.Contains(p.Name)))
        {
            body.Add(DeclarePartials(parameter.Name));
        }

        foreach (var parameter in _method.Parameters.Where(p => p.IsVector))
        {
            body.AddRange(DeclareOutputCallTangents(parameter.Name));
        }

        _needsPartials = needsPartials;
        body.AddRange(Transform(checks == 0 ? _method.Statements : _method.Statements.Skip(checks).ToEquatableArray()));
        if (_unsupported)
        {
            return null;
        }

        body.AddRange(_releases);
        Expr derivative = !_method.ReturnsVoid && _active.Contains(_method.Result) && _tangents.TryGetValue(_method.Result, out var result) ? new Variable(result) : Constant.Zero;
        return new DerivativeProgram(body.ToEquatableArray(), _method.Result, derivative);
    }

    // ---- the transform ----

    private List<Statement> Transform(EquatableArray<Statement> statements)
    {
        var output = new List<Statement>();
        var runs = (_branchRuns ??= new BranchRuns(_index)).Find(statements, usable: _ => true);
        for (int at = 0; at < statements.Count; at++)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (runs.FirstOrDefault(r => r.Start == at) is { } run)
            {
                // A branch around a loop stays a branch, as in the reverse transform: skipped, the run changes nothing,
                // and neither do its tangents (each guarded by the same branch).
                output.Add(new IfStatement(new Variable(run.Branch), BranchRuns.AssumingTaken(Transform(run.Statements), run.Branch).ToEquatableArray()));
                at = run.End;
                continue;
            }

            var statement = statements[at];
            switch (statement)
            {
                case DeclareReal real when _active.Contains(real.Name) && !real.IntegerCode:
                    Differentiate(real, new Variable(real.Name), real.Value, isDeclaration: true, output);
                    break;

                case DeclareReal real when _active.Contains(real.Name):
                    // Integer arithmetic converted to a real: a constant along every direction.
                    output.Add(real);
                    output.Add(new DeclareReal(NewTangent(real.Name), Constant.Zero));
                    break;

                case AssignReal assign when _active.Contains(TargetName(assign.Target)):
                    Differentiate(assign, assign.Target, assign.Value, isDeclaration: false, output);
                    break;

                case DeclareBuffer buffer:
                    output.Add(buffer);
                    if (_active.Contains(buffer.Name))
                    {
                        DeclareTangentBuffer(buffer.Name, buffer.Name, output);
                    }

                    if (_needsPartials.Contains(buffer.Name))
                    {
                        output.Add(DeclarePartials(buffer.Name));
                    }

                    output.AddRange(DeclareOutputCallTangents(buffer.Name));
                    break;

                case CallWithOutputs call:
                    DifferentiateOutputCall(call, output);
                    break;

                case ForLoop loop:
                    output.Add(loop with { Body = Transform(loop.Body).ToEquatableArray() });
                    break;

                case IfStatement guarded:
                    output.Add(guarded with { Then = Transform(guarded.Then).ToEquatableArray() });
                    break;

                default:
                    if (!TransformGradientStatement(statement, output))
                    {
                        // A call no rule above takes, kept as it is: its tangent would be 0, so where its arguments vary,
                        // there is no forward mode here rather than a silent zero (the callers report it, naming the call).
                        if (UnknownCallWithVaryingArguments(statement) is { } unknown)
                        {
                            _unsupported = true;
                            _unknownCall ??= unknown;
                        }

                        output.Add(statement);
                    }

                    break;
            }
        }

        return output;
    }

    /// <summary>The statement <c>target = value</c> (a declaration or an assignment), with its tangent before or after it.</summary>
    private void Differentiate(Statement statement, Expr target, Expr value, bool isDeclaration, List<Statement> output)
    {
        string tangentName = isDeclaration ? NewTangent(TargetName(target)) : _tangents[TargetName(target)];
        Expr tangentTarget = target is Element element ? new Element(tangentName, element.Index) : new Variable(tangentName);

        if (value is VectorCall { Function.IsProductCall: false } vectorCall)
        {
            DifferentiateVectorCall(statement, target, vectorCall, tangentTarget, isDeclaration, output);
            return;
        }

        // Another [Differentiable] method as the statement's whole value (in a branch too): its gradient, called
        // once, gives the value and the partials, so the method is not evaluated a second time.
        var (guard, root) = value is Conditional { WhenFalse: var otherwise } branch && (otherwise is Constant { IsZero: true } || otherwise.Equals(target))
            ? (branch.Condition, branch.WhenTrue)
            : ((Expr?)null, value);
        if (root is Call { Function.IsDifferentiableCallee: true } callee && callee.Arguments.Any(argument => !IsZero(Tangent(argument, isRoot: false))))
        {
            string gradientName = _names.Fresh(GeneratedNames.CalleeGradient(callee.Function.DisplayName));
            var gradientCall = new Call(Function.Plain(callee.Function.GradientMethod!, GeneratedNames.GradientMethod(callee.Function.DisplayName)), callee.Arguments);
            output.Add(new DeclareVar(gradientName, guard is null ? gradientCall : new Conditional(guard, gradientCall, new DefaultLiteral()))
            {
                Comment = Comment.Of($"{callee.Function.DisplayName}'s value and partial derivatives at these arguments"),
            });
            var calleeValue = new CalleeValue(new Variable(gradientName), callee);
            value = guard is null ? calleeValue : ((Conditional)value) with { WhenTrue = calleeValue };
            statement = statement is DeclareReal real ? real with { Value = value } : ((AssignReal)statement) with { Value = value };
        }

        var tangent = Tangent(value, isRoot: true);
        // In a branch, v = taken ? e : v reads v only where it keeps it, and there the tangent keeps dV too.
        var read = value is Conditional { WhenFalse: var kept } guarded && kept.Equals(target)
            ? new[] { guarded.Condition, guarded.WhenTrue }
            : new[] { value };
        bool readsTarget = read.Any(part => Mentions(part, node => IsTarget(node, target)));
        bool after = Mentions(tangent, node => node is RuleValue) && !readsTarget;
        if (after)
        {
            tangent = Simplify(ExpressionFacts.Rewrite(tangent, node => node is RuleValue ? target : null));
        }
        else if (Mentions(tangent, node => node is RuleValue))
        {
            // The statement overwrites what it reads: the tangent goes first, and computes the value it needs again.
            tangent = Tangent(value, isRoot: false);
        }

        if (_unsupported)
        {
            return;
        }

        if (!isDeclaration && tangent.Equals(tangentTarget))
        {
            // s += c with c constant along the direction: the tangent stays as it is (no dS = dS, CS1717).
            output.Add(statement);
            return;
        }

        var comment = readsTarget ? null : ChainComment(target, read[read.Length - 1]);
        (var shared, tangent) = ShareCalls(value, tangent, output);
        if (!ReferenceEquals(shared, value))
        {
            statement = statement is DeclareReal declared ? declared with { Value = shared } : ((AssignReal)statement) with { Value = shared };
        }

        Statement tangentStatement = isDeclaration
            ? new DeclareReal(tangentName, tangent) { Comment = comment }
            : new AssignReal(tangentTarget, tangent, string.Empty) { Comment = comment };
        if (after)
        {
            output.Add(statement);
            output.Add(tangentStatement);
        }
        else
        {
            output.Add(tangentStatement);
            output.Add(statement);
        }
    }

    /// <summary>
    /// <c>t = f(v, …)</c> with f a function over vectors: for each varying vector argument, f's vector-Jacobian
    /// product with seed 1 writes ∂f/∂v into a scratch span, and dt gets ∂f/∂v · dv.
    /// </summary>
    private void DifferentiateVectorCall(Statement statement, Expr target, VectorCall call, Expr tangentTarget, bool isDeclaration, List<Statement> output)
    {
        bool first = true;
        for (int i = 0; i < call.Arguments.Count; i++)
        {
            var argument = call.Arguments[i];
            if (argument is VectorArgument vector && IsActiveVector(vector.Vector))
            {
                string? product = i < call.Function.Products.Count ? call.Function.Products[i] : null;
                if (product is null || Mentions(call, node => IsTarget(node, target)))
                {
                    _unsupported = true;
                    return;
                }

                // A slice argument's partials and tangent are the same views of the vector's partials and tangent spans.
                string partials = _partials[vector.Vector];
                var partialsView = vector.Renamed(partials);
                output.Add(new ClearOutput(partials) { View = vector.IsSlice ? partialsView : null });
                var arguments = call.Arguments.Concat(new Expr[] { Constant.One, partialsView }).ToEquatableArray();
                output.Add(new CallStatement(new VectorCall(call.Function with { QualifiedName = product }, arguments))
                {
                    Comment = Comment.Of(partialsView, $" = ∂{call.Function.DisplayName}/∂", vector, ": its vector-Jacobian product with seed 1"),
                });

                var tangentView = vector.Renamed(_tangents[vector.Vector]);
                var dot = new Call(Function.Plain(GeneratedNames.DotProduct, "Dot"), new Expr[] { partialsView, tangentView }.ToEquatableArray());
                var comment = Comment.Of("d", target, $" {(first ? "=" : "+=")} ∂", target, "/∂", vector, " · ", vector.IsSlice ? tangentView : "d" + vector.Vector);
                output.Add(first
                    ? isDeclaration
                        ? new DeclareReal(((Variable)tangentTarget).Name, dot) { Comment = comment }
                        : new AssignReal(tangentTarget, dot, string.Empty) { Comment = comment }
                    : new UpdateReal(tangentTarget, UpdateOperator.Add, dot) { Comment = comment });
                first = false;
            }
            else if (!IsZero(Tangent(argument, isRoot: false)))
            {
                // A real argument that varies: the function declares no partial for it here.
                _unsupported = true;
                return;
            }
        }

        if (first)
        {
            output.Add(isDeclaration
                ? new DeclareReal(((Variable)tangentTarget).Name, Constant.Zero)
                : new AssignReal(tangentTarget, Constant.Zero, string.Empty));
        }

        output.Add(statement);
    }

    // ---- tangents of expressions ----

    /// <summary>
    /// The tangent of <paramref name="expression"/>: Σ ∂e/∂u · dU over the varying values it reads, built by the
    /// textbook rules and simplified as it is built. With <paramref name="isRoot"/>, a rule that reuses the value
    /// of the statement's whole right-hand side refers to it as <see cref="StatementValue"/>.
    /// </summary>
    private Expr Tangent(Expr expression, bool isRoot)
    {
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack(); // a backstop: SizeLimits keeps input shallower than this
        switch (expression)
        {
            case Variable variable:
                return _active.Contains(variable.Name) && _tangents.TryGetValue(variable.Name, out var tangent) ? new Variable(tangent) : Constant.Zero;

            case Element element:
                return IsActiveVector(element.Vector) ? new Element(_tangents[element.Vector], element.Index) : Constant.Zero;

            case Negate negate:
                return Negated(Tangent(negate.Operand, isRoot: false));

            case Binary binary:
                return TangentOfBinary(binary, isRoot);

            case Call call:
                return TangentOfCall(call, isRoot ? StatementValue : call, gradient: null);

            case CalleeValue callee:
                return TangentOfCall(callee.Call, callee, callee.Gradient);

            case SavedPop pop:
                return TangentOfSavedValue(pop);

            case HessianEntry entry:
                return TangentOfHessianEntry(entry);

            case Conditional conditional:
                // The condition carries no derivative: the tangent is that of the branch taken, whose value the
                // whole expression then is.
                return Simplify(new Conditional(conditional.Condition, Tangent(conditional.WhenTrue, isRoot), Tangent(conditional.WhenFalse, isRoot)));

            case VectorCall { Function.IsProductCall: true } product:
                return TangentOfProductValue(product); // over a gradient: a product's tangent method

            case VectorCall call when call.Arguments.Any(argument => argument is VectorArgument vector && IsActiveVector(vector.Vector) || !IsZero(Tangent(argument, isRoot: false))):
                _unsupported = true; // a function over vectors inside a larger expression: the parser names each one, so this is not expected
                return Constant.Zero;

            default:
                // Constants, integers, fields, bools: nothing that varies along the direction.
                return Constant.Zero;
        }
    }

    private Expr TangentOfBinary(Binary binary, bool isRoot)
    {
        var dLeft = Tangent(binary.Left, isRoot: false);
        var dRight = Tangent(binary.Right, isRoot: false);
        switch (binary.Operator)
        {
            case BinaryOperator.Add:
                return Add(dLeft, dRight);

            case BinaryOperator.Subtract:
                return Subtract(dLeft, dRight);

            case BinaryOperator.Multiply:
                // d(u·u) = 2u·du, d(c·u·u) = 2c·u·du; d(fg) = df·g + f·dg
                if (binary.Left.Equals(binary.Right))
                {
                    return Multiply(Multiply(new Constant(2), binary.Left), dLeft);
                }

                if (binary.Left is Binary { Operator: BinaryOperator.Multiply, Left: Constant factor } scaled && scaled.Right.Equals(binary.Right))
                {
                    return Multiply(Multiply(new Constant(2 * factor.Value), binary.Right), dRight);
                }

                return Add(Multiply(dLeft, binary.Right), Multiply(binary.Left, dRight));

            case BinaryOperator.Divide:
                // d(f/g) = (df − (f/g)·dg)/g; when f/g is the whole right-hand side, its value is already named.
                if (IsZero(dRight))
                {
                    return Divide(dLeft, binary.Right);
                }

                Expr quotient = isRoot ? StatementValue : binary;
                return Divide(Subtract(dLeft, Multiply(quotient, dRight)), binary.Right);

            default:
                return Constant.Zero; // integer remainder: integers carry no derivative
        }
    }

    /// <summary>Σ ∂f/∂aᵢ · daᵢ over the arguments that vary, each partial by the rule <see cref="SymbolicDerivative.PartialOfCall"/> finds.</summary>
    private Expr TangentOfCall(Call call, Expr value, Variable? gradient)
    {
        if (call.Function.HasZeroDerivative)
        {
            return Constant.Zero;
        }

        Expr total = Constant.Zero;
        for (int i = 0; i < call.Arguments.Count; i++)
        {
            var dArgument = Tangent(call.Arguments[i], isRoot: false);
            if (IsZero(dArgument))
            {
                continue;
            }

            var partial = SymbolicDerivative.PartialOfCall(call, i, value, gradient);
            if (partial is null)
            {
                _missingPartial ??= (call.Function.DisplayName, i < call.Function.ParameterNames.Count ? call.Function.ParameterNames[i] : null);
                _unsupported = true;
                return Constant.Zero;
            }

            total = Add(total, Multiply(partial, dArgument));
        }

        return total;
    }

    /// <summary>
    /// An entry of a callee's Hessian (over a gradient that reads the callee's gradient): its directional derivative
    /// along the arguments' tangents, Σₘ ∂³U/∂pᵣ∂p꜀∂pₘ · dpₘ, which the callee's <c>MHessianWithDerivative</c> computes
    /// (ThirdOrder = true; SecondOrder reports a callee without it before this runs).
    /// </summary>
    private Expr TangentOfHessianEntry(HessianEntry entry)
    {
        var tangents = entry.Arguments.Select(argument => Tangent(argument, isRoot: false)).ToList();
        if (tangents.All(IsZero))
        {
            return Constant.Zero;
        }

        var differentiated = entry.Hessian.Differentiated;
        if (entry.Hessian.TangentMethod is null || tangents.Where((tangent, i) => !IsZero(tangent) && (i >= differentiated.Count || !differentiated[i])).Any())
        {
            _unsupported = true; // no third derivatives generated, or an argument the callee does not differentiate varies
            return Constant.Zero;
        }

        return new HessianEntryTangent(entry.Hessian, entry.Arguments, tangents.ToEquatableArray(), entry.Row, entry.Column);
    }

    // ---- activity ----


    private IEnumerable<VectorCall> VectorCalls(EquatableArray<Statement> statements)
    {
        foreach (var statement in statements)
        {
            var nested = statement switch
            {
                // A value whose tangent nothing needs (over a gradient: the loss itself) calls no product, so needs no scratch.
                DeclareReal real when !_active.Contains(real.Name) => Enumerable.Empty<VectorCall>(),
                AssignReal assign when !_active.Contains(TargetName(assign.Target)) => Enumerable.Empty<VectorCall>(),
                ForLoop loop => VectorCalls(loop.Body),
                IfStatement guarded => VectorCalls(guarded.Then),
                CallWithOutputs => Enumerable.Empty<VectorCall>(), // differentiated by the helper's own forward mode
                CallStatement { Call: VectorCall { Function.IsProductCall: true } } => Enumerable.Empty<VectorCall>(), // by the product's tangent method
                CallStatement { Call: VectorCall { Function.IsHelperProductCall: true } } => Enumerable.Empty<VectorCall>(), // by the helper's weighted Hessian-vector product
                _ => StatementFacts.Expressions(statement).SelectMany(Nodes).OfType<VectorCall>().Where(call => !call.Function.IsProductCall), // a product's by its tangent method
            };
            foreach (var call in nested)
            {
                yield return call;
            }
        }
    }

    /// <summary>
    /// The real scalars and vectors whose values an expression's value depends on smoothly: not what only
    /// conditions, indices or piecewise-constant functions read.
    /// </summary>
    private IEnumerable<string> DataReads(Expr expression)
    {
        var names = new List<string>();
        AddDataReads(expression, names);
        return names;
    }

    /// <summary>Adds the <see cref="DataReads"/> of <paramref name="expression"/> to <paramref name="names"/>: one walk, no iterator per node.</summary>
    private void AddDataReads(Expr expression, List<string> names)
    {
        switch (expression)
        {
            case Variable variable when _index.Reals.Contains(variable.Name):
                names.Add(variable.Name);
                break;
            case Element element when _index.Vectors.Contains(element.Vector):
                names.Add(element.Vector);
                break;
            case VectorArgument vector when _index.Vectors.Contains(vector.Vector):
                names.Add(vector.Vector);
                break;
            case Conditional conditional:
                AddDataReads(conditional.WhenTrue, names);
                AddDataReads(conditional.WhenFalse, names);
                break;
            case Comparison or Logical or Not or IntegerValue or Element or Variable or Call { Function.HasZeroDerivative: true }:
                break;
            default:
                for (int i = 0, count = ExpressionFacts.ChildCount(expression); i < count; i++)
                {
                    AddDataReads(ExpressionFacts.Child(expression, i), names);
                }

                break;
        }
    }

    // ---- names and small helpers ----

    private string NewTangent(string name)
    {
        string tangent = _names.Fresh(GeneratedNames.Tangent(name.TrimStart('@')));
        _tangents[name] = tangent;
        return tangent;
    }

    /// <summary>
    /// The tangent of the buffer <paramref name="name"/> (a local buffer, or the adjoint of one in a gradient program),
    /// as long as <paramref name="shapedLike"/>, zeroed, released at the end: declared into <paramref name="output"/>.
    /// </summary>
    private void DeclareTangentBuffer(string name, string shapedLike, List<Statement> output)
    {
        string tangent = FreshBufferName(GeneratedNames.Tangent(name));
        _tangents[name] = tangent;
        output.Add(new DeclareAdjointBuffer(tangent, GeneratedNames.AdjointStorage(tangent), shapedLike, StackBound)
        {
            Comment = Comment.Of($"the tangent of {name}, zeroed: on the stack up to {StackBound} elements, pooled above"),
        });
        _releases.Add(new Release(GeneratedNames.AdjointStorage(tangent), IsAdjointBuffer: true));
    }

    /// <summary>A name for a span whose storage the printer names <c>nameStorage</c>: both must be free.</summary>
    private string FreshBufferName(string wanted)
    {
        string name = _names.Fresh(wanted);
        while (_reserved.Contains(name + "Storage"))
        {
            name = _names.Fresh(wanted);
        }

        _names.Reserve(name + "Storage");
        return name;
    }

    private Statement DeclarePartials(string vector)
    {
        string name = FreshBufferName(GeneratedNames.VectorPartials(vector.TrimStart('@')));
        _partials[vector] = name;
        _releases.Add(new Release(GeneratedNames.AdjointStorage(name), IsAdjointBuffer: true));
        return new DeclareAdjointBuffer(name, GeneratedNames.AdjointStorage(name), vector, StackBound)
        {
            Comment = Comment.Of($"∂f/∂{vector} of a function f over {vector}, from its vector-Jacobian product: on the stack up to {StackBound} elements, pooled above"),
        };
    }

    private bool IsActiveVector(string vector) => _active.Contains(vector) && _tangents.ContainsKey(vector);

    /// <summary><c>dz = ∂z/∂x · dx + ∂z/∂w · dw</c>, over the varying values the right-hand side reads.</summary>
    private Comment ChainComment(Expr target, Expr value)
    {
        if (value is SavedPop)
        {
            return SavedTangentComment(target);
        }

        var inputs = new List<Expr>();
        AddLeaves(value, inputs);
        if (inputs.Count == 0)
        {
            return Comment.Of(target, " is a constant here");
        }

        var parts = new List<object> { "d", target, " = " };
        for (int i = 0; i < inputs.Count; i++)
        {
            parts.AddRange(new object[] { i == 0 ? "∂" : " + ∂", target, "/∂", inputs[i], " · d", inputs[i] });
        }

        return Comment.Of(parts.ToArray());
    }

    /// <summary>
    /// Adds the varying scalars and elements <paramref name="expression"/> reads smoothly to <paramref name="leaves"/>, left
    /// to right, each once (its first reading): into one list, not an iterator per node and a set to drop repeats.
    /// </summary>
    private void AddLeaves(Expr expression, List<Expr> leaves)
    {
        switch (expression)
        {
            case Variable variable when _active.Contains(variable.Name) && _tangents.ContainsKey(variable.Name):
                AddOnce(variable, leaves);
                break;
            case Element element when IsActiveVector(element.Vector):
                AddOnce(element, leaves);
                break;
            case CalleeValue callee:
                AddLeaves(callee.Call, leaves);
                break;
            case Conditional conditional:
                AddLeaves(conditional.WhenTrue, leaves);
                AddLeaves(conditional.WhenFalse, leaves);
                break;
            case Comparison or Logical or Not or IntegerValue or Element or Variable or Call { Function.HasZeroDerivative: true }:
                break;
            default:
                for (int i = 0, count = ExpressionFacts.ChildCount(expression); i < count; i++)
                {
                    AddLeaves(ExpressionFacts.Child(expression, i), leaves);
                }

                break;
        }

        static void AddOnce(Expr leaf, List<Expr> leaves)
        {
            if (!leaves.Contains(leaf))
            {
                leaves.Add(leaf);
            }
        }
    }

    /// <summary>Whether <paramref name="node"/> reads the statement's target: the variable, or any element of the target's vector.</summary>
    private static bool IsTarget(Expr node, Expr target) => target switch
    {
        Variable variable => node is Variable read && read.Name == variable.Name,
        Element element => node is Element read && read.Vector == element.Vector || node is VectorArgument whole && whole.Vector == element.Vector,
        _ => false,
    };

    private static bool Mentions(Expr expression, System.Func<Expr, bool> predicate) => ExpressionFacts.Mentions(expression, predicate);

    private static IEnumerable<Expr> Nodes(Expr expression) => ExpressionFacts.Nodes(expression);

    private static bool IsZero(Expr expression) => expression is Constant { IsZero: true };

    private static string TargetName(Expr target) => StatementFacts.TargetName(target);

    private static CommentLine Note(string text) => new() { Comment = Comment.Of(text) };
}
