using System.Collections.Generic;
using System.Linq;
using System.Threading;
using SymbolicDiff.Generator.Analysis;
using SymbolicDiff.Generator.Diagnostics;
using SymbolicDiff.Generator.Model;
using static SymbolicDiff.Generator.Differentiation.Simplifier;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// Reverse mode for methods with loops and vectors, by source transformation. The forward sweep is the
/// user's code; the backward sweep visits the statements in reverse, running each loop again backwards,
/// and for each <c>t = f(u₁, u₂, …)</c> adds <c>adj(uᵢ) += adj(t) · ∂f/∂uᵢ</c>.
/// <para>
/// No tape is kept where none is needed: a value is saved only when the backward sweep reads it (in a
/// partial derivative) at a point where the forward sweep has since overwritten it. So a reduction
/// (<c>sum += w[i] * x[i]</c>) needs nothing saved, and its adjoint is a second loop; a running maximum
/// saves its earlier values, because Max's derivative compares them. Saved values go on a stack
/// (<c>SavedValues</c>) that lives on the call stack under a size bound and in pooled arrays above it.
/// </para>
/// </summary>
internal sealed partial class LoopDifferentiator
{
    private const string ValuePlaceholder = "\u0001value";
    private const int StackBound = 128;

    private readonly MethodModel _method;
    private readonly CancellationToken _cancellationToken;
    private readonly NameAllocator _names;
    private readonly string _real;
    private readonly bool _single;

    private readonly ProgramIndex _index;
    private HashSet<string> _active = new();
    private readonly List<SymbolicDerivative.MissingPartial> _missing = new();

    // Every statement gets its position in program order; loops know the range of positions they contain.
    private readonly Dictionary<Statement, StatementPartials> _partials = new(ReferenceComparer<Statement>.Instance);

    private ToBeRecordedAnalysis.Decision _recorded = new(new HashSet<string>(), new Dictionary<ForLoop, List<string>>());
    private readonly Dictionary<string, string> _adjoints = new();
    private readonly Dictionary<string, string> _storages = new();
    private HashSet<string> _contributed = new();
    private string _returned = string.Empty;
    private int _resultWrites;

    private LoopDifferentiator(MethodModel method, CancellationToken cancellationToken)
    {
        _method = method;
        _cancellationToken = cancellationToken;
        _real = method.RealType;
        _single = method.IsSingle;
        var reserved = new HashSet<string>(method.Parameters.Select(p => p.Name)) { method.MethodName };
        reserved.UnionWith(StatementFacts.DeclaredNames(method.Statements));
        foreach (var parameter in method.Parameters.Where(p => p.IsDifferentiated))
        {
            reserved.Add(OutputName(parameter));
        }

        _names = new NameAllocator(reserved);
        SavedStack = _names.Fresh(GeneratedNames.SavedStack);
        _index = ProgramIndex.Build(method);
    }

    private HashSet<string> Taped => _recorded.SavedBeforeOverwrite;

    private Dictionary<ForLoop, List<string>> SavedAtEnd => _recorded.SavedAtEndOfIteration;

    /// <summary>The stack of saved values: <c>saved</c>, unless the method has a local of that name.</summary>
    private string SavedStack { get; }

    /// <summary>The name of the generated output for a differentiated parameter: <c>dWeights</c>, <c>dBias</c>.</summary>
    public static string OutputName(ParameterModel parameter) => parameter.Output;

    public static (GradientProgram? Program, IReadOnlyList<DiagnosticInfo> Diagnostics) Differentiate(MethodModel method, CancellationToken cancellationToken = default)
    {
        var differentiator = new LoopDifferentiator(method, cancellationToken);

        // A buffer rewritten in full several times in an iteration, one buffer per rewrite, where that lets a loop be
        // checkpointed (LoopDifferentiator.Renaming.cs); else the method as written.
        if (differentiator.RenameRewrittenBuffers() is { } renaming)
        {
            var (renamed, renamedBody) = RunRetryingReplays(new LoopDifferentiator(renaming.Method, cancellationToken));
            if (renamed._checkpoints.Count > 0)
            {
                return Finish(method, renamed, renamed.DeclareRenamedAsScratch(StoreOnce(renaming.Method, renamedBody), renaming.Renamed));
            }
        }

        var (built, body) = RunRetryingReplays(differentiator);
        return Finish(method, built, StoreOnce(method, body));
    }

    /// <summary>
    /// Runs <paramref name="differentiator"/>; where a replayed local's loops could not run forwards, runs a fresh one
    /// without it (LoopDifferentiator.Replays.cs), until none fails.
    /// </summary>
    private static (LoopDifferentiator Differentiator, List<Statement> Body) RunRetryingReplays(LoopDifferentiator differentiator)
    {
        var built = differentiator.Run();
        while (differentiator._replaysFailed.Count > 0)
        {
            var refused = differentiator._replaysRefused.Concat(differentiator._replaysFailed).ToList();
            differentiator = new LoopDifferentiator(differentiator._method, differentiator._cancellationToken);
            differentiator._replaysRefused.UnionWith(refused);
            built = differentiator.Run();
        }

        return (differentiator, built);
    }

    private static (GradientProgram? Program, IReadOnlyList<DiagnosticInfo> Diagnostics) Finish(MethodModel method, LoopDifferentiator differentiator, List<Statement> body)
    {
        var diagnostics = SymbolicDerivative.MissingPartial.Diagnostics(differentiator._missing);
        if (diagnostics.Count > 0)
        {
            return (null, diagnostics);
        }

        // A parameter whose adjoint nothing contributes to does not reach the result: its gradient is 0 (SD0017).
        var gradient = method.Parameters
            .Where(p => p.IsDifferentiated)
            .Select(p => new GradientEntry(
                p.Name,
                GeneratedNames.Property(p.Name),
                differentiator._contributed.Contains(p.Name) ? new Variable(OutputName(p)) : Constant.Zero))
            .ToEquatableArray();
        // (Runs under one recorded branch are put under one if for every program, in DifferentiationPipeline: BranchBlocks.)
        var program = new GradientProgram(method, body.ToEquatableArray(), gradient, differentiator._returned) { WritesOutputs = true };
        return (program, diagnostics);
    }

    /// <summary>A chain-rule comment for a first (or only) write: "∂y/∂x = …" where an added contribution says "+=".</summary>
    private static Comment Assigning(Comment chain) =>
        new(chain.Parts.Select(part => part is CommentText { Text: " += " } ? new CommentText(" = ") : part).ToEquatableArray());

    /// <summary>
    /// The exclusive upper bound of a loop that visits every i from 0 below it once: <c>for (i = 0; i &lt; n; i++)</c>,
    /// or the backward sweep's <c>for (i = n - 1; i &gt;= 0; i--)</c>; else null.
    /// </summary>
    private static Expr? UpperBoundFromZero(ForLoop loop)
    {
        if (!loop.Descending)
        {
            return loop.From is Constant { IsZero: true } ? loop.To : null;
        }

        // Reversed writes the bounds of for (i = 0; i < n; i++) as from n − 1 down past 0 − 1: read them back the same way.
        bool downToZero = loop.To is Constant { Value: -1 } || ForLoop.InclusiveBound(loop.To, BinaryOperator.Subtract) is Constant { IsZero: true };
        return !downToZero ? null : ForLoop.InclusiveBound(loop.From, BinaryOperator.Subtract) ?? new Binary(BinaryOperator.Add, loop.From, Constant.One);
    }

    private List<Statement> Run()
    {
        foreach (var parameter in _method.Parameters.Where(p => p.IsDifferentiated))
        {
            // A vector's adjoint is its output span; a scalar's is a local, copied into its output at the very end,
            // so that an output aliasing an input (out x[0]) cannot change what the sweeps read.
            _adjoints[parameter.Name] = parameter.IsVector ? OutputName(parameter) : _names.Fresh(GeneratedNames.Adjoint(_method.Result, SafeName(parameter.Name)));
        }

        foreach (var statement in _index.Statements)
        {
            if (statement is AssignReal { Target: Variable { Name: var name } } && name == _method.Result || statement is DeclareReal { Name: var declared } && declared == _method.Result)
            {
                _resultWrites += _index.Enclosing(statement).Count > 0 ? 2 : 1;
            }
        }

        // Activity: what depends on a differentiated parameter, then the local partials of those statements,
        // then which adjoints the result reaches through them, then what the forward sweep must save. A value is
        // read as its partials will be, simplified: a branch under a constant condition (0.75 < 0 ? x[0] : 3.0) is
        // not read, as its partial (0) is dropped, else the target would be varied with no input to pass its adjoint
        // to, and the adjoint declared and never used (CS0219).
        _active = ActivityAnalysis.Varied(
            _method.Parameters.Where(p => p.IsDifferentiated).Select(p => p.Name),
            StatementFacts.Writes(_method.Statements).Select(w => new DataFlow(w.Target, DataReads(Simplify(w.Value)).ToList())).ToList(),
            _cancellationToken);
        DerivePartials(_method.Statements);
        _contributed = ActivityAnalysis.Useful(_method.Result, _partials.Values.Select(ContributionFlow).Concat(OutputCallFlows()).ToList(), _cancellationToken);
        var original = new Dictionary<Statement, StatementPartials>(_partials, ReferenceComparer<Statement>.Instance);
        FindSelections();
        var reads = RecordedReads();
        _recorded = ToBeRecordedAnalysis.Decide(_index, reads);
        while (DropTapedSelections(original))
        {
            reads = RecordedReads();
            _recorded = ToBeRecordedAnalysis.Decide(_index, reads);
        }

        KeepSelectedIterationsLocal();
        RecomputeIntegerBranches();
        FindReplays(reads);

        SaveIntegersStepsChange(reads.Where(read => !_replays.ContainsKey(read.Name)));
        var fusion = FindFusion();
        FindCheckpoints(fusion?.Loop);
        PlanKeptCalls(fusion);
        RecomputeCheapLocals();
        if (fusion is not null)
        {
            RefuseReplaysAcross(fusion.Loop);
            return RunFused(fusion);
        }

        FindUnsavedWrites(); // writes whose old value nothing reads backwards: nothing saved, nothing restored
        FindFirstWrites(); // an element's first write: nothing saved, its declared 0 restored
        var forward = Forward(_method.Statements);
        _returned = _method.Result;
        if (Taped.Contains(_method.Result) || CheckpointsResult)
        {
            _returned = _names.Fresh(SafeName(_method.Result) + "Value");
            forward.Add(new DeclareReal(_returned, new Variable(_method.Result)) { Comment = Comment.Of($"kept: the backward sweep restores {_method.Result}'s earlier values") });
        }

        var backward = BackwardBlock(_method.Statements);
        var topScalars = TopLevelScalarAdjoints();
        var body = new List<Statement>();
        AddPrologue(body);
        body.Add(Note("Forward sweep: the method's own computation."));
        body.AddRange(forward);
        body.Add(new CommentLine());
        body.Add(Note(_index.Statements.Any(statement => statement is ForLoop)
            ? "Backward sweep: the chain rule, from the result back to the parameters, running each loop in reverse."
            : "Backward sweep: the chain rule, from the result back to the parameters."));
        AddBackwardSweep(body, backward, topScalars);
        return WithoutUnusedSavedStack(body); // first writes may leave nothing to save
    }

    /// <summary>The reals outside every loop that have an adjoint so far (the result's seed apart, where it is written more than once).</summary>
    private List<string> TopLevelScalarAdjoints() => _adjoints.Keys
        .Where(n => _index.Reals.Contains(n) && _index.TryGetScope(n, out var loop) && loop is null && !(n == _method.Result && _resultWrites != 1))
        .ToList();

    /// <summary>
    /// The backward sweep's prologue, the result's seed where it is written more than once, <paramref name="backward"/>
    /// with its adjoints declared, and the epilogue: the end of the gradient's body in either order of the sweeps.
    /// </summary>
    private void AddBackwardSweep(List<Statement> body, List<BackwardLine> backward, IEnumerable<string> topScalars)
    {
        int sweepStart = body.Count;
        body.AddRange(BackwardPrologue());
        if (_resultWrites != 1 && _adjoints.TryGetValue(_method.Result, out var seed))
        {
            body.Add(new DeclareReal(seed, Constant.One) { Comment = Comment.Of($"∂{_method.Result}/∂{_method.Result} = 1: the seed of the backward sweep") });
        }

        var adjoints = DeclareAdjointStatements(backward, topScalars.Concat(_method.Parameters.Where(p => p.IsDifferentiated && !p.IsVector).Select(p => p.Name)).ToList());
        body.AddRange(adjoints);
        var restored = OutputsTheBackwardSweepRestores(adjoints);
        body.InsertRange(sweepStart, KeepFinalOutputs(restored));
        body.AddRange(WriteBackFinalOutputs(restored));
        AddEpilogue(body, new HashSet<string>(StatementFacts.DeclaredNames(adjoints)));
    }

    // ---- analysis ----


    private static string TargetName(Expr target) => StatementFacts.TargetName(target);

    /// <summary>The real scalars and vectors an expression reads (not the integers inside indices).</summary>
    private IEnumerable<string> Reads(Expr expression)
    {
        switch (expression)
        {
            case Variable variable when _index.Reals.Contains(variable.Name) || _index.Bools.Contains(variable.Name) || variable.Name == ValuePlaceholder:
                yield return variable.Name;
                break;
            case Element element when _index.Vectors.Contains(element.Vector):
                yield return element.Vector;
                break;
            case VectorArgument vector when _index.Vectors.Contains(vector.Vector):
                yield return vector.Vector;
                break;
            case IntegerValue or Element:
                break;
            default:
                foreach (var child in ExpressionFacts.Children(expression))
                {
                    foreach (var name in Reads(child))
                    {
                        yield return name;
                    }
                }

                break;
        }
    }

    /// <summary>
    /// The names whose values an expression's value depends on smoothly: <see cref="Reads"/> less what only
    /// conditions read (a count of positive elements depends on no parameter differentiably).
    /// </summary>
    private IEnumerable<string> DataReads(Expr expression) => expression switch
    {
        Conditional conditional => DataReads(conditional.WhenTrue).Concat(DataReads(conditional.WhenFalse)),
        Comparison or Logical or Not => Enumerable.Empty<string>(),
        Call { Function.HasZeroDerivative: true } => Enumerable.Empty<string>(),
        _ when ExpressionFacts.Children(expression).Count == 0 || expression is Element or VectorArgument or IntegerValue => Reads(expression),
        _ => ExpressionFacts.Children(expression).SelectMany(DataReads),
    };

    /// <summary>The local partial derivatives of one statement, with respect to each active input it reads.</summary>
    private sealed class StatementPartials
    {
        public Expr Target = null!;
        public Expr Value = null!;
        public readonly List<(Expr Input, Expr Partial)> Inputs = new();
        public Expr? SelfPartial;
        public bool ReadsSelf;
        public bool UsesValue;
        public readonly HashSet<string> PreReads = new();

        /// <summary>For a call of a function over vectors: each active vector argument and the method of its vector-Jacobian product.</summary>
        public readonly List<(VectorArgument Vector, string Product)> VectorProducts = new();
    }

    private void DerivePartials(EquatableArray<Statement> statements)
    {
        foreach (var statement in statements)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            switch (statement)
            {
                case DeclareReal real when _active.Contains(real.Name):
                    _partials[statement] = Partials(new Variable(real.Name), real.Value);
                    break;
                case AssignReal assign when _active.Contains(TargetName(assign.Target)):
                    _partials[statement] = Partials(assign.Target, assign.Value);
                    break;
                case ForLoop loop:
                    DerivePartials(loop.Body);
                    break;
                case CallWithOutputs call:
                    CheckOutputCallPartials(call);
                    break;
            }
        }
    }

    private StatementPartials Partials(Expr target, Expr value)
    {
        if (value is VectorCall call)
        {
            return VectorCallPartials(target, call);
        }

        // Elements become placeholder variables, so that the scalar rules differentiate with respect to them.
        var leaves = new List<Expr>();
        var placeholders = new Dictionary<string, Expr>();
        Expr Leaf(Expr leaf)
        {
            int index = leaves.IndexOf(leaf);
            if (index < 0)
            {
                leaves.Add(leaf);
                index = leaves.Count - 1;
            }

            string name = "\u0001leaf" + index;
            placeholders[name] = leaf;
            return new Variable(name);
        }

        var rewritten = ExpressionFacts.Rewrite(value, e => e switch
        {
            Element element when _index.Vectors.Contains(element.Vector) => Leaf(element),
            Variable variable when _index.Reals.Contains(variable.Name) => Leaf(variable),
            IntegerValue or Element => e,
            _ => null,
        });

        var result = new StatementPartials { Target = target, Value = value };
        Expr Restore(Expr e) => ExpressionFacts.Rewrite(e, node => node is Variable v && placeholders.TryGetValue(v.Name, out var original) ? original : null);

        for (int i = 0; i < leaves.Count; i++)
        {
            var leaf = leaves[i];
            string leafName = leaf is Element element ? element.Vector : ((Variable)leaf).Name;
            if (!_active.Contains(leafName))
            {
                continue;
            }

            var partial = Restore(SymbolicDerivative.Of(rewritten, "\u0001leaf" + i, ValuePlaceholder, _missing));
            if (partial is Constant { IsZero: true })
            {
                continue;
            }

            var reads = Reads(partial).ToList();
            result.UsesValue |= reads.Contains(ValuePlaceholder);
            result.PreReads.UnionWith(reads.Where(r => r != ValuePlaceholder));
            if (leaf.Equals(target))
            {
                result.ReadsSelf = true;
                result.SelfPartial = partial;
            }
            else
            {
                result.Inputs.Add((leaf, partial));
            }
        }

        result.ReadsSelf |= leaves.Contains(target);
        result.SelfPartial ??= result.ReadsSelf ? Constant.Zero : null;
        return result;
    }

    /// <summary>
    /// A function over vectors contributes through its declared vector-Jacobian products, one call per active
    /// vector argument; its arguments are read again in the backward sweep, so they count as reads.
    /// </summary>
    private StatementPartials VectorCallPartials(Expr target, VectorCall call)
    {
        var result = new StatementPartials { Target = target, Value = call };
        result.PreReads.UnionWith(Reads(call));
        for (int i = 0; i < call.Arguments.Count; i++)
        {
            var reads = Reads(call.Arguments[i]).Where(_active.Contains).ToList();
            if (reads.Count == 0)
            {
                continue;
            }

            string parameter = i < call.Function.ParameterNames.Count ? call.Function.ParameterNames[i] : "#" + (i + 1);
            string? product = i < call.Function.Products.Count ? call.Function.Products[i] : null;
            if (call.Arguments[i] is VectorArgument vector && product is not null)
            {
                result.VectorProducts.Add((vector, product));
            }
            else if (call.Arguments[i] is not (VectorArgument or IntegerValue) && product is not null)
            {
                // A real argument: its product with seed 1 is the call's partial with respect to it, chained
                // through the argument's own partials.
                var partial = new VectorCall(call.Function with { QualifiedName = product }, call.Arguments.Concat(new[] { Constant.One }).ToEquatableArray());
                var argument = Partials(target, call.Arguments[i]);
                result.PreReads.UnionWith(argument.PreReads);
                foreach (var (input, inner) in argument.Inputs)
                {
                    result.Inputs.Add((input, Multiply(partial, inner)));
                }

                if (argument.ReadsSelf && argument.SelfPartial is { } self)
                {
                    result.ReadsSelf = true;
                    result.SelfPartial = result.SelfPartial is null ? Multiply(partial, self) : Add(result.SelfPartial, Multiply(partial, self));
                }
            }
            else
            {
                _missing.Add(new SymbolicDerivative.MissingPartial(call.Function.DisplayName, parameter, call.Location));
            }
        }

        return result;
    }

    /// <summary>
    /// What a statement passes its adjoint on to: the inputs with a non-zero partial and the vectors of its
    /// vector-Jacobian products. An adjoint the result never reaches this way is 0, and its statement is skipped
    /// in the backward sweep.
    /// </summary>
    private static DataFlow ContributionFlow(StatementPartials partials) =>
        new(TargetName(partials.Target), partials.Inputs.Select(input => TargetName(input.Input)).Concat(partials.VectorProducts.Select(product => product.Vector.Vector)).ToList());

    /// <summary>The names the backward sweep reads in the partials of the statements whose adjoint the result reaches.</summary>
    private List<ToBeRecordedAnalysis.Read> RecordedReads()
    {
        var reads = new List<ToBeRecordedAnalysis.Read>();
        foreach (var pair in _partials)
        {
            var partials = pair.Value;
            if (!_contributed.Contains(TargetName(partials.Target)))
            {
                continue;
            }

            // Besides what the partials read, the integers the statement indexes with (dX[k] += ...) are computed again.
            var integersRead = StatementFacts.Expressions(pair.Key).SelectMany(ExpressionFacts.Variables).Where(IsIntegerLocal).Concat(IntegerCodeReads(pair.Key));
            reads.AddRange(WithIntegerInputs(PreReadsOf(partials).Concat(integersRead)).Select(name => new ToBeRecordedAnalysis.Read(name, pair.Key, AfterWrite: false)));
            if (partials.UsesValue)
            {
                reads.Add(new ToBeRecordedAnalysis.Read(TargetName(partials.Target), pair.Key, AfterWrite: true));
            }
        }

        reads.AddRange(OutputCallReads());
        reads.AddRange(SelectionReads());
        reads.AddRange(StepUndoReads());

        // A loop without a counter runs back over the number of iterations it counted: its header reads the count.
        reads.AddRange(_index.Statements.OfType<ForLoop>()
            .Where(loop => loop.While is not null && loop.To is Variable)
            .Select(loop => new ToBeRecordedAnalysis.Read(((Variable)loop.To).Name, loop, AfterWrite: false)));
        return reads;
    }

    /// <summary>
    /// The names, and what the integers among them are computed from: the backward sweep computes an integer local
    /// again (k = branch ? i + 1 : i), so it reads what the integer reads, a branch's recorded bool included.
    /// </summary>
    private IEnumerable<string> WithIntegerInputs(IEnumerable<string> names)
    {
        _integerValues ??= _index.Statements.OfType<DeclareInteger>().GroupBy(d => d.Name).ToDictionary(g => g.Key, g => g.First().Value);
        var result = new List<string>();
        var seen = new HashSet<string>();
        var pending = new Stack<string>(names.Reverse());
        while (pending.Count > 0)
        {
            string name = pending.Pop();
            if (!seen.Add(name))
            {
                continue;
            }

            result.Add(name);
            if (_integerValues.TryGetValue(name, out var value))
            {
                foreach (string input in ExpressionFacts.Variables(value))
                {
                    pending.Push(input);
                }
            }
        }

        return result;
    }

    private Dictionary<string, Expr>? _integerValues;

    private bool IsIntegerLocal(string name)
    {
        _integerValues ??= _index.Statements.OfType<DeclareInteger>().GroupBy(d => d.Name).ToDictionary(g => g.Key, g => g.First().Value);
        return _integerValues.ContainsKey(name);
    }

    // ---- forward sweep ----

    /// <summary>The user's statements, with a push before each overwrite the backward sweep must undo.</summary>
    private List<Statement> Forward(EquatableArray<Statement> statements)
    {
        var output = new List<Statement>();
        var runs = GuardedRuns(statements);
        for (int at = 0; at < statements.Count; at++)
        {
            if (runs.FirstOrDefault(r => r.Start == at) is { } run)
            {
                output.Add(ForwardRun(run));
                at = run.End;
                continue;
            }

            var statement = statements[at];
            switch (statement)
            {
                case CallWithOutputs call:
                    output.AddRange(SaveOverwrittenOutputs(call));
                    output.Add(statement);
                    break;

                case AssignReal assign:
                    if (SavesBefore(statement, TargetName(assign.Target)) && !IsFirstWrite(assign))
                    {
                        output.Add(new SavePush(SavedStack, assign.Target)
                        {
                            Comment = Comment.Of("saved: the backward sweep reads the value ", Code(assign.Target), " has before this assignment"),
                        });
                    }

                    output.Add(statement);
                    break;

                case ForLoop selecting when _selections.TryGetValue(selecting, out var selection):
                    output.AddRange(ForwardSelection(selection));
                    break;

                case ForLoop checkpointed when _checkpoints.TryGetValue(checkpointed, out var checkpoint):
                    output.Add(ForwardCheckpointed(checkpointed, checkpoint));
                    break;

                case AssignInteger integer:
                    if (Taped.Contains(integer.Name))
                    {
                        output.Add(new SavePush(SavedStack, SavedValueOf(integer.Name))
                        {
                            Comment = Comment.Of($"saved: the backward sweep reads the value {integer.Name} has before this assignment"),
                        });
                    }

                    output.Add(statement);
                    break;

                case ForLoop loop:
                    var body = Forward(loop.Body);
                    if (SavedAtEnd.TryGetValue(loop, out var saved))
                    {
                        foreach (string name in saved)
                        {
                            body.Add(new SavePush(SavedStack, SavedValueOf(name))
                            {
                                Comment = Comment.Of($"saved: {name} is declared in this loop, and the backward loop reads its final value in each iteration"),
                            });
                        }
                    }

                    body = KeepCalls(loop, body, output);
                    output.Add(loop with { Body = body.ToEquatableArray() });
                    break;

                default:
                    output.Add(statement);
                    break;
            }
        }

        return output;
    }

    // ---- backward sweep ----

    /// <summary>
    /// A backward statement, with the adjoints it mentions, so that declarations can be placed afterwards. A
    /// contribution (<see cref="Contributes"/> set) becomes <c>adj = c</c>, <c>adj += c</c> or <c>adj -= c</c> once
    /// it is known whether it is the adjoint's first.
    /// </summary>
    private sealed record BackwardLine(Statement? Statement, Expr? ContributesTo = null, Expr? Contribution = null, Comment? ChainComment = null)
    {
        /// <summary>The scalar adjoint this line contributes to, or null (a vector element's adjoint is never declared here).</summary>
        public string? Contributes => ContributesTo is Variable variable ? variable.Name : null;

        public HashSet<string> Mentions { get; } = new();
    }

    private List<BackwardLine> BackwardBlock(EquatableArray<Statement> statements)
    {
        var output = new List<BackwardLine>();
        var runs = GuardedRuns(statements);
        for (int i = statements.Count - 1; i >= 0; i--)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (runs.FirstOrDefault(r => r.End == i) is { } run)
            {
                if (BackwardRun(run) is { } line)
                {
                    output.Add(line);
                }

                i = run.Start;
                continue;
            }

            output.AddRange(ReplayedDeclarations(statements[i]));
            switch (statements[i])
            {
                case ForLoop selecting when _selections.TryGetValue(selecting, out var selection):
                    BackwardSelection(selection, output);
                    break;

                case ForLoop checkpointed when _checkpoints.TryGetValue(checkpointed, out var checkpoint):
                    BackwardCheckpointed(checkpointed, checkpoint, output);
                    break;

                case ForLoop loop:
                    BackwardLoop(loop, output);
                    break;

                case DeclareReal real:
                    BackwardAssignment(statements[i], new Variable(real.Name), isDeclaration: true, output);
                    break;

                case AssignReal assign:
                    BackwardAssignment(statements[i], assign.Target, isDeclaration: false, output);
                    break;

                case CallWithOutputs call:
                    BackwardOutputCall(call, output);
                    break;

                case StepInteger step:
                    // Undone where the backward sweep meets it: before it, the index is what it was before the step.
                    output.Add(new BackwardLine(step with { Subtract = !step.Subtract, Comment = Comment.Of("undoes ", step) }));
                    break;

                case AssignInteger integer when Taped.Contains(integer.Name):
                    output.Add(new BackwardLine(RestoredBeforeAssignment(integer)));
                    break;
            }
        }

        return output;
    }

    private void BackwardLoop(ForLoop loop, List<BackwardLine> output)
    {
        var body = new List<Statement>();

        // Values saved at the end of each forward iteration come back first, in reverse order.
        if (SavedAtEnd.TryGetValue(loop, out var saved))
        {
            for (int i = saved.Count - 1; i >= 0; i--)
            {
                body.Add(RestoredAtEnd(saved[i]));
            }
        }

        // A loop without a counter: its count is read once, by the backward loop's header, so its step is not undone.
        var inner = BackwardBlock(loop.While is null ? loop.Body : loop.Body.Take(loop.Body.Count - 1).ToEquatableArray());
        var localAdjoints = _adjoints.Keys.Where(n => _index.TryGetScope(n, out var scope) && ReferenceEquals(scope, loop)).ToList();
        var declared = WithReplays(loop, DeclareAdjointStatements(inner, localAdjoints));

        // Integer locals of the body (strides, rows) are computed again: they depend only on counters.
        var mentioned = new HashSet<string>(declared.SelectMany(StatementFacts.Names));
        // So are the branches recorded from integer code only (RecomputeIntegerBranches), in program order with them.
        var integers = loop.Body
            .Where(statement => statement is DeclareInteger || statement is DeclareBool { Name: var branch } && _recomputedBranches.Contains(branch) || IsRecomputedLocal(statement))
            .Where(statement => (saved is null || !saved.Contains(StatementFacts.DeclaredName(statement)!)) && !_replays.ContainsKey(StatementFacts.DeclaredName(statement)!))
            .Select(AsComputedAgain)
            .ToList();
        var needed = new List<Statement>();
        for (int i = integers.Count - 1; i >= 0; i--)
        {
            if (mentioned.Contains(StatementFacts.DeclaredName(integers[i])!))
            {
                needed.Insert(0, integers[i]);
                mentioned.UnionWith(StatementFacts.Expressions(integers[i]).SelectMany(ExpressionFacts.Variables));
            }
        }

        if (declared.Count == 0 && body.Count == 0)
        {
            return;
        }

        // The restored values first: an integer computed again may read a branch's recorded bool among them.
        var statements = body.Concat(needed).Concat(declared).ToList();
        var reversed = BackwardLoopHeader(loop, statements) with { Body = statements.ToEquatableArray() };
        var line = new BackwardLine(reversed);
        line.Mentions.UnionWith(inner.SelectMany(l => l.Mentions));
        output.Add(line);
    }

    /// <summary>The same iterations in the opposite order.</summary>
    private static ForLoop Reversed(ForLoop loop)
    {
        if (loop.Descending)
        {
            // for (i = from; i > to; i--) runs back as for (i = to + 1; i <= from; i++).
            var lowest = ForLoop.InclusiveBound(loop.To, BinaryOperator.Subtract) ?? new Binary(BinaryOperator.Add, loop.To, Constant.One);
            return new ForLoop(loop.Counter, loop.CounterType, lowest, new Binary(BinaryOperator.Add, loop.From, Constant.One), EquatableArray<Statement>.Empty);
        }

        // for (i = from; i < to; i++) runs back as for (i = to - 1; i >= from; i--).
        var highest = ForLoop.InclusiveBound(loop.To, BinaryOperator.Add) ?? new Binary(BinaryOperator.Subtract, loop.To, Constant.One);
        return new ForLoop(loop.Counter, loop.CounterType, highest, new Binary(BinaryOperator.Subtract, loop.From, Constant.One), EquatableArray<Statement>.Empty, Descending: true)
        {
            ReversedFrom = new ForLoop(loop.Counter, loop.CounterType, loop.From, loop.To, EquatableArray<Statement>.Empty),
        };
    }

    private void BackwardAssignment(Statement statement, Expr target, bool isDeclaration, List<BackwardLine> output)
    {
        string targetName = TargetName(target);
        bool taped = !isDeclaration && SavesBefore(statement, targetName);
        _partials.TryGetValue(statement, out var partials);
        bool contributes = partials is not null && _contributed.Contains(targetName);
        if (!contributes && !taped || !taped && OnlyClearsADeadAdjoint(statement, partials))
        {
            return;
        }

        int commentAt = output.Count;
        output.Add(new BackwardLine(new CommentLine { Comment = Comment.Of(statement) }));
        BackwardAssignmentBody(partials, target, isDeclaration, taped, contributes, output, statement is AssignReal assign && IsFirstWrite(assign) ? assign : null);
        if (output.Count == commentAt + 1)
        {
            output.RemoveAt(commentAt);
        }
    }

    private void BackwardAssignmentBody(StatementPartials? partials, Expr target, bool isDeclaration, bool taped, bool contributes, List<BackwardLine> output, AssignReal? firstWrite = null)
    {
        string targetName = TargetName(target);
        Variable? valueName = null;
        if (taped)
        {
            if (contributes && partials!.UsesValue)
            {
                valueName = new Variable(_names.Fresh(SafeName(targetName) + "Value"));
                output.Add(new BackwardLine(new DeclareReal(valueName.Name, target) { Comment = Comment.Of("the value this assignment gave ", Code(target)) }));
            }

            output.Add(new BackwardLine(firstWrite is null
                ? new UpdateReal(target, UpdateOperator.Set, new SavedPop(SavedStack)) { Comment = Comment.Of(Code(target), " as it was before this assignment") }
                : RestoredZero(firstWrite)));
        }

        if (!contributes || partials is null)
        {
            return;
        }

        Expr valueExpr = valueName ?? target;
        var adjointOfTarget = AdjointOf(target);

        // h[i] = f(h[j], ...): where i and j meet, the element's own adjoint must be taken before anything is
        // added to the element it read, so take it into a local and settle the element's adjoint first.
        bool readsOwnBuffer = target is Element written && partials.Inputs.Any(input => input.Input is Element read && read.Vector == written.Vector);
        if (readsOwnBuffer)
        {
            var taken = new Variable(_names.Fresh(AdjointName(TargetName(target)) + "Element"));
            var line = new BackwardLine(new DeclareReal(taken.Name, AdjointOf(target))
            {
                Comment = Comment.Of($"∂{_method.Result}/∂", target, ", taken before ", target, "'s own inputs get theirs"),
            });
            output.Add(line);
            AddSelfUpdate(output, partials, target, valueExpr, isDeclaration, taken);
            adjointOfTarget = taken;
        }

        // Another [Differentiable] method's partials come from its generated gradient, called once here.
        Call? calleeGradient = null;
        Variable? calleeGradientName = null;
        if (partials!.Value is Call { Function.IsDifferentiableCallee: true } callee && partials.Inputs.Count > 0)
        {
            calleeGradient = new Call(Function.Plain(callee.Function.GradientMethod!, GeneratedNames.GradientMethod(callee.Function.DisplayName)), callee.Arguments);
            calleeGradientName = new Variable(_names.Fresh(GeneratedNames.CalleeGradient(callee.Function.DisplayName)));
            output.Add(new BackwardLine(new DeclareVar(calleeGradientName.Name, calleeGradient) { Comment = Comment.Of($"the gradient of {callee.Function.DisplayName} at the same arguments") }));
        }

        int sharedFrom = output.Count;
        var resolvedPartials = SharePartialCalls(partials.Inputs.Select(input => Resolve(input.Partial, valueExpr, calleeGradient, calleeGradientName)).ToList(), output);
        resolvedPartials = ReadKeptCalls(partials, resolvedPartials, output, sharedFrom);
        for (int inputIndex = 0; inputIndex < partials.Inputs.Count; inputIndex++)
        {
            var input = partials.Inputs[inputIndex].Input;
            if (IsSeed(input))
            {
                // A statement that reads the result after its only write (v0 += v1 after double v1 = v0, with v1 returned)
                // cannot change it: its target's adjoint is 0, and the seed's is the constant 1, no variable to add into.
                // Dead-write removal drops such a statement when nothing reads its target; this is for one still read.
                continue;
            }

            var resolved = resolvedPartials[inputIndex];
            var adjoint = AdjointOf(input);
            var chain = IsSeed(target)
                ? Comment.Of($"∂{_method.Result}/∂", input)
                : Comment.Of($"∂{_method.Result}/∂", input, " += ", $"∂{_method.Result}/∂", target, " · ∂", target, "/∂", input);

            // An element read on one side of a conditional only (i == 0 ? x[i] : x[i - 1]) may not exist where
            // the other side was taken, so its contribution runs under the same condition, never evaluating its index.
            if (input is Element && Guard(resolved) is { } guard)
            {
                var guardedContribution = Multiply(adjointOfTarget, guard.Partial);
                Statement update = guardedContribution is Negate negatedContribution
                    ? new UpdateReal(adjoint, UpdateOperator.Subtract, negatedContribution.Operand) { Comment = chain }
                    : new UpdateReal(adjoint, UpdateOperator.Add, guardedContribution) { Comment = chain };
                var guardedLine = new BackwardLine(new IfStatement(guard.Condition, new[] { update }.ToEquatableArray()));
                guardedLine.Mentions.UnionWith(ExpressionFacts.Variables(guardedContribution).Concat(ExpressionFacts.Variables(guard.Condition)));
                output.Add(guardedLine);
                continue;
            }

            var contribution = Multiply(adjointOfTarget, resolved);
            var line = new BackwardLine(null, adjoint, contribution, chain);
            line.Mentions.Add(AdjointName(TargetName(input)));
            line.Mentions.UnionWith(ExpressionFacts.Variables(contribution));
            output.Add(line);
        }

        foreach (var (vector, product) in partials.VectorProducts)
        {
            var call = (VectorCall)partials.Value;
            // A slice's adjoint is the same view of the sliced vector's adjoint: dFeatures.Slice(xStart, d).
            string adjointSpan = AdjointName(vector.Vector);
            var adjointView = vector.Renamed(adjointSpan);
            var arguments = call.Arguments.Concat(new Expr[] { adjointOfTarget, adjointView }).ToEquatableArray();
            var line = new BackwardLine(new CallStatement(new VectorCall(call.Function with { QualifiedName = product }, arguments))
            {
                Comment = Comment.Of($"∂{_method.Result}/∂", vector, $" += ∂{_method.Result}/∂", target, $" · ∂", target, $"/∂", vector, ", a vector-Jacobian product"),
            });
            line.Mentions.Add(adjointSpan);
            line.Mentions.UnionWith(ExpressionFacts.Variables(adjointView));
            line.Mentions.UnionWith(ExpressionFacts.Variables(adjointOfTarget));
            output.Add(line);
        }

        if (IsSeed(target) || readsOwnBuffer)
        {
            return;
        }

        AddSelfUpdate(output, partials, target, valueExpr, isDeclaration, taken: null);
    }

    /// <summary>
    /// What the assignment does to its target's own adjoint: a target overwritten here starts again from 0 (a
    /// declaration has no earlier value); a target that reads itself (<c>p *= x</c>) scales it by ∂t/∂t, the
    /// partial with respect to its earlier value. With <paramref name="taken"/>, the adjoint was already moved
    /// into that local, and is set from it.
    /// </summary>
    private void AddSelfUpdate(List<BackwardLine> output, StatementPartials partials, Expr target, Expr valueExpr, bool isDeclaration, Variable? taken)
    {
        var adjointTarget = AdjointOf(target);
        Statement update;
        if (!partials.ReadsSelf)
        {
            if (isDeclaration)
            {
                return;
            }

            update = new UpdateReal(adjointTarget, UpdateOperator.Set, Constant.Zero)
            {
                Comment = Comment.Of(Code(target), " was overwritten here: its earlier value does not reach the result through it"),
            };
        }
        else if (partials.SelfPartial is not Constant { Value: 1 })
        {
            var self = ReadKeptCalls(partials, Resolve(partials.SelfPartial!, valueExpr));
            var comment = Comment.Of("∂", target, "/∂", target, " (earlier value)");
            update = taken is null
                ? new UpdateReal(adjointTarget, UpdateOperator.Multiply, self) { Comment = comment }
                : new UpdateReal(adjointTarget, UpdateOperator.Set, Multiply(taken, self)) { Comment = comment };
        }
        else
        {
            return;
        }

        var line = new BackwardLine(update);
        line.Mentions.UnionWith(ExpressionFacts.Variables(adjointTarget));
        output.Add(line);
    }

    /// <summary>
    /// A partial that is zero on one side of a conditional (<c>c ? p : 0</c>, <c>c ? 0 : p</c>, nested): the
    /// condition under which it is not zero, and its value there; null for any other partial.
    /// </summary>
    private static (Expr Condition, Expr Partial)? Guard(Expr partial)
    {
        if (partial is not Conditional conditional)
        {
            return null;
        }

        (Expr Condition, Expr Partial)? taken = conditional switch
        {
            { WhenFalse: Constant { IsZero: true } } => (conditional.Condition, conditional.WhenTrue),
            { WhenTrue: Constant { IsZero: true } } => (Negated(conditional.Condition), conditional.WhenFalse),
            _ => null,
        };
        if (taken is not { } outer)
        {
            return null;
        }

        return Guard(outer.Partial) is { } inner
            ? (new Logical(LogicalOperator.And, outer.Condition, inner.Condition), inner.Partial)
            : outer;
    }

    /// <summary>!c, written i != 0 for i == 0 (exact, even for NaN; &lt; and &gt;= are not each other's negation for NaN).</summary>
    private static Expr Negated(Expr condition) => condition switch
    {
        Comparison { Operator: ComparisonOperator.Equal } equal => equal with { Operator = ComparisonOperator.NotEqual },
        Comparison { Operator: ComparisonOperator.NotEqual } unequal => unequal with { Operator = ComparisonOperator.Equal },
        Not not => not.Operand,
        _ => new Not(condition),
    };

    /// <summary>A partial as the backward sweep evaluates it: the statement's value where the rule used it, simplified.</summary>
    private static Expr Resolve(Expr partial, Expr valueExpr, Expr? calleeGradient = null, Expr? calleeGradientName = null) =>
        Simplify(ExpressionFacts.Rewrite(partial, e =>
            e is Variable { Name: ValuePlaceholder } ? valueExpr :
            calleeGradient is not null && e.Equals(calleeGradient) ? calleeGradientName :
            null));

    /// <summary>The result written once, outside any loop: its adjoint is the constant 1 and needs no variable.</summary>
    private bool IsSeed(Expr target) => target is Variable { Name: var name } && name == _method.Result && _resultWrites == 1;

    private Expr AdjointOf(Expr target) =>
        IsSeed(target) ? Constant.One : target is Element element ? new Element(AdjointName(element.Vector), element.Index) : new Variable(AdjointName(((Variable)target).Name));

    private string AdjointName(string name)
    {
        if (!_adjoints.TryGetValue(name, out var adjoint))
        {
            adjoint = _names.Fresh(GeneratedNames.Adjoint(_method.Result, SafeName(name)));
            _adjoints[name] = adjoint;
        }

        return adjoint;
    }

    /// <summary>
    /// Places the declarations of the scalar adjoints that belong to one scope: at their first contribution
    /// when that is a plain line of the scope itself (<c>double dLoss_dz = …;</c>), else as 0 at the top; and
    /// turns every contribution into its statement.
    /// </summary>
    private List<Statement> DeclareAdjointStatements(List<BackwardLine> lines, IReadOnlyCollection<string> scalars)
    {
        var adjointNames = new HashSet<string>(scalars.Where(_adjoints.ContainsKey).Select(s => _adjoints[s]));
        var firstTouch = new Dictionary<string, int>();
        for (int i = 0; i < lines.Count; i++)
        {
            foreach (var name in lines[i].Mentions.Where(adjointNames.Contains))
            {
                if (!firstTouch.ContainsKey(name))
                {
                    firstTouch[name] = i;
                }
            }
        }

        var result = new List<Statement>();
        foreach (var name in adjointNames.Where(n => firstTouch.ContainsKey(n)).OrderBy(n => firstTouch[n]))
        {
            if (lines[firstTouch[name]].Contributes != name)
            {
                result.Add(new DeclareReal(name, Constant.Zero));
            }
        }

        for (int i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.ContributesTo is null)
            {
                result.Add(line.Statement!);
                continue;
            }

            var adjoint = line.ContributesTo;
            bool declaresHere = line.Contributes is { } scalar && adjointNames.Contains(scalar) && firstTouch[scalar] == i;
            if (declaresHere)
            {
                // The first contribution: "adj = c", and its comment says "=" where later ones say "+=".
                var comment = Assigning(line.ChainComment!);
                result.Add(new DeclareReal(line.Contributes!, line.Contribution!) { Comment = comment });
            }
            else
            {
                // adj += −(a·b) reads better as adj −= a·b.
                result.Add(line.Contribution is Negate negated
                    ? new UpdateReal(adjoint, UpdateOperator.Subtract, negated.Operand) { Comment = line.ChainComment }
                    : new UpdateReal(adjoint, UpdateOperator.Add, line.Contribution!) { Comment = line.ChainComment });
            }
        }

        return result;
    }

    /// <summary>
    /// The scalar outputs, written last: each from its adjoint, or 0 where no contribution reached it. With span
    /// outputs too, an <c>out</c> that is the same variable as another output or one of their elements is rejected.
    /// </summary>
    private void AddScalarOutputs(List<Statement> body, HashSet<string> declaredAdjoints)
    {
        var scalars = _method.Parameters.Where(p => p.IsDifferentiated && !p.IsVector).ToList();
        foreach (var parameter in scalars)
        {
            string adjoint = _adjoints[parameter.Name];
            body.Add(declaredAdjoints.Contains(adjoint)
                ? new UpdateReal(new Variable(OutputName(parameter)), UpdateOperator.Set, new Variable(adjoint)) { Comment = Comment.Of($"∂{_method.Result}/∂{parameter.Name}") }
                : new UpdateReal(new Variable(OutputName(parameter)), UpdateOperator.Set, Constant.Zero) { Comment = Comment.Of($"{_method.Result} does not depend on {parameter.Name}") });
        }

        var spans = _method.Parameters.Where(p => p.IsDifferentiated && p.IsVector).Select(OutputName).ToEquatableArray();
        if (spans.Count == 0)
        {
            return; // The struct overload's outputs are its own locals.
        }

        for (int i = 0; i < scalars.Count; i++)
        {
            var earlier = scalars.Take(i).Select(OutputName).ToEquatableArray();
            if (earlier.Count > 0 || spans.Count > 0)
            {
                body.Add(new CheckScalarOutputDistinct(OutputName(scalars[i]), earlier, spans));
            }
        }
    }

    private IEnumerable<Statement> BackwardPrologue()
    {
        foreach (var parameter in _method.Parameters.Where(p => p.IsDifferentiated && p.IsVector))
        {
            yield return new ClearOutput(OutputName(parameter)) { Comment = Comment.Of("the gradient is written, not accumulated: start from 0") };
        }

        foreach (string buffer in _index.Buffers.Where(b => _adjoints.ContainsKey(b)))
        {
            yield return new DeclareAdjointBuffer(_adjoints[buffer], StorageName(buffer), buffer, StackBound)
            {
                Comment = Comment.Of($"∂{_method.Result}/∂{buffer}: on the stack up to {StackBound} elements, pooled above"),
            };
        }

        foreach (var statement in OutputCallScratchDeclarations())
        {
            yield return statement;
        }
    }

    private void AddPrologue(List<Statement> body)
    {
        var inputs = _method.Parameters.Where(p => p.IsVector && p.ElementType == _real).Select(p => p.Name).ToEquatableArray();
        var earlierOutputs = new List<string>();
        foreach (var parameter in _method.Parameters.Where(p => p.IsDifferentiated && p.IsVector))
        {
            string output = OutputName(parameter);
            body.Add(new CheckOutputLength(output, parameter.Name));
            body.Add(new CheckNoOverlap(output, inputs, OthersAreOutputs: false));
            if (earlierOutputs.Count > 0)
            {
                body.Add(new CheckNoOverlap(output, earlierOutputs.ToEquatableArray(), OthersAreOutputs: true));
            }

            earlierOutputs.Add(output);
        }

        if (body.Count > 0)
        {
            body.Add(new CommentLine());
        }

        if (_recorded.SavesAnything || _selectionsSaved || _checkpoints.Count > 0)
        {
            body.Add(Note($"Values the backward sweep needs after the forward sweep overwrote them: on the stack up to {StackBound}, pooled above."));
            body.Add(new DeclareSavedValues(SavedStack, StackBound));
        }
    }

    private void AddEpilogue(List<Statement> body, HashSet<string> declaredAdjoints)
    {
        AddScalarOutputs(body, declaredAdjoints);
        body.Add(new CommentLine());
        if (_recorded.SavesAnything || _selectionsSaved || _checkpoints.Count > 0)
        {
            body.Add(new Release(SavedStack, IsAdjointBuffer: false));
        }

        foreach (string buffer in _index.Buffers.Where(b => _adjoints.ContainsKey(b)))
        {
            body.Add(new Release(StorageName(buffer), IsAdjointBuffer: true));
        }

        body.AddRange(OutputCallScratchReleases());
        body.AddRange(KeptCallsReleases());
    }

    /// <summary>The scratch buffer behind the adjoint of a local buffer, named once (its declaration and its release agree).</summary>
    private string StorageName(string buffer)
    {
        if (!_storages.TryGetValue(buffer, out var storage))
        {
            storage = _names.Fresh(GeneratedNames.AdjointStorage(_adjoints[buffer]));
            _storages[buffer] = storage;
        }

        return storage;
    }

    private static CommentLine Note(string text) => new() { Comment = Comment.Of(text) };

    /// <summary>An expression quoted in a comment as the method's code writes it.</summary>
    private static CommentExpression Code(Expr expression) => new(expression, AsCode: true);

    private static string SafeName(string name) => name.TrimStart('@');
}
