using System.Collections.Generic;
using System.Linq;
using System.Threading;
using SymbolicDiff.Generator.Diagnostics;
using SymbolicDiff.Generator.Emit;
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
internal sealed class LoopDifferentiator
{
    private const string ValuePlaceholder = "\u0001value";
    private const int StackBound = 128;

    private readonly MethodModel _method;
    private readonly CancellationToken _cancellationToken;
    private readonly NameAllocator _names;
    private readonly string _real;
    private readonly bool _single;

    private readonly HashSet<string> _vectors = new();
    private readonly HashSet<string> _buffers = new();
    private readonly HashSet<string> _reals = new();
    private readonly HashSet<string> _bools = new();
    private readonly HashSet<string> _active = new();
    private readonly List<SymbolicDerivative.MissingPartial> _missing = new();

    // Every statement gets its position in program order; loops know the range of positions they contain.
    private readonly Dictionary<Statement, int> _position = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Statement, List<ForLoop>> _enclosing = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, ForLoop?> _declaredIn = new();
    private readonly Dictionary<Statement, StatementPartials> _partials = new(ReferenceEqualityComparer.Instance);

    private readonly HashSet<string> _taped = new();
    private readonly Dictionary<ForLoop, List<string>> _savedAtEnd = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, string> _adjoints = new();
    private readonly HashSet<string> _contributed = new();
    private bool _usesSavedValues;
    private string _returned = string.Empty;
    private int _resultWrites;

    private LoopDifferentiator(MethodModel method, CancellationToken cancellationToken)
    {
        _method = method;
        _cancellationToken = cancellationToken;
        _real = method.RealType;
        _single = method.IsSingle;
        var reserved = new HashSet<string>(method.Parameters.Select(p => p.Name)) { method.MethodName };
        Collect(method.Statements, reserved);
        foreach (var parameter in method.Parameters.Where(p => p.IsDifferentiated))
        {
            reserved.Add(OutputName(parameter));
        }

        _names = new NameAllocator(reserved);
        SavedStack = _names.Fresh("saved");
    }

    /// <summary>The stack of saved values: <c>saved</c>, unless the method has a local of that name.</summary>
    private string SavedStack { get; }

    /// <summary>The name of the generated output for a differentiated parameter: <c>dWeights</c>, <c>dBias</c>.</summary>
    public static string OutputName(ParameterModel parameter) => "d" + NameAllocator.ToPascalCase(parameter.Name);

    public static (GradientProgram? Program, IReadOnlyList<DiagnosticInfo> Diagnostics) Differentiate(MethodModel method, CancellationToken cancellationToken = default)
    {
        var differentiator = new LoopDifferentiator(method, cancellationToken);
        var lines = differentiator.Run();
        var diagnostics = differentiator._missing
            .Select(m => DiagnosticInfo.Create(DiagnosticDescriptors.MissingPartialDerivative, m.Location, m.Function, m.Parameter))
            .Distinct()
            .ToList();
        if (diagnostics.Count > 0)
        {
            return (null, diagnostics);
        }

        // A parameter whose adjoint nothing contributes to does not reach the result: its gradient is 0 (SD0017).
        var gradient = method.Parameters
            .Where(p => p.IsDifferentiated)
            .Select(p => new GradientEntry(
                p.Name,
                NameAllocator.ToPascalCase(p.Name),
                differentiator._contributed.Contains(p.Name) ? new Variable(OutputName(p)) : Constant.Zero))
            .ToEquatableArray();
        var program = new GradientProgram(method, EquatableArray<Assignment>.Empty, EquatableArray<BackwardStatement>.Empty, gradient)
        {
            LoopBody = lines.ToEquatableArray(),
        };
        return (program, diagnostics);
    }

    private void Collect(EquatableArray<Statement> statements, HashSet<string> names)
    {
        foreach (var statement in statements)
        {
            switch (statement)
            {
                case DeclareReal real:
                    names.Add(real.Name);
                    break;
                case DeclareInteger integer:
                    names.Add(integer.Name);
                    break;
                case DeclareBool condition:
                    names.Add(condition.Name);
                    break;
                case DeclareBuffer buffer:
                    names.Add(buffer.Name);
                    break;
                case ForLoop loop:
                    names.Add(loop.Counter);
                    Collect(loop.Body, names);
                    break;
            }
        }
    }

    private List<CodeLine> Run()
    {
        foreach (var parameter in _method.Parameters)
        {
            if (parameter.IsVector)
            {
                _vectors.Add(parameter.Name);
            }
            else if (parameter.TypeName == _real)
            {
                // A real parameter is a top-level scalar: the method may assign it like a local.
                _reals.Add(parameter.Name);
                _declaredIn[parameter.Name] = null;
            }

            if (parameter.IsDifferentiated)
            {
                _active.Add(parameter.Name);
                _adjoints[parameter.Name] = OutputName(parameter);
            }
        }

        int position = 0;
        Index(_method.Statements, new List<ForLoop>(), null, ref position);
        FindActive();
        DerivePartials(_method.Statements);
        FindContributed();
        DecideWhatToSave();

        var forward = new List<CodeLine>();
        WriteForward(_method.Statements, 0, forward);
        _returned = _method.Result;
        if (_taped.Contains(_method.Result))
        {
            _returned = _names.Fresh(SafeName(_method.Result) + "Value");
            forward.Add(new CodeLine(0, $"{_real} {_returned} = {Id(_method.Result)}; // kept: the backward sweep restores {_method.Result}'s earlier values"));
        }

        var backward = new List<BackwardLine>();
        WriteBackwardBlock(_method.Statements, 0, backward);
        var topScalars = _adjoints.Keys
            .Where(n => _reals.Contains(n) && _declaredIn.TryGetValue(n, out var loop) && loop is null && !(n == _method.Result && _resultWrites != 1))
            .ToList();
        var body = new List<CodeLine>();
        WritePrologue(body);
        body.Add(new CodeLine(0, "// Forward sweep: the method's own computation."));
        body.AddRange(forward);
        body.Add(new CodeLine(0, string.Empty));
        body.Add(new CodeLine(0, "// Backward sweep: the chain rule, from the result back to the parameters, running each loop in reverse."));
        body.AddRange(BackwardPrologue());
        if (_resultWrites != 1 && _adjoints.TryGetValue(_method.Result, out var seed))
        {
            body.Add(new CodeLine(0, $"{_real} {seed} = {(_single ? "1f" : "1.0")}; // ∂{_method.Result}/∂{_method.Result} = 1: the seed of the backward sweep"));
        }

        body.AddRange(DeclareAdjoints(backward, topScalars.Concat(_method.Parameters.Where(p => p.IsDifferentiated && !p.IsVector).Select(p => p.Name)).ToList(), 0));
        WriteEpilogue(body);
        return body;
    }

    // ---- analysis ----

    private void Index(EquatableArray<Statement> statements, List<ForLoop> loops, ForLoop? scope, ref int position)
    {
        foreach (var statement in statements)
        {
            _position[statement] = position++;
            _enclosing[statement] = loops.ToList();
            switch (statement)
            {
                case DeclareReal real:
                    _reals.Add(real.Name);
                    _declaredIn[real.Name] = scope;
                    break;
                case DeclareBuffer buffer:
                    _vectors.Add(buffer.Name);
                    _buffers.Add(buffer.Name);
                    _declaredIn[buffer.Name] = null;
                    break;
                case DeclareBool condition:
                    _bools.Add(condition.Name);
                    _declaredIn[condition.Name] = scope;
                    break;
                case ForLoop loop:
                    loops.Add(loop);
                    Index(loop.Body, loops, loop, ref position);
                    loops.RemoveAt(loops.Count - 1);
                    break;
            }

            if (statement is AssignReal { Target: Variable { Name: var name } } && name == _method.Result || statement is DeclareReal { Name: var declared } && declared == _method.Result)
            {
                _resultWrites += _enclosing[statement].Count > 0 ? 2 : 1;
            }
        }
    }

    /// <summary>Names that depend on a differentiated parameter: to a fixed point, since loops carry values around.</summary>
    private void FindActive()
    {
        bool changed = true;
        while (changed)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            changed = false;
            foreach (var (target, value) in Writes(_method.Statements))
            {
                if (!_active.Contains(target) && DataReads(value).Any(_active.Contains))
                {
                    _active.Add(target);
                    changed = true;
                }
            }
        }
    }

    private static IEnumerable<(string Target, Expr Value)> Writes(EquatableArray<Statement> statements)
    {
        foreach (var statement in statements)
        {
            switch (statement)
            {
                case DeclareReal real:
                    yield return (real.Name, real.Value);
                    break;
                case AssignReal assign:
                    yield return (TargetName(assign.Target), assign.Value);
                    break;
                case ForLoop loop:
                    foreach (var write in Writes(loop.Body))
                    {
                        yield return write;
                    }

                    break;
            }
        }
    }

    private static string TargetName(Expr target) => target is Element element ? element.Vector : ((Variable)target).Name;

    /// <summary>The real scalars and vectors an expression reads (not the integers inside indices).</summary>
    private IEnumerable<string> Reads(Expr expression)
    {
        switch (expression)
        {
            case Variable variable when _reals.Contains(variable.Name) || _bools.Contains(variable.Name) || variable.Name == ValuePlaceholder:
                yield return variable.Name;
                break;
            case Element element when _vectors.Contains(element.Vector):
                yield return element.Vector;
                break;
            case VectorArgument vector when _vectors.Contains(vector.Vector):
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
        public readonly List<(string Vector, string Product)> VectorProducts = new();
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
            Element element when _vectors.Contains(element.Vector) => Leaf(element),
            Variable variable when _reals.Contains(variable.Name) => Leaf(variable),
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
                result.VectorProducts.Add((vector.Vector, product));
            }
            else
            {
                _missing.Add(new SymbolicDerivative.MissingPartial(call.Function.DisplayName, parameter, call.Location));
            }
        }

        return result;
    }

    /// <summary>
    /// Adjoints that receive a contribution somewhere (to a fixed point, from the result backwards):
    /// a statement whose target's adjoint never does is skipped in the backward sweep.
    /// </summary>
    private void FindContributed()
    {
        _contributed.Add(_method.Result);
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var pair in _partials)
            {
                if (!_contributed.Contains(TargetName(pair.Value.Target)))
                {
                    continue;
                }

                foreach (var (input, _) in pair.Value.Inputs)
                {
                    changed |= _contributed.Add(TargetName(input));
                }

                foreach (var (vector, _) in pair.Value.VectorProducts)
                {
                    changed |= _contributed.Add(vector);
                }
            }
        }
    }

    /// <summary>
    /// Decides what the forward sweep must save. A name is saved before it is overwritten when the backward
    /// sweep reads it (in a partial) somewhere the overwrite happens later: further down, in a later
    /// iteration of a loop they share, or in the same statement (u = u·u reads u's earlier value).
    /// A local declared in a loop body is saved at the end of each iteration if the backward body reads it.
    /// </summary>
    private void DecideWhatToSave()
    {
        var writes = new List<(string Name, Statement Statement)>();
        var reads = new List<(string Name, Statement Statement, bool PostValue)>();
        foreach (var pair in _partials)
        {
            var partials = pair.Value;
            if (!_contributed.Contains(TargetName(partials.Target)))
            {
                continue;
            }

            foreach (string name in partials.PreReads)
            {
                reads.Add((name, pair.Key, false));
            }

            if (partials.UsesValue)
            {
                reads.Add((TargetName(partials.Target), pair.Key, true));
            }
        }

        foreach (var statement in _position.Keys)
        {
            if (statement is AssignReal assign)
            {
                writes.Add((TargetName(assign.Target), statement));
            }
        }

        foreach (var (name, readAt, postValue) in reads)
        {
            if (_taped.Contains(name) || !_declaredIn.TryGetValue(name, out var scope))
            {
                continue; // Parameters are never written.
            }

            foreach (var (written, writeAt) in writes)
            {
                if (written != name)
                {
                    continue;
                }

                bool later = _position[writeAt] > _position[readAt];
                bool sameStatementEarlierValue = ReferenceEquals(writeAt, readAt) && !postValue;
                bool sharedLoop = _enclosing[writeAt].Intersect<ForLoop>(_enclosing[readAt], ReferenceEqualityComparer.Instance).Any(loop => scope is null || IsInside(loop, scope));
                if (later || sameStatementEarlierValue || sharedLoop)
                {
                    _taped.Add(name);
                    break;
                }
            }
        }

        foreach (var (name, readAt, _) in reads)
        {
            if (_declaredIn.TryGetValue(name, out var loop) && loop is not null && (_reals.Contains(name) || _bools.Contains(name)))
            {
                if (!_savedAtEnd.TryGetValue(loop, out var saved))
                {
                    _savedAtEnd[loop] = saved = new List<string>();
                }

                if (!saved.Contains(name))
                {
                    saved.Add(name);
                }
            }
        }

        _usesSavedValues = _taped.Count > 0 || _savedAtEnd.Count > 0;
    }

    /// <summary>Whether <paramref name="inner"/> is <paramref name="scope"/>'s body or nested in it (and not the scope loop itself).</summary>
    private bool IsInside(ForLoop inner, ForLoop scope) =>
        !ReferenceEquals(inner, scope) && _enclosing.TryGetValue(inner, out var outer) && outer.Any(loop => ReferenceEquals(loop, scope));

    // ---- forward sweep ----

    private void WriteForward(EquatableArray<Statement> statements, int depth, List<CodeLine> output)
    {
        foreach (var statement in statements)
        {
            switch (statement)
            {
                case DeclareReal real:
                    output.Add(new CodeLine(depth, $"{_real} {Id(real.Name)} = {Real(real.Value)};"));
                    break;

                case DeclareInteger integer:
                    output.Add(new CodeLine(depth, $"{integer.TypeName} {Id(integer.Name)} = {ExpressionWriter.WriteInteger(integer.Value)};"));
                    break;

                case DeclareBool condition:
                    output.Add(new CodeLine(depth, $"bool {Id(condition.Name)} = {Real(condition.Condition)};"));
                    break;

                case DeclareBuffer buffer:
                    output.Add(new CodeLine(depth, buffer.OnStack
                        ? $"global::System.Span<{_real}> {Id(buffer.Name)} = stackalloc {_real}[{ExpressionWriter.WriteInteger(buffer.Length)}];"
                        : $"{_real}[] {Id(buffer.Name)} = new {_real}[{ExpressionWriter.WriteInteger(buffer.Length)}];"));
                    break;

                case AssignReal assign:
                {
                    string target = Real(assign.Target);
                    if (_taped.Contains(TargetName(assign.Target)))
                    {
                        output.Add(new CodeLine(depth, $"{SavedStack}.Push({target}); // saved: the backward sweep reads the value {target} has before this assignment"));
                    }

                    output.Add(new CodeLine(depth, AssignmentText(assign) + ";"));
                    break;
                }

                case ForLoop loop:
                    output.Add(new CodeLine(depth, ForwardHeader(loop)));
                    output.Add(new CodeLine(depth, "{"));
                    WriteForward(loop.Body, depth + 1, output);
                    if (_savedAtEnd.TryGetValue(loop, out var saved))
                    {
                        foreach (string name in saved)
                        {
                            string value = _bools.Contains(name) ? $"{Id(name)} ? {One} : {Zero}" : Id(name);
                            output.Add(new CodeLine(depth + 1, $"{SavedStack}.Push({value}); // saved: {name} is declared in this loop, and the backward loop reads its final value in each iteration"));
                        }
                    }

                    output.Add(new CodeLine(depth, "}"));
                    break;
            }
        }
    }

    // ---- backward sweep ----

    /// <summary>A backward line, with the adjoints it mentions, so that declarations can be placed afterwards.</summary>
    private sealed record BackwardLine(int Depth, string Text, string? Contributes = null, string? ContributionValue = null, string? Comment = null, string? Negated = null)
    {
        public HashSet<string> Mentions { get; } = new();
    }

    private void WriteBackwardBlock(EquatableArray<Statement> statements, int depth, List<BackwardLine> output)
    {
        for (int i = statements.Count - 1; i >= 0; i--)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            switch (statements[i])
            {
                case ForLoop loop:
                    WriteBackwardLoop(loop, depth, output);
                    break;

                case DeclareReal real:
                    WriteBackwardAssignment(statements[i], new Variable(real.Name), isDeclaration: true, $"{_real} {real.Name} = {Real(real.Value)};", depth, output);
                    break;

                case AssignReal assign:
                    WriteBackwardAssignment(statements[i], assign.Target, isDeclaration: false, AssignmentText(assign) + ";", depth, output);
                    break;
            }
        }
    }

    private void WriteBackwardLoop(ForLoop loop, int depth, List<BackwardLine> output)
    {
        var body = new List<BackwardLine>();

        // Values saved at the end of each forward iteration come back first, in reverse order.
        if (_savedAtEnd.TryGetValue(loop, out var saved))
        {
            for (int i = saved.Count - 1; i >= 0; i--)
            {
                body.Add(new BackwardLine(depth + 1, _bools.Contains(saved[i])
                    ? $"bool {Id(saved[i])} = {Pop()} != {Zero}; // the branch this iteration took"
                    : $"{_real} {Id(saved[i])} = {Pop()}; // {saved[i]} as it was at the end of this iteration"));
            }
        }

        var inner = new List<BackwardLine>();
        WriteBackwardBlock(loop.Body, depth + 1, inner);
        var localAdjoints = _adjoints.Keys.Where(n => _declaredIn.TryGetValue(n, out var scope) && ReferenceEquals(scope, loop)).ToList();
        var declared = DeclareAdjointLines(inner, localAdjoints, depth + 1);

        // Integer locals of the body (strides, rows) are computed again: they depend only on counters.
        var mentioned = new HashSet<string>(declared.SelectMany(l => Identifiers(l.Text)));
        var integers = loop.Body.OfType<DeclareInteger>().ToList();
        var needed = new List<DeclareInteger>();
        for (int i = integers.Count - 1; i >= 0; i--)
        {
            if (mentioned.Contains(integers[i].Name))
            {
                needed.Insert(0, integers[i]);
                mentioned.UnionWith(ExpressionFacts.Variables(integers[i].Value));
            }
        }

        if (declared.Count == 0 && body.Count == 0)
        {
            return;
        }

        output.Add(new BackwardLine(depth, BackwardHeader(loop)));
        output.Add(new BackwardLine(depth, "{"));
        foreach (var integer in needed)
        {
            output.Add(new BackwardLine(depth + 1, $"{integer.TypeName} {Id(integer.Name)} = {ExpressionWriter.WriteInteger(integer.Value)};"));
        }

        output.AddRange(body);
        output.AddRange(declared);
        output.Add(new BackwardLine(depth, "}"));
    }

    private void WriteBackwardAssignment(Statement statement, Expr target, bool isDeclaration, string source, int depth, List<BackwardLine> output)
    {
        string targetName = TargetName(target);
        bool taped = !isDeclaration && _taped.Contains(targetName);
        _partials.TryGetValue(statement, out var partials);
        bool contributes = partials is not null && _contributed.Contains(targetName);
        if (!contributes && !taped)
        {
            return;
        }

        int commentAt = output.Count;
        output.Add(new BackwardLine(depth, "// " + source));
        WriteBackwardAssignmentBody(partials, target, isDeclaration, taped, contributes, depth, output);
        if (output.Count == commentAt + 1)
        {
            output.RemoveAt(commentAt);
        }
    }

    private void WriteBackwardAssignmentBody(StatementPartials? partials, Expr target, bool isDeclaration, bool taped, bool contributes, int depth, List<BackwardLine> output)
    {
        string targetName = TargetName(target);
        string targetText = Real(target);
        string? valueName = null;
        if (taped)
        {
            if (contributes && partials!.UsesValue)
            {
                valueName = _names.Fresh(SafeName(targetName) + "Value");
                output.Add(new BackwardLine(depth, $"{_real} {valueName} = {targetText}; // the value this assignment gave {targetText}"));
            }

            output.Add(new BackwardLine(depth, $"{targetText} = {Pop()}; // {targetText} as it was before this assignment"));
        }

        if (!contributes || partials is null)
        {
            return;
        }

        Expr valueExpr = valueName is null ? target : new Variable(valueName);
        var adjointOfTarget = AdjointOf(target);
        string targetNotation = Notation(target);

        // h[i] = f(h[j], ...): where i and j meet, the element's own adjoint must be taken before anything is
        // added to the element it read, so take it into a local and settle the element's adjoint first.
        bool readsOwnBuffer = target is Element written && partials.Inputs.Any(input => input.Input is Element read && read.Vector == written.Vector);
        if (readsOwnBuffer)
        {
            string adjointTargetText = AdjointText(target);
            var taken = new Variable(_names.Fresh(AdjointName(TargetName(target)) + "Element"));
            output.Add(new BackwardLine(depth, $"{_real} {taken.Name} = {adjointTargetText}; // ∂{_method.Result}/∂{targetNotation}, taken before {targetNotation}'s own inputs get theirs"));
            AddSelfUpdate(output, depth, partials, target, valueExpr, isDeclaration, taken);
            adjointOfTarget = taken;
        }

        // Another [Differentiable] method's partials come from its generated gradient, called once here.
        Call? calleeGradient = null;
        Variable? calleeGradientName = null;
        if (partials!.Value is Call { Function.IsDifferentiableCallee: true } callee && partials.Inputs.Count > 0)
        {
            calleeGradient = new Call(Function.Plain(callee.Function.GradientMethod!, callee.Function.DisplayName + "WithGradient"), callee.Arguments);
            calleeGradientName = new Variable(_names.Fresh(NameAllocator.ToCamelCase(callee.Function.DisplayName) + "Gradient"));
            output.Add(new BackwardLine(depth, $"var {calleeGradientName.Name} = {Real(calleeGradient)}; // the gradient of {callee.Function.DisplayName} at the same arguments"));
        }

        foreach (var (input, partial) in partials.Inputs)
        {
            var resolved = Resolve(partial, valueExpr, calleeGradient, calleeGradientName);
            var contribution = Multiply(adjointOfTarget, resolved);
            string adjoint = AdjointText(input);
            string chain = IsSeed(target)
                ? $"∂{_method.Result}/∂{Notation(input)}"
                : $"∂{_method.Result}/∂{Notation(input)} += ∂{_method.Result}/∂{targetNotation} · ∂{targetNotation}/∂{Notation(input)}";
            var line = new BackwardLine(depth, string.Empty, adjoint, Real(contribution), "// " + chain, contribution is Negate negated ? Real(negated.Operand) : null);
            line.Mentions.Add(adjoint);
            foreach (var name in ExpressionFacts.Variables(contribution))
            {
                line.Mentions.Add(name);
            }

            output.Add(line);
        }

        foreach (var (vector, product) in partials.VectorProducts)
        {
            var call = (VectorCall)partials.Value;
            string adjointSpan = AdjointName(vector);
            var arguments = call.Arguments.Concat(new[] { adjointOfTarget, new VectorArgument(adjointSpan) }).ToEquatableArray();
            string text = Real(new VectorCall(call.Function with { QualifiedName = product }, arguments)) + ";";
            var line = new BackwardLine(depth, $"{text} // ∂{_method.Result}/∂{vector} += ∂{_method.Result}/∂{targetNotation} · ∂{targetNotation}/∂{vector}, a vector-Jacobian product");
            line.Mentions.Add(adjointSpan);
            foreach (var name in ExpressionFacts.Variables(adjointOfTarget))
            {
                line.Mentions.Add(name);
            }

            output.Add(line);
        }

        if (IsSeed(target) || readsOwnBuffer)
        {
            return;
        }

        AddSelfUpdate(output, depth, partials, target, valueExpr, isDeclaration, taken: null);
    }

    /// <summary>
    /// What the assignment does to its target's own adjoint: a target overwritten here starts again from 0 (a
    /// declaration has no earlier value); a target that reads itself (<c>p *= x</c>) scales it by ∂t/∂t, the
    /// partial with respect to its earlier value. With <paramref name="taken"/>, the adjoint was already moved
    /// into that local, and is set from it.
    /// </summary>
    private void AddSelfUpdate(List<BackwardLine> output, int depth, StatementPartials partials, Expr target, Expr valueExpr, bool isDeclaration, Variable? taken)
    {
        string adjointTarget = AdjointText(target);
        string targetNotation = Notation(target);
        BackwardLine line;
        if (!partials.ReadsSelf)
        {
            if (isDeclaration)
            {
                return;
            }

            line = new BackwardLine(depth, $"{adjointTarget} = {Zero}; // {Real(target)} was overwritten here: its earlier value does not reach the result through it");
        }
        else if (partials.SelfPartial is not Constant { Value: 1 })
        {
            var self = Resolve(partials.SelfPartial!, valueExpr);
            line = new BackwardLine(depth, taken is null
                ? $"{adjointTarget} *= {Real(self)}; // ∂{targetNotation}/∂{targetNotation} (earlier value)"
                : $"{adjointTarget} = {Real(Multiply(taken, self))}; // ∂{targetNotation}/∂{targetNotation} (earlier value)");
        }
        else
        {
            return;
        }

        line.Mentions.Add(adjointTarget);
        output.Add(line);
    }

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

    private string AdjointText(Expr target) => Real(AdjointOf(target));

    private string AdjointName(string name)
    {
        if (!_adjoints.TryGetValue(name, out var adjoint))
        {
            adjoint = _names.Fresh("d" + NameAllocator.ToPascalCase(_method.Result) + "_d" + SafeName(name));
            _adjoints[name] = adjoint;
        }

        return adjoint;
    }

    /// <summary>
    /// Places the declarations of the scalar adjoints that belong to one scope: at their first contribution
    /// when that is a plain line of the scope itself (<c>double dLoss_dz = …;</c>), else as 0 at the top.
    /// </summary>
    private List<BackwardLine> DeclareAdjointLines(List<BackwardLine> lines, IReadOnlyCollection<string> scalars, int depth)
    {
        var adjointNames = new HashSet<string>(scalars.Where(_adjoints.ContainsKey).Select(s => _adjoints[s]));
        var outputs = new HashSet<string>(_method.Parameters.Where(p => p.IsDifferentiated && !p.IsVector).Select(OutputName));
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

        var result = new List<BackwardLine>();
        foreach (var name in adjointNames.Where(n => firstTouch.ContainsKey(n)).OrderBy(n => firstTouch[n]))
        {
            var first = lines[firstTouch[name]];
            if (!(first.Contributes == name && first.Depth == depth))
            {
                string declaration = outputs.Contains(name) ? $"{name} = {Zero};" : $"{_real} {name} = {Zero};";
                result.Add(new BackwardLine(depth, declaration));
            }
        }

        for (int i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.Contributes is null)
            {
                result.Add(line);
                continue;
            }

            bool declaresHere = adjointNames.Contains(line.Contributes) && firstTouch[line.Contributes] == i && line.Depth == depth;
            string text = declaresHere
                ? (outputs.Contains(line.Contributes) ? string.Empty : _real + " ") + $"{line.Contributes} = {line.ContributionValue}; {line.Comment?.Replace(" += ", " = ")}"
                : line.Negated is not null
                    ? $"{line.Contributes} -= {line.Negated}; {line.Comment}"
                    : $"{line.Contributes} += {line.ContributionValue}; {line.Comment}";
            result.Add(line with { Text = text, Contributes = null });
        }

        return result;
    }

    private IEnumerable<CodeLine> DeclareAdjoints(List<BackwardLine> backward, List<string> scalars, int depth)
    {
        var lines = DeclareAdjointLines(backward, scalars, depth);
        var assigned = new HashSet<string>(lines.SelectMany(l => Identifiers(l.Text)));
        foreach (var line in lines)
        {
            yield return new CodeLine(line.Depth, line.Text);
        }

        // A scalar output no contribution reached: the result does not depend on it.
        foreach (var parameter in _method.Parameters.Where(p => p.IsDifferentiated && !p.IsVector))
        {
            string output = OutputName(parameter);
            if (!assigned.Contains(output))
            {
                yield return new CodeLine(depth, $"{output} = {Zero}; // {_method.Result} does not depend on {parameter.Name}");
            }
        }
    }

    private IEnumerable<CodeLine> BackwardPrologue()
    {
        foreach (var parameter in _method.Parameters.Where(p => p.IsDifferentiated && p.IsVector))
        {
            yield return new CodeLine(0, $"{OutputName(parameter)}.Clear(); // the gradient is written, not accumulated: start from 0");
        }

        foreach (string buffer in _buffers.Where(b => _adjoints.ContainsKey(b)))
        {
            string adjoint = _adjoints[buffer];
            yield return new CodeLine(0, $"var {adjoint}Storage = new global::SymbolicDiff.Runtime.ScratchBuffer<{_real}>({Id(buffer)}.Length, stackalloc {_real}[{StackBound}]); // ∂{_method.Result}/∂{buffer}: on the stack up to {StackBound} elements, pooled above");
            yield return new CodeLine(0, $"global::System.Span<{_real}> {adjoint} = {adjoint}Storage.Span;");
        }
    }

    private void WritePrologue(List<CodeLine> body)
    {
        var inputs = _method.Parameters.Where(p => p.IsVector && p.ElementType == _real).ToList();
        var earlierOutputs = new List<string>();
        foreach (var parameter in _method.Parameters.Where(p => p.IsDifferentiated && p.IsVector))
        {
            string output = OutputName(parameter);
            string name = Id(parameter.Name);
            body.Add(new CodeLine(0, $"if ({output}.Length != {name}.Length) throw new global::System.ArgumentException(\"{output} must have the length of {parameter.Name} (\" + {name}.Length + \"), not \" + {output}.Length + \".\", nameof({output}));"));
            string overlaps = string.Join(" || ", inputs.Select(input => $"global::System.MemoryExtensions.Overlaps({output}, ({ReadOnly(input)}){Id(input.Name)})"));
            body.Add(new CodeLine(0, $"if ({overlaps}) throw new global::System.ArgumentException(\"{output} must not overlap an input ({string.Join(", ", inputs.Select(i => i.Name))}): the gradient would overwrite it.\", nameof({output}));"));
            if (earlierOutputs.Count > 0)
            {
                string shared = string.Join(" || ", earlierOutputs.Select(other => $"global::System.MemoryExtensions.Overlaps({output}, ({ReadOnly(parameter)}){other})"));
                body.Add(new CodeLine(0, $"if ({shared}) throw new global::System.ArgumentException(\"{output} must not overlap another gradient output ({string.Join(", ", earlierOutputs)}).\", nameof({output}));"));
            }

            earlierOutputs.Add(output);
        }

        if (body.Count > 0)
        {
            body.Add(new CodeLine(0, string.Empty));
        }

        if (_usesSavedValues)
        {
            body.Add(new CodeLine(0, $"// Values the backward sweep needs after the forward sweep overwrote them: on the stack up to {StackBound}, pooled above."));
            body.Add(new CodeLine(0, $"var {SavedStack} = new global::SymbolicDiff.Runtime.SavedValues<{_real}>(stackalloc {_real}[{StackBound}]);"));
        }
    }

    private string ReadOnly(ParameterModel parameter) => $"global::System.ReadOnlySpan<{parameter.ElementType}>";

    private void WriteEpilogue(List<CodeLine> body)
    {
        body.Add(new CodeLine(0, string.Empty));
        if (_usesSavedValues)
        {
            body.Add(new CodeLine(0, $"{SavedStack}.Dispose();"));
        }

        foreach (string buffer in _buffers.Where(b => _adjoints.ContainsKey(b)))
        {
            body.Add(new CodeLine(0, $"{_adjoints[buffer]}Storage.Dispose();"));
        }

        body.Add(new CodeLine(0, $"return {Id(_returned)};"));
    }

    /// <summary>The loop as the user wrote it: <c>i &lt; n</c> or <c>i &lt;= n</c>, <c>i &gt;= 0</c> or <c>i &gt; n</c>.</summary>
    private static string ForwardHeader(ForLoop loop)
    {
        string counter = Id(loop.Counter);
        string from = ExpressionWriter.WriteInteger(loop.From);
        string condition = loop.Descending
            ? (InclusiveBound(loop.To, BinaryOperator.Subtract) is { } lowest ? $"{counter} >= {lowest}" : $"{counter} > {ExpressionWriter.WriteInteger(loop.To)}")
            : (InclusiveBound(loop.To, BinaryOperator.Add) is { } highest ? $"{counter} <= {highest}" : $"{counter} < {ExpressionWriter.WriteInteger(loop.To)}");
        return $"for ({loop.CounterType} {counter} = {from}; {condition}; {counter}{(loop.Descending ? "--" : "++")})";
    }

    /// <summary>The same iterations in the opposite order.</summary>
    private static string BackwardHeader(ForLoop loop)
    {
        string counter = Id(loop.Counter);
        string from = ExpressionWriter.WriteInteger(loop.From);
        if (loop.Descending)
        {
            string lowest = InclusiveBound(loop.To, BinaryOperator.Subtract) ?? ExpressionWriter.WriteInteger(new Binary(BinaryOperator.Add, loop.To, Constant.One));
            return $"for ({loop.CounterType} {counter} = {lowest}; {counter} <= {from}; {counter}++)";
        }

        string highest = InclusiveBound(loop.To, BinaryOperator.Add) ?? ExpressionWriter.WriteInteger(new Binary(BinaryOperator.Subtract, loop.To, Constant.One));
        return $"for ({loop.CounterType} {counter} = {highest}; {counter} >= {from}; {counter}--)";
    }

    /// <summary>n for an exclusive bound written n + 1 (ascending) or n − 1 (descending), as the parser records <c>&lt;=</c> and <c>&gt;=</c>.</summary>
    private static string? InclusiveBound(Expr bound, BinaryOperator offset) =>
        bound is Binary { Right: Constant { Value: 1 } } binary && binary.Operator == offset ? ExpressionWriter.WriteInteger(binary.Left) : null;

    /// <summary><c>s += e</c> as the user wrote it, when the value is the target combined with one more term.</summary>
    private string AssignmentText(AssignReal assign)
    {
        // Inside an if: v = branch ? e : v is written back as the guarded assignment it came from.
        if (assign.Value is Conditional { WhenFalse: var unchanged } guarded && unchanged.Equals(assign.Target))
        {
            string condition = Real(guarded.Condition);
            return $"if ({condition}) {AssignmentText(assign with { Value = guarded.WhenTrue })}";
        }

        string target = Real(assign.Target);
        if (assign.Value is Binary { Left: var left, Right: var right } binary && left.Equals(assign.Target) &&
            binary.Operator is BinaryOperator.Add or BinaryOperator.Subtract or BinaryOperator.Multiply or BinaryOperator.Divide)
        {
            string op = binary.Operator switch
            {
                BinaryOperator.Add => "+=",
                BinaryOperator.Subtract => "-=",
                BinaryOperator.Multiply => "*=",
                _ => "/=",
            };
            return $"{target} {op} {Real(right)}";
        }

        return $"{target} = {Real(assign.Value)}";
    }

    private string Pop() => $"{SavedStack}.Pop()";

    private string Zero => _single ? "0f" : "0.0";

    private string One => _single ? "1f" : "1.0";

    private string Real(Expr expression) => ExpressionWriter.Write(expression, _single);

    private static string Id(string name) => ExpressionWriter.Identifier(name);

    private static string Notation(Expr expression) => ExpressionWriter.Write(expression);

    private static string SafeName(string name) => name.TrimStart('@');

    private static IEnumerable<string> Identifiers(string text)
    {
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool part = i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_');
            if (part && start < 0)
            {
                start = i;
            }
            else if (!part && start >= 0)
            {
                yield return text.Substring(start, i - start);
                start = -1;
            }
        }
    }

    private sealed class ReferenceEqualityComparer : IEqualityComparer<object>
    {
        public static readonly ReferenceEqualityComparer Instance = new();

        public new bool Equals(object? x, object? y) => ReferenceEquals(x, y);

        public int GetHashCode(object obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
    }
}
