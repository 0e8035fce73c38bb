using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SymbolicDiff.Generator.Diagnostics;
using SymbolicDiff.Generator.Model;
using static SymbolicDiff.Generator.Parsing.OperationFacts;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>
/// The one parser of [Differentiable] bodies: walks the <see cref="IOperation"/> tree (semantics, not text) into
/// the structured IR of <see cref="Statement"/>s, for every method. Every loop is brought to
/// <c>for (int i = a; i &lt; b; i++)</c>, compound assignments are expanded, an <c>if</c> becomes a recorded condition
/// and guarded assignments, a return before the end becomes recorded writes, and integer code (counts, strides,
/// indices) is kept apart from the real arithmetic that is differentiated. Real variables stay mutable (a
/// loop-carried sum is one variable); an integer assigned again gets a new version. Every unsupported construct is
/// reported where it stands, and the walk goes on.
/// </summary>
internal sealed partial class BodyParser
{
    private readonly IMethodSymbol _method;
    private readonly SemanticModel _semanticModel;
    private readonly SpecialType _real;
    private readonly List<DiagnosticInfo> _diagnostics;
    private readonly CancellationToken _cancellationToken;
    private readonly NameAllocator _names;

    private readonly HashSet<ISymbol> _buffers = new(SymbolEqualityComparer.Default);
    private IOperation? _root;

    // What the parser asks of the whole body (returns, each local's references, assigned parameters), found in one walk.
    private BodyOperations _body = null!;

    // Each local gets a name of its own: its own name unless a sibling scope's local or a gradient output (dX)
    // has it, in which case a fresh one (C# lets sibling blocks reuse names; the differentiator keys by name).
    private readonly Dictionary<ILocalSymbol, string> _localNames = new(SymbolEqualityComparer.Default);
    private readonly HashSet<string> _claimed = new();

    // The recorded condition of the innermost enclosing branch, while parsing one.
    private Expr? _guard;

    // Calls of functions over vectors are hoisted into a local of their own, written just before the statement
    // that uses them, so that the backward sweep has their value and one place for their vector products.
    private List<Statement> _currentOutput = new();
    private IOperation? _statementValue;
    private int _loopDepth;
    private string? _result;
    private readonly List<Statement> _top = new();

    private BodyParser(IMethodSymbol method, SemanticModel semanticModel, IEnumerable<string> reserved, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        _method = method;
        _semanticModel = semanticModel;
        _real = RealTypes.Of(method);
        _diagnostics = diagnostics;
        _cancellationToken = cancellationToken;
        _names = new NameAllocator(reserved);
    }

    /// <summary>Whether <paramref name="type"/> is a vector of <paramref name="real"/>: <c>ReadOnlySpan&lt;T&gt;</c>, <c>Span&lt;T&gt;</c> or <c>T[]</c>.</summary>
    public static bool IsRealVector(ITypeSymbol? type, SpecialType real) => ElementType(type)?.SpecialType == real;

    /// <summary>The element type of a span, read-only span or single-dimensional array, else null.</summary>
    public static ITypeSymbol? ElementType(ITypeSymbol? type) => type switch
    {
        IArrayTypeSymbol { Rank: 1 } array => array.ElementType,
        INamedTypeSymbol { Name: "Span" or "ReadOnlySpan", TypeArguments.Length: 1 } span
            when span.ContainingNamespace?.ToDisplayString() == "System" => span.TypeArguments[0],
        _ => null,
    };

    /// <summary>The single declarator of <c>int i = a;</c> (one variable, with a value), or null.</summary>
    private static IVariableDeclaratorOperation? SingleDeclarator(IOperation? operation) =>
        operation is IVariableDeclarationGroupOperation { Declarations.Length: 1 } group &&
        group.Declarations[0].Declarators.Length == 1 &&
        group.Declarations[0].Declarators[0] is { Initializer: not null } declarator
            ? declarator
            : null;

    public static (EquatableArray<Statement> Statements, string Result)? Parse(
        SemanticModel semanticModel,
        IMethodSymbol method,
        MethodDeclarationSyntax declaration,
        List<DiagnosticInfo> diagnostics,
        CancellationToken cancellationToken) =>
        Parse(semanticModel, method, declaration, diagnostics, Enumerable.Empty<string>(), new CallSites(), cancellationToken, new HashSet<string>());

    /// <summary>
    /// Parses the body; <paramref name="differentiated"/> names the differentiated parameters (a callee whose
    /// unselected parameter may receive a value depending on them is inlined), and <paramref name="calls"/>
    /// records what was inlined and which selecting callees were called as they are.
    /// </summary>
    public static (EquatableArray<Statement> Statements, string Result)? Parse(
        SemanticModel semanticModel,
        IMethodSymbol method,
        MethodDeclarationSyntax declaration,
        List<DiagnosticInfo> diagnostics,
        IEnumerable<string> differentiated,
        CallSites calls,
        CancellationToken cancellationToken,
        IReadOnlyCollection<string> outputs)
    {
        if (MethodBody.Bind(semanticModel, method, declaration, diagnostics, cancellationToken) is not { Block: IBlockOperation block } bound)
        {
            return null;
        }

        // A body calling another method's generated gradient is bound where that gradient is declared: read it there.
        (semanticModel, method) = (bound.Model, bound.Method);

        var reserved = method.Parameters.Select(p => p.Name)
            .Concat(bound.Operations.DeclaredNames)
            .Concat(new[] { method.Name });
        var parser = new BodyParser(method, semanticModel, reserved, diagnostics, cancellationToken);
        parser._root = block;
        parser._body = bound.Operations;
        parser._differentiated.UnionWith(differentiated);
        parser._calls = calls;
        parser._outputs.UnionWith(outputs);
        foreach (var parameter in method.Parameters)
        {
            parser._claimed.Add(parameter.Name);
        }

        foreach (var output in GeneratedNames.Outputs(method.Parameters.Select(p => p.Name).ToList()))
        {
            parser._claimed.Add(output);
            parser._outputNames.Add(output);
        }

        int problemsBefore = diagnostics.Count;
        parser.PrepareEarlyReturns(block);
        parser.CopyIntegerParametersAssignedInLoops(block);
        parser.ParseStatements(block.Operations, parser._top, isMethodBody: true);
        if (diagnostics.Count > problemsBefore)
        {
            return null;
        }

        if (parser._result is null && method.ReturnsVoid && outputs.Count > 0)
        {
            // A vector-valued method that returns nothing: its results are its outputs.
            parser._result = string.Empty;
        }

        if (parser._result is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.UnsupportedStatement,
                LocationInfo.From(declaration.Identifier),
                "A method that does not end with 'return'"));
            return null;
        }

        var statements = parser._returnFlag is { } flag && !parser._returnFlagRead ? WithoutFlag(parser._top, flag) : parser._top.ToEquatableArray();
        return (statements, parser._result);
    }

    private void ParseStatements(IReadOnlyList<IOperation> operations, List<Statement> output, bool isMethodBody)
    {
        var entryGuard = _guard;
        var exited = new List<string>();
        for (int i = 0; i < operations.Count; i++)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var operation = operations[i];
            bool isLast = isMethodBody && i == operations.Count - 1;

            // After a statement that may have returned (or left the loop, or skipped the rest of this iteration),
            // what follows in this block runs only if none of the statements before it did.
            if (i > 0 && ExitFlags(operations[i - 1]) is { Count: > 0 } flags)
            {
                exited.AddRange(flags.Where(flag => !exited.Contains(flag)));
                _guard = Running(entryGuard, output, exited);
            }

            // `int i = a; while (i < n) { ...; i++; }`: a for loop written longhand.
            if (i + 1 < operations.Count && operations[i + 1] is IWhileLoopOperation whileLoop &&
                (TryParseWhile(whileLoop, operation, operations.Skip(i + 2), output) || TryParseDoWhile(whileLoop, operation, operations.Skip(i + 2), output)))
            {
                i++;
                continue;
            }

            ParseStatement(operation, output, isLast);
            if (operation is IReturnOperation or IBranchOperation { BranchKind: BranchKind.Break or BranchKind.Continue } or IThrowOperation or IExpressionStatementOperation { Operation: IThrowOperation })
            {
                // What follows a return (a break, a continue) in the same block never runs (C# warns CS0162); made
                // reachable under a recorded guard it could read a local before its assignment (CS0165 in generated code).
                break;
            }
        }

        _guard = entryGuard;
    }

    // ---- early returns ----
    // A return before the end of the method (inside an if, inside a loop) becomes two guarded assignments,
    // value = g ? e : value and returned = g ? 1 : returned, and every statement after it runs under a recorded
    // bool "returned == 0", refreshed after each statement that may return and at the top of each iteration of a
    // loop that may. The forward sweep then computes what the method returns, and the backward sweep, replaying
    // the same recorded conditions, differentiates the path taken.

    private string? _returnFlag;
    private string? _returnValue;
    private bool _returnFlagRead;

    /// <summary>Where nothing runs after a return (if/else returning on every path), the flag is never read: it goes.</summary>
    private static EquatableArray<Statement> WithoutFlag(IEnumerable<Statement> statements, string flag) => statements
        .Where(statement => !(statement is DeclareReal { Name: var declared } && declared == flag) &&
                            !(statement is AssignReal { Target: Variable { Name: var assigned } } && assigned == flag))
        .Select(statement => statement is ForLoop loop ? loop with { Body = WithoutFlag(loop.Body, flag) } : statement)
        .ToEquatableArray();

    private void PrepareEarlyReturns(IBlockOperation block)
    {
        var returns = _body.Returns;
        bool onlyFinal = returns.Count == 1 && block.Operations.Length > 0 && ReferenceEquals(block.Operations[block.Operations.Length - 1], returns[0]);
        if (returns.Count == 0 || onlyFinal)
        {
            return;
        }

        // Both start at 0 (nothing returned yet); a void method returns no value, only leaves (BodyParser.VoidReturns.cs).
        _returnValue = _method.ReturnsVoid ? null : DeclareFlag(ResultName, _top);
        _returnFlag = DeclareFlag("returned", _top);
    }

    private static bool ContainsReturn(IOperation operation) =>
        operation is IReturnOperation || (operation is not ILocalFunctionOperation && operation.Descendants().Any(d => d is IReturnOperation && !InLocalFunction(d)));

    /// <summary>Whether <paramref name="operation"/> is inside a local function (whose returns leave only it).</summary>
    private static bool InLocalFunction(IOperation operation)
    {
        for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is ILocalFunctionOperation)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Records "none of <paramref name="flags"/> is set yet" (no return has happened, the loop was not left, the
    /// iteration not skipped) in a fresh bool and returns the guard for what follows: it and <paramref name="outer"/>.
    /// </summary>
    private Expr Running(Expr? outer, List<Statement> output, IReadOnlyList<string> flags)
    {
        _returnFlagRead |= flags.Contains(_returnFlag!);
        string running = _names.Fresh("running");
        _claimed.Add(running);
        Expr? condition = null;
        foreach (string flag in flags)
        {
            var unset = new Comparison(ComparisonOperator.Equal, new Variable(flag), Constant.Zero);
            condition = condition is null ? unset : new Logical(LogicalOperator.And, condition, unset);
        }

        output.Add(new DeclareBool(running, condition!));
        return outer is null ? new Variable(running) : new Logical(LogicalOperator.And, outer, new Variable(running));
    }

    // ---- break and continue ----
    // Lowered as early returns are: the loop keeps its bound and runs every iteration, and a recorded flag says what
    // to skip. `break;` sets a flag declared before the loop (broken = g ? 1 : broken), and each later iteration runs
    // under "broken == 0"; `continue;` sets a flag reset to 0 at the top of each iteration, and the rest of that
    // iteration runs under "continued == 0". A break or continue always leaves the innermost loop (switch, the only
    // other statement it could leave, is not supported), so only that loop's flags can change inside its body. The
    // backward sweep replays the same recorded conditions, so the gradient is that of the iterations that ran.

    /// <summary>The innermost loop being parsed and its flags, or null outside loops.</summary>
    private LoopExits? _loopExits;

    private sealed class LoopExits
    {
        public LoopExits(ILoopOperation loop, string? broken, string? continued)
        {
            Loop = loop;
            Broken = broken;
            Continued = continued;
        }

        public ILoopOperation Loop { get; }

        /// <summary>The flag a <c>break</c> of this loop sets, or null where the loop has none.</summary>
        public string? Broken { get; }

        /// <summary>The flag a <c>continue</c> of this loop sets, or null where the loop has none.</summary>
        public string? Continued { get; }
    }

    /// <summary>Whether <paramref name="operation"/> holds a break (or continue) of <paramref name="loop"/>.</summary>
    private static bool Leaves(IOperation operation, ILoopOperation loop, BranchKind kind) =>
        operation.DescendantsAndSelf().OfType<IBranchOperation>().Any(branch => branch.BranchKind == kind && Jumps(branch, loop));

    /// <summary>Whether a break leaves <paramref name="loop"/>, or a continue goes to its next iteration.</summary>
    private static bool Jumps(IBranchOperation branch, ILoopOperation loop) =>
        SymbolEqualityComparer.Default.Equals(branch.Target, branch.BranchKind == BranchKind.Break ? loop.ExitLabel : loop.ContinueLabel);

    /// <summary>The flags <paramref name="operation"/> may set: the return flag, and the innermost loop's break and continue flags.</summary>
    private List<string> ExitFlags(IOperation operation)
    {
        var flags = new List<string>(3);
        if (_returnFlag is not null && ContainsReturn(operation))
        {
            flags.Add(_returnFlag);
        }

        if (_loopExits is { } exits)
        {
            if (exits.Broken is { } broken && Leaves(operation, exits.Loop, BranchKind.Break))
            {
                flags.Add(broken);
            }

            if (exits.Continued is { } continued && Leaves(operation, exits.Loop, BranchKind.Continue))
            {
                flags.Add(continued);
            }
        }

        return flags;
    }

    /// <summary><c>break;</c> or <c>continue;</c> of the innermost loop: its flag set under the current guard.</summary>
    private void ParseBreakOrContinue(IBranchOperation branch, List<Statement> output)
    {
        string? flag = _loopExits is { } exits && Jumps(branch, exits.Loop)
            ? branch.BranchKind == BranchKind.Break ? exits.Broken : exits.Continued
            : null;
        if (flag is null)
        {
            Report(DiagnosticDescriptors.UnsupportedStatement, branch.Syntax.GetFirstToken(), OperationDescriber.DescribeStatement(branch));
            return;
        }

        var target = new Variable(flag);
        output.Add(new AssignReal(target, Guarded(target, Constant.One), branch.Syntax.ToString()));
    }

    /// <summary>
    /// A call of a local function of the method (<c>static double Square(double v) =&gt; v * v;</c>): its body is read in
    /// place at the call, as a stacked layer's is, when it is straight-line; any other is SD0005 at the call.
    /// </summary>
    private Expr? ParseLocalFunctionCall(IInvocationOperation invocation, IMethodSymbol method, SyntaxNode nameLocation)
    {
        var arguments = new List<Expr>();
        foreach (var argument in invocation.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0))
        {
            if (argument.Parameter?.Type.SpecialType != _real || ParseReal(argument.Value) is not { } value)
            {
                arguments = null;
                break;
            }

            arguments.Add(value);
        }

        if (arguments is not null && TryInline(method, arguments) is { } inlined)
        {
            return inlined;
        }

        Report(DiagnosticDescriptors.UnsupportedExpression, nameLocation,
            $"A call of the local function '{method.Name}', which is not straight-line (a local function is read in place at each call: {RealTypes.Keyword(_real)} parameters, {RealTypes.Keyword(_real)} locals, then one return; or make it a static method marked [Differentiable])");
        return null;
    }

    /// <summary><c>return e;</c> where the method may already have returned or may return again: recorded, not left.</summary>
    private void ParseEarlyReturn(IOperation returned, List<Statement> output)
    {
        _statementValue = returned;
        var value = ParseReal(returned);
        if (value is null)
        {
            return;
        }

        var result = new Variable(_returnValue!);
        var flag = new Variable(_returnFlag!);
        string source = returned.Parent?.Syntax.ToString() ?? "return";
        output.Add(new AssignReal(result, Guarded(result, value), source));
        output.Add(new AssignReal(flag, Guarded(flag, Constant.One), source));
        _result = _returnValue;
    }

    private void ParseStatement(IOperation statement, List<Statement> output, bool isLast)
    {
        _currentOutput = output;
        if (TryParseWithIndexSteps(statement, output, isLast))
        {
            return; // s += x[k++]; read as s += x[k]; then k++; (BodyParser.IndexSteps.cs)
        }

        if (IsThrow(statement))
        {
            ParseThrow(statement, output);
            return;
        }

        switch (statement)
        {
            case IVariableDeclarationGroupOperation group:
                foreach (var declaration in group.Declarations)
                {
                    foreach (var declarator in declaration.Declarators)
                    {
                        ParseDeclarator(declarator, declarator.Initializer ?? declaration.Initializer, output);
                    }
                }

                break;

            case IExpressionStatementOperation expression:
                ParseAssignment(expression.Operation, output);
                break;

            case IForLoopOperation forLoop:
                ParseFor(forLoop, output);
                break;

            case IForEachLoopOperation forEach:
                ParseForEach(forEach, output);
                break;

            case IReturnOperation { ReturnedValue: { } earlyReturned } when _returnFlag is not null:
                ParseEarlyReturn(earlyReturned, output);
                break;

            case IReturnOperation { ReturnedValue: { } returned } returnOperation:
                if (!isLast || _loopDepth > 0)
                {
                    Report(DiagnosticDescriptors.UnsupportedStatement, returnOperation.Syntax.GetFirstToken(), "A 'return' before the end of the method");
                    break;
                }

                _statementValue = returned;
                var value = ParseReal(returned);
                if (value is null)
                {
                    break;
                }

                if (value is Variable { Name: var name } && IsRealLocal(returned))
                {
                    _result = name;
                }
                else
                {
                    _result = _names.Fresh(ResultName);
                    output.Add(new DeclareReal(_result, value));
                }

                break;

            case IBlockOperation nested:
                ParseStatements(nested.Operations, output, isMethodBody: false);
                break;

            case IEmptyOperation:
            case ILocalFunctionOperation: // read in place where it is called
                break;

            case IWhileLoopOperation whileLoop when TryParseUncounted(whileLoop, output):
                break;

            case ILoopOperation loop:
                Report(DiagnosticDescriptors.LoopNotSupported, loop.Syntax.GetFirstToken(), LoopKeyword(loop), NoBoundReason(loop));
                break;

            case IConditionalOperation branch:
                ParseIf(branch, output);
                break;

            case ISwitchOperation switchOperation:
                ParseSwitch(switchOperation, output);
                break;

            case IBranchOperation { BranchKind: BranchKind.Break or BranchKind.Continue } jump:
                ParseBreakOrContinue(jump, output);
                break;

            case IReturnOperation { ReturnedValue: null } exit when _method.ReturnsVoid:
                ParseReturnWithoutValue(exit, output);
                break;

            default:
                Report(DiagnosticDescriptors.UnsupportedStatement, statement.Syntax.GetFirstToken(), OperationDescriber.DescribeStatement(statement));
                break;
        }
    }

    private static bool IsRealLocal(IOperation operation) => operation is ILocalReferenceOperation;

    /// <summary>What the returned value is called when it is not a local: after the method (Loss → loss), so the gradient reads ∂loss/∂a.</summary>
    private string ResultName => NameAllocator.ToCamelCase(_method.Name.TrimStart('@'));

    /// <summary>
    /// A loop counter keeps its name (sibling loops may all count with i, as in the user's code, since the generated
    /// loops mirror them), unless a gradient output has it.
    /// </summary>
    private string CounterName(ILocalSymbol counter)
    {
        if (!_localNames.TryGetValue(counter, out var name))
        {
            name = _outputNames.Contains(counter.Name) ? _names.Fresh(counter.Name) : counter.Name;
            _localNames[counter] = name;
        }

        return name;
    }

    private readonly HashSet<string> _outputNames = new();

    // A vector-valued method's outputs (span parameters it writes), and those a statement parsed so far has written:
    // an output holds whatever the caller passed until the method writes it, and the generated methods write it on
    // every pass, so reading it before any write is an error.
    private readonly HashSet<string> _outputs = new();
    private readonly HashSet<string> _writtenOutputs = new();

    /// <summary>SD0005 where an output is read (or updated, <c>r[i] += e</c>) before any statement wrote it.</summary>
    private void CheckOutputRead(string vector, SyntaxNode syntax)
    {
        if (_outputs.Contains(vector) && !_writtenOutputs.Contains(vector))
        {
            Report(DiagnosticDescriptors.UnsupportedExpression, syntax,
                $"Reading the output '{vector}' before this method writes it (an output starts with whatever the caller passed, and the generated Jacobian writes it once per pass: assign {vector}[i] = ... first, then update or read it, or keep the running value in a local)");
        }
    }

    private void MarkWritten(Expr? target)
    {
        if (target is Element element && _outputs.Contains(element.Vector))
        {
            _writtenOutputs.Add(element.Vector);
        }
    }

    /// <summary>The name a local has in the generated code (see <see cref="_localNames"/>).</summary>
    private string NameOf(ILocalSymbol local)
    {
        if (!_localNames.TryGetValue(local, out var name))
        {
            name = _claimed.Add(local.Name) ? local.Name : _names.Fresh(local.Name);
            _claimed.Add(name);
            _localNames[local] = name;
        }

        return name;
    }

    /// <summary>
    /// An <c>if</c> (with <c>else</c>, nested): its condition is recorded in a bool, and each assignment in a branch
    /// becomes <c>v = branch ? e : v</c>, which changes nothing where the branch is not taken; the backward sweep
    /// reads the same bool. A branch holds any statement: declarations in it are 0 where it is not taken, loops in
    /// it run with guarded assignments, and a return in it is recorded (see the early returns above).
    /// </summary>
    private void ParseIf(IConditionalOperation branch, List<Statement> output)
    {
        var condition = ParseCondition(branch.Condition);
        if (condition is null)
        {
            return;
        }

        var outer = _guard;
        if (branch.WhenFalse is null && OnlyThrow(branch.WhenTrue) is { } thrown)
        {
            // if (x.Length != y.Length) throw ...;: the condition guards the throw itself, no bool recorded for it.
            _guard = outer is null ? condition : new Logical(LogicalOperator.And, outer, condition);
            ParseThrow(thrown, output);
            _guard = outer;
            return;
        }

        string taken = _names.Fresh("branch");
        output.Add(new DeclareBool(taken, outer is null ? condition : new Logical(LogicalOperator.And, outer, condition)));

        _guard = new Variable(taken);
        ParseBranch(branch.WhenTrue, output);
        if (branch.WhenFalse is not null)
        {
            // The else branch runs where the enclosing branch does and this condition does not.
            var notTaken = new Not(new Variable(taken));
            _guard = outer is null ? notTaken : new Logical(LogicalOperator.And, outer, notTaken);
            if (outer is Logical)
            {
                // In an else-if chain the guards would grow with every level: each compound one is recorded once.
                string otherwise = _names.Fresh("otherwise");
                _claimed.Add(otherwise);
                output.Add(new DeclareBool(otherwise, _guard));
                _guard = new Variable(otherwise);
            }
            ParseBranch(branch.WhenFalse, output);
        }

        _guard = outer;
    }

    private void ParseBranch(IOperation statement, List<Statement> output)
    {
        // A branch is a block like any other, run under its recorded condition: a declaration in it is 0 where
        // the branch is not taken (and nothing outside reads it), a loop in it runs with its assignments guarded.
        var statements = statement is IBlockOperation block ? (IReadOnlyList<IOperation>)block.Operations : new[] { statement };
        ParseStatements(statements, output, isMethodBody: false);
    }

    /// <summary>
    /// The value of a local declared inside a branch: 0 where the branch is not taken (nothing outside reads it, but
    /// the value must not be computed there: 1 / x behind x != 0). A declaration of 0 itself stays 0, not
    /// <c>branch ? 0.0 : 0.0</c>.
    /// </summary>
    private Expr GuardedDeclaration(Expr value) =>
        _guard is null || value is Constant { IsZero: true } ? value : new Conditional(_guard, value, Constant.Zero);

    /// <summary>An assignment inside a branch changes its target only where the branch is taken.</summary>
    private Expr Guarded(Expr target, Expr value) => _guard is null ? value : new Conditional(_guard, value, target);

    private void ParseDeclarator(IVariableDeclaratorOperation declarator, IVariableInitializerOperation? initializer, List<Statement> output)
    {
        var local = declarator.Symbol;
        var syntax = declarator.Syntax;
        if (initializer is null && local.Type.SpecialType == _real)
        {
            // double y; if (c) y = …; else y = …;  C# guarantees an assignment before any read, so 0 is never seen.
            output.Add(new DeclareReal(NameOf(local), Constant.Zero) { Unassigned = true });
            return;
        }

        if (initializer is null && IsInteger(local.Type) && !local.IsRef)
        {
            if (IsRead(local))
            {
                DeclareUnassignedInteger(local, declarator, output); // int k; for (k = 0; ...) (BodyParser.UnassignedIntegers.cs)
            }

            return;
        }

        if (initializer is null)
        {
            Report(DiagnosticDescriptors.UnsupportedStatement, syntax.GetFirstToken(), $"The local '{local.Name}' declared without a value");
            return;
        }

        if (local.IsRef && TryAliasElement(local, initializer, syntax))
        {
            return; // read as the element it names where it is used (BodyParser.RefLocals.cs)
        }

        if (local.IsRef)
        {
            // A ref local writes through to what it aliases, which the transforms cannot follow.
            var identifier = syntax is VariableDeclaratorSyntax refVariable ? LocationInfo.From(refVariable.Identifier) : LocationInfo.From(syntax);
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedLocalType, identifier, local.Name, "ref " + local.Type.ToDisplayString() + RefLocalAdvice));
            _reportedLocals.Add(local);
            return;
        }

        // A const local is folded into its uses, and a local nothing reads is dead code: copying either into the
        // generated code would only give the user's project a warning (CS0219) in code it cannot change.
        // One whose value may throw (a throw expression, a switch expression with no arm for some value) is evaluated as C# does.
        bool dead = local.IsConst || !IsRead(local) && !initializer.Value.DescendantsAndSelf().Any(o => o is IThrowOperation or ISwitchExpressionOperation);
        if (dead && (local.Type.SpecialType == _real || IsInteger(local.Type) || local.Type.SpecialType == SpecialType.System_Boolean))
        {
            if (!local.IsConst)
            {
                // A call made for the results it writes into spans keeps them when its returned value is not read.
                if (initializer.Value is IInvocationOperation call && local.Type.SpecialType == _real && TryParseOutputCall(call, output))
                {
                    return;
                }

                // Not copied, but still read: what it holds must be supported (an 'out var' in it declares a local).
                ParseDiscarded(local.Type, initializer.Value);
            }

            return;
        }

        if (local.Type.SpecialType == _real)
        {
            _statementValue = initializer.Value;
            var value = ParseReal(initializer.Value);
            if (value is not null)
            {
                output.Add(new DeclareReal(NameOf(local), GuardedDeclaration(value)));
            }

            return;
        }

        if (IsInteger(local.Type))
        {
            // Assigned again where it was declared (not from inside a deeper loop): each assignment declares a new
            // version (n, n_1, ...), so every value the backward sweep reads is still there. From a deeper loop a
            // step is undone by the backward sweep (StepInteger), and any other assignment saves what it overwrites
            // where the backward sweep reads it (AssignInteger).
            // Stepped from a deeper loop, a local declared in a loop is restored to its value at the end of each
            // iteration when the backward sweep reruns it (see LoopDifferentiator's saved values).
            _integerLocal = local.Name;
            var value = ParseInteger(initializer.Value);
            _integerLocal = null;
            if (value is not null)
            {
                output.Add(new DeclareInteger(NameOf(local), IntegerKeyword(local.Type), GuardedDeclaration(value)));
            }

            return;
        }

        if (IsRealVector(local.Type, _real) && TryParseSlice(local, initializer, output))
        {
            return;
        }

        if (IsRealVector(local.Type, _real))
        {
            ParseBuffer(local, initializer, output);
            return;
        }

        if (IsInteger(ElementType(local.Type)))
        {
            ParseIndexTable(local, initializer, output);
            return;
        }

        if (local.Type.SpecialType == SpecialType.System_Boolean)
        {
            // A bool local is a condition recorded once, like an if's.
            if (AssignmentsTo(local).Any())
            {
                Report(DiagnosticDescriptors.UnsupportedStatement, syntax.GetFirstToken(), $"Assigning the bool local '{local.Name}' again (bool locals are assigned once)");
                return;
            }

            var condition = ParseCondition(initializer.Value);
            if (condition is not null)
            {
                output.Add(new DeclareBool(NameOf(local), _guard is null ? condition : new Logical(LogicalOperator.And, _guard, condition)));
            }

            return;
        }

        if (TryDeclareGradientLocal(local, initializer, output))
        {
            return;
        }

        Report(DiagnosticDescriptors.UnsupportedLocalType, syntax.GetFirstToken(), local.Name, local.Type.ToDisplayString());
    }

    // Ref locals, reported at their declaration: their uses are not reported again.
    private readonly HashSet<ILocalSymbol> _reportedLocals = new(SymbolEqualityComparer.Default);

    /// <summary>Parses a value nobody reads, for its diagnostics only: whatever it would add to the program is dropped.</summary>
    private void ParseDiscarded(ITypeSymbol type, IOperation value)
    {
        var output = _currentOutput;
        _currentOutput = new List<Statement>();
        _statementValue = value;
        _ = type.SpecialType == SpecialType.System_Boolean ? ParseCondition(value) : IsInteger(type) ? ParseInteger(value) : ParseReal(value);
        _currentOutput = output;
    }

    /// <summary><c>Span&lt;double&gt; h = stackalloc double[n];</c> or <c>double[] h = new double[n];</c>, at the top level.</summary>
    /// <remarks>
    /// A buffer declared inside an <c>if</c> is declared where the <c>if</c> is (its branches are flattened into guarded
    /// statements). One declared inside a loop is declared once, before the outermost loop, and filled with zeros where
    /// the user declared it, which is what C# gives each iteration: a fresh zeroed buffer. Its length must then be the
    /// same in every iteration.
    /// </remarks>
    private void ParseBuffer(ILocalSymbol local, IVariableInitializerOperation initializer, List<Statement> output)
    {
        IOperation? sizeOperation = null;
        var value = initializer.Value;
        while (value is IConversionOperation conversion)
        {
            value = conversion.Operand;
        }

        if (value is IArrayCreationOperation { DimensionSizes.Length: 1, Initializer: null } creation)
        {
            sizeOperation = creation.DimensionSizes[0];
        }
        else if (initializer.Syntax is EqualsValueClauseSyntax { Value: StackAllocArrayCreationExpressionSyntax onStack } &&
                 onStack.Initializer is null &&
                 onStack.Type is ArrayTypeSyntax { RankSpecifiers: { Count: 1 } ranks } &&
                 ranks[0].Sizes.Count == 1)
        {
            sizeOperation = _semanticModel.GetOperation(ranks[0].Sizes[0], _cancellationToken);
        }

        if (sizeOperation is null && BufferValues(local, value, initializer) is var (values, stacked))
        {
            ParseBufferValues(local, values, stacked, initializer, output); // double[] w = { 0.5, 1, 2 }; (BodyParser.BufferValues.cs)
            return;
        }

        if (sizeOperation is null)
        {
            _buffers.Add(local); // known as a buffer, so that its uses are not reported again
            Report(DiagnosticDescriptors.UnsupportedStatement, initializer.Syntax.GetFirstToken(), value is IParameterReferenceOperation or ILocalReferenceOperation
                ? $"The span '{local.Name}' set to another vector ('{value.Syntax}') (a span local is a buffer of its own, stackalloc double[n] or new double[n], or a slice declared once, ReadOnlySpan<{RealTypes.Keyword(_real)}> rest = {value.Syntax}[1..]; to walk along a vector, read it at an int index you step instead: int at = 0; ... {value.Syntax}[at] ...; at++;)"
                : $"The buffer '{local.Name}' initialized this way (supported: stackalloc double[n] or new double[n])");
            return;
        }

        if (_loopDepth > 0 && VariesInLoop(sizeOperation) is { } varying)
        {
            _buffers.Add(local); // known as a buffer, so that its uses are not reported again
            Report(DiagnosticDescriptors.UnsupportedStatement, sizeOperation.Syntax.GetFirstToken(),
                $"Declaring the buffer '{local.Name}' inside a loop with a length that changes from one iteration to the next (it reads '{varying}'; declare the buffer before the loop with the largest length)");
            return;
        }

        var length = ParseInteger(sizeOperation);
        if (length is null)
        {
            return;
        }

        _buffers.Add(local);
        string name = NameOf(local);
        var declaration = new DeclareBuffer(name, length, OnStack: sizeOperation is not null && value is not IArrayCreationOperation);
        if (_loopDepth == 0)
        {
            output.Add(declaration);
            return;
        }

        // Before the outermost loop (the top-level list, where that loop is added once its body is parsed), and here
        // the zeros a new buffer starts with in each iteration.
        _top.Add(declaration);
        string counter = _names.Fresh(local.Name + "Index");
        _claimed.Add(counter);
        var zero = new AssignReal(new Element(name, new Variable(counter)), Constant.Zero, initializer.Parent?.Syntax.ToString() ?? local.Name);
        var zeroing = new ForLoop(counter, "int", Constant.Zero, length, new EquatableArray<Statement>(new Statement[] { zero }));
        _zeroings.Add(zeroing);
        output.Add(zeroing);
    }

    /// <summary>The zero fills of buffers declared inside loops (see <see cref="WithoutRedundantZeroing"/>).</summary>
    private readonly List<ForLoop> _zeroings = new();

    /// <summary>
    /// Removes from <paramref name="body"/> the zero fill of a buffer that the loop body then writes in full anyway before
    /// reading it (<c>for (int j = 0; j &lt; n; j++) h[j] = …;</c>, the usual first use): those zeros would never be
    /// read, and one write per element per iteration is what lets a sum over rows be differentiated row by row.
    /// </summary>
    private void WithoutRedundantZeroing(List<Statement> body)
    {
        for (int k = body.Count - 1; k >= 0; k--)
        {
            if (body[k] is not ForLoop zeroing || !_zeroings.Contains(zeroing))
            {
                continue;
            }

            string buffer = ((Element)((AssignReal)zeroing.Body[0]).Target).Vector;
            var next = body.Skip(k + 1).FirstOrDefault(statement => Mentions(statement, buffer));
            if (next is ForLoop { Descending: false, From: Constant { IsZero: true } } cover &&
                (cover.To.Equals(zeroing.To) || cover.To.Equals(new Member(new Variable(buffer), "Length"))) &&
                cover.Body.Where(statement => Mentions(statement, buffer)).ToList() is { Count: 1 } mentions &&
                mentions[0] is AssignReal { Target: Element { Vector: var written, Index: Variable { Name: var index } } } write &&
                written == buffer && index == cover.Counter &&
                !Mentions(write with { Target = new Variable(index) }, buffer))
            {
                body.RemoveAt(k);
            }
        }
    }

    private static bool Mentions(Statement statement, string buffer) => StatementFacts.Names(statement).Contains(buffer);

    /// <summary>The outermost loop being parsed, or null outside loops.</summary>
    private ILoopOperation? _outermostLoop;

    /// <summary>
    /// The first local <paramref name="size"/> reads that can change between iterations of the loops being parsed (one
    /// declared inside the outermost of them, or assigned inside it: a counter), or null if there is none.
    /// </summary>
    private string? VariesInLoop(IOperation size)
    {
        if (_outermostLoop is not { } loop)
        {
            return null;
        }

        var span = loop.Syntax.Span;
        var assigned = new HashSet<ILocalSymbol>(
            loop.DescendantsAndSelf().Select(AssignedLocal).Where(l => l is not null).Select(l => l!),
            SymbolEqualityComparer.Default);
        foreach (var reference in size.DescendantsAndSelf().OfType<ILocalReferenceOperation>())
        {
            var declared = reference.Local.DeclaringSyntaxReferences.FirstOrDefault();
            if (declared is null || span.Contains(declared.Span) || assigned.Contains(reference.Local))
            {
                return reference.Local.Name;
            }
        }

        return null;

        static ILocalSymbol? AssignedLocal(IOperation operation) => operation switch
        {
            IAssignmentOperation { Target: ILocalReferenceOperation target } => target.Local,
            IIncrementOrDecrementOperation { Target: ILocalReferenceOperation target } => target.Local,
            _ => null,
        };
    }

    // Integer tables the body reads indices from: a local naming an integer vector parameter (an alias), or a
    // constant table of the method's own. Either is read-only.
    private readonly Dictionary<ILocalSymbol, string> _indexTables = new(SymbolEqualityComparer.Default);

    /// <summary>
    /// <c>ReadOnlySpan&lt;int&gt; rows = indices;</c> (another name for a parameter) or <c>int[] order = { 2, 0, 1 };</c>
    /// (a constant table, declared once at the top level): an index table, only read.
    /// </summary>
    private void ParseIndexTable(ILocalSymbol local, IVariableInitializerOperation initializer, List<Statement> output)
    {
        var value = initializer.Value;
        while (value is IConversionOperation conversion)
        {
            value = conversion.Operand;
        }

        if (value is IParameterReferenceOperation { Parameter: var parameter } && IsInteger(ElementType(parameter.Type)))
        {
            _indexTables[local] = parameter.Name;
            return;
        }

        // The values, if they are all integer constants: an array initializer, or a collection expression (read from
        // the syntax: the Roslyn this generator builds against has no operation for it yet).
        var constants = value switch
        {
            IArrayCreationOperation { Initializer: { } arrayInitializer } => arrayInitializer.ElementValues.Select(e => e.ConstantValue).ToList(),
            _ when initializer.Syntax is EqualsValueClauseSyntax { Value: CollectionExpressionSyntax collection } &&
                   collection.Elements.All(e => e is ExpressionElementSyntax) =>
                collection.Elements.Cast<ExpressionElementSyntax>().Select(e => _semanticModel.GetConstantValue(e.Expression, _cancellationToken)).ToList(),
            _ => null,
        };
        if (constants is null || constants.Any(c => c is not { HasValue: true, Value: int or long or short or byte or sbyte or ushort or uint }))
        {
            Report(DiagnosticDescriptors.UnsupportedStatement, initializer.Syntax.GetFirstToken(),
                $"The integer table '{local.Name}' initialized this way (supported: another name for an integer span or array parameter, or constants: {{ 2, 0, 1 }} or [2, 0, 1]; an integer table is only read)");
            _reportedLocals.Add(local);
            return;
        }

        if (_loopDepth > 0 || _guard is not null)
        {
            Report(DiagnosticDescriptors.UnsupportedStatement, initializer.Syntax.GetFirstToken(),
                $"Declaring the integer table '{local.Name}' inside a loop or an 'if' (declare it once, at the top of the method)");
            _reportedLocals.Add(local);
            return;
        }

        string name = NameOf(local);
        _indexTables[local] = name;
        output.Add(new DeclareIndexTable(name, IntegerKeyword(ElementType(local.Type)!), constants.Select(c => Convert.ToInt64(c.Value, CultureInfo.InvariantCulture)).ToEquatableArray()));
    }

    /// <summary>Whether anything refers to the local after its declaration (a read or a later assignment).</summary>
    private bool IsRead(ILocalSymbol local) => References(local).Any();

    /// <summary>The assignments and increments that write the local.</summary>
    private IEnumerable<IOperation> AssignmentsTo(ILocalSymbol local) =>
        References(local)
            .Where(reference => reference.Parent switch
            {
                IAssignmentOperation assignment => ReferenceEquals(assignment.Target, reference),
                IIncrementOrDecrementOperation step => ReferenceEquals(step.Target, reference),
                _ => false,
            })
            .Select(reference => reference.Parent!);

    // Every reference to a local in the body, found in one walk rather than one walk per local asked about.
    private IReadOnlyList<ILocalReferenceOperation> References(ILocalSymbol local) => _body.References(local);

    /// <summary><c>k++</c>, <c>k--</c>, <c>k += e</c> or <c>k -= e</c> on an integer local, where e does not read k.</summary>
    private static bool IsIntegerStep(IOperation assignment, ISymbol local) => assignment switch
    {
        IIncrementOrDecrementOperation => true,
        ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } compound =>
            !compound.Value.DescendantsAndSelf().Any(r => r is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local) ||
                                                         r is IParameterReferenceOperation parameter && SymbolEqualityComparer.Default.Equals(parameter.Parameter, local)),
        _ => false,
    };

    /// <summary>The innermost loop around <paramref name="operation"/> within the method, or null.</summary>
    private ILoopOperation? EnclosingLoop(IOperation operation)
    {
        var child = operation;
        for (var parent = operation.Parent; parent is not null && !ReferenceEquals(parent, _root); child = parent, parent = parent.Parent)
        {
            // A for loop's initializers run once, before it.
            if (parent is ILoopOperation loop && !(loop is IForLoopOperation forLoop && forLoop.Before.Contains(child)))
            {
                return loop;
            }
        }

        return null;
    }

    /// <summary>Whether an assignment to an integer local is in the same loop (or none) as its declaration.</summary>
    private bool IsReassignedInPlace(IOperation assignment, IOperation declaration) =>
        ReferenceEquals(EnclosingLoop(assignment), EnclosingLoop(declaration));

    /// <summary>
    /// <c>n = e</c>, <c>n += e</c>, <c>n %= e</c>, <c>n++</c> ... on an integer local, where it was declared: a new version
    /// <c>int n_1 = e;</c> (in a branch, <c>branch ? e : n</c>) that later reads see. False when the target is not such a local.
    /// </summary>
    private bool TryParseIntegerReassignment(IOperation operation, List<Statement> output)
    {
        var target = operation switch
        {
            IIncrementOrDecrementOperation step => step.Target,
            IAssignmentOperation assignment => assignment.Target,
            _ => null,
        };
        ISymbol symbol;
        ITypeSymbol type;
        if (target is IParameterReferenceOperation { Parameter: var parameter } && IsInteger(parameter.Type) && EnclosingLoop(operation) is null)
        {
            // A parameter is a local the caller initialised: assigned outside loops, it gets versions like one.
            (symbol, type) = (parameter, parameter.Type);
        }
        else if (target is ILocalReferenceOperation { Local: var local } && IsInteger(local.Type) && !local.IsRef &&
                 local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellationToken) is { } declarationSyntax &&
                 _semanticModel.GetOperation(declarationSyntax, _cancellationToken) is { } declaration &&
                 IsReassignedInPlace(operation, declaration))
        {
            (symbol, type) = (local, local.Type);
        }
        else
        {
            return false;
        }

        var current = new Variable(symbol is ILocalSymbol named ? NameOf(named) : IntegerParameterName((IParameterSymbol)symbol));
        Expr? value = operation switch
        {
            IIncrementOrDecrementOperation step => new Binary(step.Kind == OperationKind.Increment ? BinaryOperator.Add : BinaryOperator.Subtract, current, Constant.One),
            ISimpleAssignmentOperation simple => ParseInteger(simple.Value),
            ICompoundAssignmentOperation { OperatorMethod: null } compound when IntegerOperator(compound.OperatorKind) is { } op =>
                ParseInteger(compound.Value) is { } right ? new Binary(op, current, right) : null,
            _ => Unsupported(operation),
        };
        if (value is null)
        {
            return true;
        }

        if (DeclaresUnassigned(symbol))
        {
            output.Add(new DeclareInteger(current.Name, IntegerKeyword(type), GuardedDeclaration(value)));
            return true;
        }

        string version = _names.Fresh(symbol.Name);
        _claimed.Add(version);
        if (symbol is ILocalSymbol versioned)
        {
            _localNames[versioned] = version;
        }
        else
        {
            _parameterVersions[(IParameterSymbol)symbol] = version;
        }

        output.Add(new DeclareInteger(version, IntegerKeyword(type), _guard is null ? value : new Conditional(_guard, value, current)));
        return true;
    }

    // The current version of each integer parameter assigned in the body (n, then n_1 after n += 2).
    private readonly Dictionary<IParameterSymbol, string> _parameterVersions = new(SymbolEqualityComparer.Default);

    private string IntegerParameterName(IParameterSymbol parameter) =>
        _parameterVersions.TryGetValue(parameter, out var version) ? version : parameter.Name;

    /// <summary>A step of a running integer index (see <see cref="StepInteger"/>); false when the target is not an integer local.</summary>
    private bool TryParseIntegerStep(IOperation operation, List<Statement> output)
    {
        var target = operation switch
        {
            IIncrementOrDecrementOperation step => step.Target,
            ICompoundAssignmentOperation compound => compound.Target,
            _ => null,
        };
        string name;
        if (CopiedParameter(target) is { } parameter && IsIntegerStep(operation, parameter))
        {
            name = IntegerParameterName(parameter);
        }
        else if (target is not ILocalReferenceOperation { Local: var local } || !IsInteger(local.Type) || !IsIntegerStep(operation, local))
        {
            return false;
        }
        else
        {
            name = NameOf(local);
        }

        var (delta, subtract) = operation switch
        {
            IIncrementOrDecrementOperation step => ((Expr?)Constant.One, step.Kind == OperationKind.Decrement),
            ICompoundAssignmentOperation compound => (ParseInteger(compound.Value), compound.OperatorKind == BinaryOperatorKind.Subtract),
            _ => (null, false),
        };
        if (delta is not null)
        {
            output.Add(new StepInteger(name, delta, subtract, _guard));
        }

        return true;
    }

    private void ParseAssignment(IOperation operation, List<Statement> output)
    {
        _statementValue = null;
        string source = operation.Syntax.ToString();
        if (TryParseIntegerReassignment(operation, output) || TryParseIntegerStep(operation, output) || TryParseIntegerAssignmentInLoop(operation, output))
        {
            return;
        }

        switch (operation)
        {
            case ISimpleAssignmentOperation assignment:
            {
                // Both sides are read even when one is not supported, so that every problem is reported at once.
                var target = ParseTarget(assignment.Target);
                var value = target is null && assignment.Target is ILocalReferenceOperation { Local: var assigned } && (IsInteger(assigned.Type) || IsSliceLocal(assignment.Target))
                    ? null // reported at its declaration, which says what integer locals and slices may do
                    : ParseReal(assignment.Value);
                // y = y; does nothing (C# warns CS1717 in the user's code; copied, it would warn in generated code too).
                if (target is not null && value is not null && !value.Equals(target))
                {
                    output.Add(new AssignReal(target, Guarded(target, value), source));
                }

                MarkWritten(target);
                return;
            }

            case ICompoundAssignmentOperation compound when compound.OperatorMethod is null && ToBinaryOperator(compound.OperatorKind) is { } op:
            {
                var target = ParseTarget(compound.Target);
                if (target is Element { Vector: var updated })
                {
                    CheckOutputRead(updated, compound.Target.Syntax);
                }

                var value = target is null ? null : ParseReal(compound.Value);
                MarkWritten(target);
                if (target is not null && value is not null)
                {
                    output.Add(new AssignReal(target, Guarded(target, new Binary(op, target, value)), source));
                }

                return;
            }

            case IIncrementOrDecrementOperation step:
            {
                var target = ParseTarget(step.Target);
                if (target is Element { Vector: var stepped })
                {
                    CheckOutputRead(stepped, step.Target.Syntax);
                }

                MarkWritten(target);
                if (target is not null)
                {
                    var op = step.Kind == OperationKind.Increment ? BinaryOperator.Add : BinaryOperator.Subtract;
                    output.Add(new AssignReal(target, Guarded(target, new Binary(op, target, Constant.One)), source));
                }

                return;
            }

            case IDeconstructionAssignmentOperation deconstruction:
                ParseTupleAssignment(deconstruction, output);
                return;

            case IInvocationOperation invocation when TryParseSpanMethod(invocation, output) || TryParseOutputCall(invocation, output):
                return;

            case ICompoundAssignmentOperation or IAssignmentOperation:
                Unsupported(operation);
                return;

            default:
                Report(DiagnosticDescriptors.UnsupportedStatement, operation.Syntax, OperationDescriber.DescribeStatement(operation));
                return;
        }
    }

    private string AssignmentTo(IOperation target) =>
        "An assignment to " + OperationDescriber.DescribeAssignmentTarget(target) + " (only " + RealTypes.Keyword(_real) +
        ", int, long and bool locals, " + RealTypes.Keyword(_real) + ", int and long parameters, and elements of local buffers can be assigned)";

    /// <summary>What an assignment may write: a real local or parameter, or an element of a local buffer.</summary>
    private Expr? ParseTarget(IOperation target)
    {
        switch (target)
        {
            case ILocalReferenceOperation { Local.IsRef: true } alias when _elementAliases.TryGetValue(alias.Local, out var aliased):
                return ParseTarget(aliased);

            case ILocalReferenceOperation local when local.Type?.SpecialType == _real && !local.Local.IsRef:
                return new Variable(NameOf(local.Local));

            case IParameterReferenceOperation parameter when parameter.Type?.SpecialType == _real:
                // A real parameter is a local initialised by the caller: writing it is an ordinary assignment.
                return new Variable(parameter.Parameter.Name);

            case IParameterReferenceOperation:
                Report(DiagnosticDescriptors.UnsupportedStatement, target.Syntax, AssignmentTo(target));
                return null;

            case ILocalReferenceOperation local when IsInteger(local.Type):
                // Reported once, at the declaration, which says what integer locals may do.
                return null;

            default:
                if (ElementAccess(target) is { } access)
                {
                    if (SliceOf(access.Vector) is { } slice)
                    {
                        if (!slice.Writable)
                        {
                            Report(DiagnosticDescriptors.UnsupportedStatement, target.Syntax.GetFirstToken(),
                                $"Writing into '{access.Vector.Syntax}', a slice of '{slice.Vector}', which is not a local buffer or an output of this method (inputs are read-only, so that no output can alias them)");
                            return null;
                        }

                        return SliceElement(slice, access.Index);
                    }

                    if (access.Vector is IParameterReferenceOperation { Parameter.Name: var output } && _outputs.Contains(output))
                    {
                        // An output of a vector-valued method: written like a local buffer.
                        var outputIndex = ParseIndex(access.Index);
                        return outputIndex is null ? null : new Element(output, outputIndex);
                    }

                    if (access.Vector is not ILocalReferenceOperation { Local: var buffer } || !_buffers.Contains(buffer))
                    {
                        Report(DiagnosticDescriptors.UnsupportedStatement, target.Syntax.GetFirstToken(),
                            $"Writing into '{access.Vector.Syntax}', which is not a local buffer of this method (inputs are read-only, so that no output can alias them)");
                        return null;
                    }

                    var index = ParseIndex(access.Index);
                    return index is null ? null : new Element(buffer.Name, index);
                }

                if (target is not ILocalReferenceOperation { Local: var reported } || !_reportedLocals.Contains(reported))
                {
                    Report(DiagnosticDescriptors.UnsupportedStatement, target.Syntax, AssignmentTo(target));
                }

                return null;
        }
    }

    private void ParseFor(IForLoopOperation loop, List<Statement> output)
    {
        // A loop that is not counted as for (int i = a; i < b; i++) is read as C# runs it: see BodyParser.ForLoops.cs.
        // A long counter is counted as an int one is; where it indexes a vector it is converted there (ParseIndex).
        var declarator = loop.Before.Length == 1 ? SingleDeclarator(loop.Before[0]) : null;
        var (counter, initialValue) = declarator is not null && IsInteger(declarator.Symbol.Type)
            ? (declarator.Symbol, declarator.Initializer!.Value)
            : AssignedCounter(loop); // int k; for (k = 0; ...), k read only in the loop: as for (int k = 0; ...)
        if (counter is null || initialValue is null)
        {
            ParseForAsUncounted(loop, output); // for (;;), two counters, a real one (for (double t = 0; t < 1; t += h))
            return;
        }

        int step = loop.AtLoopBottom.Length == 1 ? Step(loop.AtLoopBottom[0], counter) : 0;
        int reported = _diagnostics.Count;
        var bound = step == 0 ? null : step > 0 ? UpperBound(loop.Condition, counter) : LowerBound(loop.Condition, counter);
        if (_diagnostics.Count > reported)
        {
            return; // the bound itself is not supported, and said so
        }

        if (bound is null || AssignmentsTo(counter).Count() > (declarator is null ? 2 : 1))
        {
            ParseForAsUncounted(loop, output);
            return;
        }

        _unassignedIntegers.Remove(counter);
        var from = ParseInteger(initialValue);
        if (from is null)
        {
            return;
        }

        string counterName = CounterName(counter);
        EnterCounterRange(counter, from, bound, descending: step < 0);
        var statements = ParseLoopBody(loop, loop.Body, output);
        output.Add(new ForLoop(counterName, IntegerKeyword(counter.Type), from, bound, statements, Descending: step < 0));
    }

    /// <summary>
    /// A loop's body (a block or one statement), parsed one loop deeper, after <paramref name="first"/> if given; the
    /// flags its break and continue statements set are declared into <paramref name="output"/>, before the loop.
    /// </summary>
    private EquatableArray<Statement> ParseLoopBody(ILoopOperation loop, IOperation body, List<Statement> output, Statement? first = null) =>
        ParseLoopBody(loop, body is IBlockOperation block ? block.Operations : (IReadOnlyList<IOperation>)new[] { body }, output, first);

    private EquatableArray<Statement> ParseLoopBody(ILoopOperation loop, IReadOnlyList<IOperation> operations, List<Statement> output, Statement? first = null, IOperation? stopUnless = null, IReadOnlyList<IOperation>? atBottom = null, IOperation? stopUnlessFirst = null)
    {
        var statements = new List<Statement>();
        if (first is not null)
        {
            statements.Add(first);
        }

        var outerExits = _loopExits;
        _outermostLoop ??= loop;
        _loopExits = new LoopExits(
            loop,
            operations.Any(o => Leaves(o, loop, BranchKind.Break)) || stopUnless is not null || stopUnlessFirst is not null ? DeclareFlag("broken", output) : null,
            operations.Any(o => Leaves(o, loop, BranchKind.Continue)) ? DeclareFlag("continued", output) : null);
        if (_loopExits.Continued is { } continued)
        {
            statements.Add(new AssignReal(new Variable(continued), Constant.Zero, "continue")); // a new iteration skips nothing yet
        }

        _loopDepth++;
        var entryGuard = _guard;
        if (stopUnlessFirst is not null)
        {
            ParseStopUnless(stopUnlessFirst, statements); // a test computed in statements of its own (see ParseUncounted)
        }

        var flags = new List<string>(2);
        if (_returnFlag is not null && operations.Any(ContainsReturn))
        {
            flags.Add(_returnFlag); // an earlier iteration may have returned
        }

        if (_loopExits.Broken is { } broken)
        {
            flags.Add(broken); // or left the loop
        }

        if (flags.Count > 0)
        {
            _guard = Running(entryGuard, statements, flags);
        }

        ParseStatements(operations, statements, isMethodBody: false);
        if (atBottom is not null)
        {
            ParseAtLoopBottom(atBottom, entryGuard, flags, statements);
        }

        if (stopUnless is not null)
        {
            ParseStopUnless(stopUnless, statements);
        }

        WithoutRedundantZeroing(statements);
        _guard = entryGuard;
        _loopDepth--;
        _lastLoopExits = _loopExits;
        _loopExits = outerExits;
        if (_loopDepth == 0)
        {
            _outermostLoop = null;
        }

        return statements.ToEquatableArray();
    }

    /// <summary>
    /// A recorded real under a fresh name, 0 until its first guarded write (a return, a break or a continue flag; the
    /// value returned early); in single-assignment form that write defines it.
    /// </summary>
    private string DeclareFlag(string name, List<Statement> output)
    {
        string flag = _names.Fresh(name);
        _claimed.Add(flag);
        output.Add(new DeclareReal(flag, Constant.Zero) { Unassigned = true });
        return flag;
    }

    /// <summary><c>foreach (double v in x)</c> over a vector: a counted loop whose body starts with <c>double v = x[k];</c>.</summary>
    private void ParseForEach(IForEachLoopOperation loop, List<Statement> output)
    {
        var collection = loop.Collection;
        while (collection is IConversionOperation conversion)
        {
            collection = conversion.Operand;
        }

        if (loop.LoopControlVariable is IVariableDeclaratorOperation { Symbol: { IsRef: true } reference } && !TryCopyElementReference(loop, collection, reference))
        {
            return;
        }

        if (SliceOf(collection) is { } slice && loop.LoopControlVariable is IVariableDeclaratorOperation { Symbol: var sliceElement } && sliceElement.Type.SpecialType == _real)
        {
            ParseForEachOverSlice(loop, slice, sliceElement, output);
            return;
        }

        // foreach (var v in x[1..]): the slice written in the loop, as a slice local would be.
        if (!IsSliceLocal(collection) && IsSliceForm(collection) && loop.LoopControlVariable is IVariableDeclaratorOperation { Symbol: var inlineElement } &&
            inlineElement.Type.SpecialType == _real)
        {
            if (InlineSlice(collection, output) is { } view)
            {
                ParseForEachOverSlice(loop, view, inlineElement, output);
            }

            return;
        }

        var vectorName = collection switch
        {
            IParameterReferenceOperation parameter when ElementType(parameter.Type) is not null => parameter.Parameter.Name,
            ILocalReferenceOperation local when _buffers.Contains(local.Local) => NameOf(local.Local),
            _ => null,
        };
        if (vectorName is null || loop.LoopControlVariable is not IVariableDeclaratorOperation { Symbol: var element } ||
            element.Type.SpecialType != _real)
        {
            ReportLoop(loop, "foreach is supported over a vector parameter or local buffer of " + RealTypes.Keyword(_real) + ", with a " + RealTypes.Keyword(_real) + " loop variable");
            return;
        }

        CheckOutputRead(vectorName, collection.Syntax);
        string counter = _names.Fresh(element.Name + "Index");
        var first = new DeclareReal(NameOf(element), new Element(vectorName, new Variable(counter)));
        var length = new Member(new Variable(vectorName), "Length");
        output.Add(new ForLoop(counter, "int", Constant.Zero, length, ParseLoopBody(loop, loop.Body, output, first)));
    }

    /// <summary>
    /// <c>int i = a; while (i &lt; n) { ...; i++; }</c>, with <c>i</c> used nowhere after the loop: the same
    /// loop as <c>for (int i = a; i &lt; n; i++)</c>.
    /// </summary>
    private bool TryParseWhile(IWhileLoopOperation loop, IOperation previous, IEnumerable<IOperation> following, List<Statement> output)
    {
        if (loop.ConditionIsTop == false || loop.ConditionIsUntil || loop.Condition is null ||
            SingleDeclarator(previous) is not { Symbol: var counter, Initializer: { } init } ||
            counter.Type.SpecialType != SpecialType.System_Int32 ||
            loop.Body is not IBlockOperation { Operations: { Length: > 0 } operations } ||
            !IsIncrement(operations[operations.Length - 1], counter) ||
            UpperBound(loop.Condition, counter) is not { } bound ||
            AssignmentsTo(counter).Count() != 1 ||
            operations.Any(o => Leaves(o, loop, BranchKind.Continue)) || // C# skips the step: read as a loop without a counter
            following.SelectMany(o => o.DescendantsAndSelf()).OfType<ILocalReferenceOperation>().Any(r => SymbolEqualityComparer.Default.Equals(r.Local, counter)))
        {
            return false;
        }

        var from = ParseInteger(init.Value);
        if (from is null)
        {
            return true;
        }

        string counterName = CounterName(counter);
        var statements = ParseLoopBody(loop, operations.Take(operations.Length - 1).ToList(), output);
        output.Add(new ForLoop(counterName, IntegerKeyword(counter.Type), from, bound, statements));
        return true;
    }

    private static bool IsIncrement(IOperation operation, ILocalSymbol counter) => Step(operation, counter) > 0;

    /// <summary>+1 for i++, ++i, i += 1; −1 for i--, --i, i -= 1; else 0.</summary>
    private static int Step(IOperation operation, ILocalSymbol counter)
    {
        if (operation is IExpressionStatementOperation statement)
        {
            operation = statement.Operation;
        }

        bool IsCounter(IOperation target) => target is ILocalReferenceOperation local && SymbolEqualityComparer.Default.Equals(local.Local, counter);
        return operation switch
        {
            IIncrementOrDecrementOperation { Kind: OperationKind.Increment } step when IsCounter(step.Target) => 1,
            IIncrementOrDecrementOperation { Kind: OperationKind.Decrement } step when IsCounter(step.Target) => -1,
            ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add, Value.ConstantValue: { HasValue: true, Value: 1 } } add when IsCounter(add.Target) => 1,
            ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Subtract, Value.ConstantValue: { HasValue: true, Value: 1 } } subtract when IsCounter(subtract.Target) => -1,
            _ => 0,
        };
    }

    /// <summary>The exclusive upper bound of <c>i &lt; n</c>, <c>i &lt;= n</c> (n + 1), <c>n &gt; i</c>, <c>n &gt;= i</c>, or null.</summary>
    private Expr? UpperBound(IOperation? condition, ILocalSymbol counter) => Bound(condition, counter, ascending: true);

    /// <summary>The exclusive lower bound of <c>i &gt; n</c>, <c>i &gt;= n</c> (n − 1), <c>n &lt; i</c>, <c>n &lt;= i</c>, or null.</summary>
    private Expr? LowerBound(IOperation? condition, ILocalSymbol counter) => Bound(condition, counter, ascending: false);

    /// <summary>
    /// The exclusive bound a counting loop's condition sets on its counter, on the side it counts towards: an
    /// inclusive comparison (<c>&lt;=</c> counting up, <c>&gt;=</c> counting down) moves the bound by one.
    /// </summary>
    private Expr? Bound(IOperation? condition, ILocalSymbol counter, bool ascending)
    {
        if (condition is not IBinaryOperation { OperatorMethod: null } comparison)
        {
            return null;
        }

        bool IsCounter(IOperation o) => o is ILocalReferenceOperation r && SymbolEqualityComparer.Default.Equals(r.Local, counter);

        // Written with the counter on the left, counter < n counts up to n; n > counter is the same test.
        var (op, bound) = IsCounter(comparison.LeftOperand) ? (comparison.OperatorKind, comparison.RightOperand)
            : IsCounter(comparison.RightOperand) ? (Mirror(comparison.OperatorKind), comparison.LeftOperand)
            : (BinaryOperatorKind.None, (IOperation?)null);
        bool? inclusive = (op, ascending) switch
        {
            (BinaryOperatorKind.LessThan, true) or (BinaryOperatorKind.GreaterThan, false) => false,
            (BinaryOperatorKind.LessThanOrEqual, true) or (BinaryOperatorKind.GreaterThanOrEqual, false) => true,
            _ => null,
        };
        if (bound is null || inclusive is null || bound.DescendantsAndSelf().Any(IsCounter))
        {
            return null;
        }

        var parsed = ParseInteger(bound);
        return parsed is null || inclusive == false
            ? parsed
            : new Binary(ascending ? BinaryOperator.Add : BinaryOperator.Subtract, parsed, Constant.One);
    }

    private static BinaryOperatorKind Mirror(BinaryOperatorKind kind) => kind switch
    {
        BinaryOperatorKind.LessThan => BinaryOperatorKind.GreaterThan,
        BinaryOperatorKind.LessThanOrEqual => BinaryOperatorKind.GreaterThanOrEqual,
        BinaryOperatorKind.GreaterThan => BinaryOperatorKind.LessThan,
        BinaryOperatorKind.GreaterThanOrEqual => BinaryOperatorKind.LessThanOrEqual,
        _ => kind,
    };

    private void ReportLoop(ILoopOperation loop, string reason) =>
        Report(DiagnosticDescriptors.LoopNotSupported, loop.Syntax.GetFirstToken(), LoopKeyword(loop), reason);

    // ---- expressions ----

    private Expr? ParseReal(IOperation operation)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack(); // a backstop: SizeLimits keeps input shallower than this
        _cancellationToken.ThrowIfCancellationRequested();
        if (operation.ConstantValue.HasValue)
        {
            return operation.ConstantValue.Value switch
            {
                double d => new Constant(d),
                float f => new Constant(f),
                int or long or short or sbyte or byte or uint or ulong or ushort =>
                    new Constant(Convert.ToDouble(operation.ConstantValue.Value, CultureInfo.InvariantCulture)),
                _ => Unsupported(operation),
            };
        }

        switch (operation)
        {
            case IThrowOperation or IConversionOperation { Operand: IThrowOperation }:
                return ParseThrowExpression((IThrowOperation)(operation is IConversionOperation converted ? converted.Operand : operation));

            case IPropertyReferenceOperation or IFieldReferenceOperation when TryParseNestedGradient(operation, out var nested):
                return nested;

            case IConversionOperation conversion when conversion.OperatorMethod is null && conversion.Type?.SpecialType == _real && IsInteger(conversion.Operand.Type):
                return ParseIntegerAsReal(conversion.Operand);

            case IConversionOperation conversion when conversion.OperatorMethod is null && conversion.Type?.SpecialType == _real &&
                                                      IsPromotable(conversion.Operand.Type):
                return ParseReal(conversion.Operand);

            case IParameterReferenceOperation parameter when _inlinedArguments.TryGetValue(parameter.Parameter, out var argument):
                return argument;

            case IParameterReferenceOperation parameter when parameter.Type?.SpecialType == _real:
                return new Variable(parameter.Parameter.Name);

            case ILocalReferenceOperation { Local.IsRef: true } alias when _elementAliases.TryGetValue(alias.Local, out var aliased):
                return ParseReal(aliased);

            case ILocalReferenceOperation local when local.Type?.SpecialType == _real && (!local.Local.IsRef || _elementCopies.Contains(local.Local)):
                return new Variable(NameOf(local.Local));

            case IParameterReferenceOperation parameter when IsPromotable(parameter.Type):
                // A float (or other numeric) parameter of a double method: read as it is, held constant.
                return new External(CSharpLexical.Identifier(parameter.Parameter.Name));

            // Of a type, of this object, or of a struct parameter (p.X: the struct is not differentiated, its fields are read
            // where they are, held constant; to differentiate with respect to X, pass it as a double parameter).
            case IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation or IParameterReferenceOperation { Parameter: { RefKind: RefKind.None, Type.IsValueType: true } } } field
                when IsPromotable(field.Type):
                return new External(MemberCode(field.Field, field.Instance));

            case IPropertyReferenceOperation { Instance: null or IInstanceReferenceOperation or IParameterReferenceOperation { Parameter: { RefKind: RefKind.None, Type.IsValueType: true } }, Arguments.IsEmpty: true } property
                when IsPromotable(property.Type) && property.Property.GetMethod is not null:
                return new External(MemberCode(property.Property, property.Instance));

            case IBinaryOperation { OperatorMethod: null } binary when binary.Type?.SpecialType == _real && ToBinaryOperator(binary.OperatorKind) is { } op:
            {
                var left = ParseReal(binary.LeftOperand);
                var right = ParseReal(binary.RightOperand);
                return left is null || right is null ? null : new Binary(op, left, right);
            }

            case IUnaryOperation { OperatorMethod: null, OperatorKind: UnaryOperatorKind.Minus } minus when minus.Type?.SpecialType == _real:
            {
                var operand = ParseReal(minus.Operand);
                return operand is null ? null : new Negate(operand);
            }

            case IUnaryOperation { OperatorMethod: null, OperatorKind: UnaryOperatorKind.Plus } plus when plus.Type?.SpecialType == _real:
                return ParseReal(plus.Operand);

            case IConditionalOperation { WhenFalse: { } whenFalse } ternary when ternary.Type?.SpecialType == _real:
            {
                var condition = ParseCondition(ternary.Condition);
                var whenTrue = ParseReal(ternary.WhenTrue);
                var otherwise = ParseReal(whenFalse);
                return condition is null || whenTrue is null || otherwise is null ? null : new Conditional(condition, whenTrue, otherwise);
            }

            case IInvocationOperation invocation:
                return ParseCall(invocation);

            case ISwitchExpressionOperation switchExpression when switchExpression.Type?.SpecialType == _real:
                return ParseSwitchExpression(switchExpression, ParseReal, integer: false);

            default:
                if (ElementAccess(operation) is { } access && ElementType(access.Vector.Type)?.SpecialType == _real)
                {
                    if (SliceOf(access.Vector) is { } slice)
                    {
                        if (slice.IsParameter)
                        {
                            CheckOutputRead(slice.Vector, operation.Syntax);
                        }

                        return SliceElement(slice, access.Index);
                    }

                    if (StaticIndexTable(access.Vector) is { } table)
                    {
                        // static readonly double[] Coefficients = { ... }: read where it is, as the method reads it; no derivative.
                        var tableIndex = ParseIndex(access.Index);
                        return tableIndex is null ? null : new Element(table, tableIndex);
                    }

                    var vector = VectorName(access.Vector);
                    if (vector is not null && access.Vector is IParameterReferenceOperation)
                    {
                        CheckOutputRead(vector, operation.Syntax);
                    }

                    var index = vector is null ? null : ParseIndex(access.Index);
                    return index is null ? null : new Element(vector!, index);
                }

                return Unsupported(operation);
        }
    }

    /// <summary>
    /// An integer expression where a real is expected, as the straight-line path reads it: a call is a call
    /// (<c>Math.Sign(x)</c>, derivative 0), a conditional chooses between its branches read as reals
    /// (<c>c ? 1 : -1</c> is <c>c ? 1.0 : -1.0</c>, its condition recorded like any other), and anything else is
    /// computed in integers first.
    /// </summary>
    private Expr? ParseIntegerAsReal(IOperation operation)
    {
        switch (operation)
        {
            case IInvocationOperation invocation when !IsIntegerMath(invocation):
                return ParseCall(invocation);

            case IConditionalOperation { WhenFalse: { } whenFalse } ternary when !operation.ConstantValue.HasValue:
            {
                var condition = ParseCondition(ternary.Condition);
                var whenTrue = ParseIntegerAsReal(ternary.WhenTrue);
                var otherwise = ParseIntegerAsReal(whenFalse);
                return condition is null || whenTrue is null || otherwise is null ? null : new Conditional(condition, whenTrue, otherwise);
            }

            case IConversionOperation { OperatorMethod: null } conversion when IsInteger(conversion.Type) && IsInteger(conversion.Operand.Type) &&
                                                                             (conversion.Operand is IConditionalOperation || conversion.Operand is IInvocationOperation call && !IsIntegerMath(call)):
                return ParseIntegerAsReal(conversion.Operand);

            default:
            {
                var integer = ParseInteger(operation);
                return integer switch
                {
                    null => null,
                    Constant constant => constant,
                    _ => new IntegerValue(integer),
                };
            }
        }
    }

    /// <summary>An integer expression (a count, a bound, an index): integer arithmetic as C# does it.</summary>
    private Expr? ParseInteger(IOperation operation)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack(); // a backstop: SizeLimits keeps input shallower than this
        if (_shiftedReads.Count > 0 && _shiftedReads.ContainsKey(operation))
        {
            // x[k++] * x[k++]: this read of k sees the steps before it in the statement (BodyParser.IndexSteps.cs).
            long applied = _shiftedReads[operation];
            _shiftedReads.Remove(operation);
            var read = Shifted(ParseInteger(operation), applied);
            _shiftedReads[operation] = applied;
            return read;
        }

        if (operation.ConstantValue is { HasValue: true, Value: int or long or short or byte or sbyte or ushort or uint })
        {
            return new Constant(Convert.ToDouble(operation.ConstantValue.Value, CultureInfo.InvariantCulture));
        }

        switch (operation)
        {
            case IConversionOperation { OperatorMethod: null } conversion when IsInteger(conversion.Type) && IsInteger(conversion.Operand.Type):
                return KeepsIntegerConversion(conversion) && ParseInteger(conversion.Operand) is { } converted ? new IntegerCast(IntegerKeyword(conversion.Type!), converted) : ParseInteger(conversion.Operand);
            case ILocalReferenceOperation local when IsInteger(local.Type):
                return new Variable(NameOf(local.Local));
            case IParameterReferenceOperation parameter when IsInteger(parameter.Type):
                return new Variable(IntegerParameterName(parameter.Parameter));
            case IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field when IsInteger(field.Type):
                return new External(MemberCode(field.Field, field.Instance));
            case IPropertyReferenceOperation { Instance: null or IInstanceReferenceOperation, Arguments.IsEmpty: true } property
                when IsInteger(property.Type) && property.Property.GetMethod is not null:
                return new External(MemberCode(property.Property, property.Instance));
            case IPropertyReferenceOperation { Property.Name: "Length", Instance: { } instance, Arguments.IsEmpty: true } when ElementType(instance.Type) is not null:
                return VectorLength(instance);
            case IBinaryOperation { OperatorMethod: null } binary when IsInteger(binary.Type) && IntegerOperator(binary.OperatorKind) is { } op:
            {
                var left = ParseInteger(binary.LeftOperand);
                var right = ParseInteger(binary.RightOperand);
                return left is null || right is null ? null : new Binary(op, left, right);
            }

            case IUnaryOperation { OperatorMethod: null, OperatorKind: UnaryOperatorKind.Minus } minus when IsInteger(minus.Type):
            {
                var operand = ParseInteger(minus.Operand);
                return operand is null ? null : new Negate(operand);
            }

            default:
                if (ElementAccess(operation) is { } access && IsInteger(ElementType(access.Vector.Type)) && IndexTableName(access.Vector) is { } table)
                {
                    var index = ParseIndex(access.Index);
                    return index is null ? null : new Element(table, index);
                }

                if (ElementAccess(operation) is { Vector: ILocalReferenceOperation { Local: var reported } } && _reportedLocals.Contains(reported))
                {
                    return null; // reported at its declaration
                }

                return TryParseMoreInteger(operation, out var more) ? more : Unsupported(operation);
        }
    }

    /// <summary>The length of a vector (a parameter, a buffer, a slice, a static table), or null (reported).</summary>
    private Expr? VectorLength(IOperation vector) =>
        StaticIndexTable(vector) is { } staticTable ? new Member(new External(staticTable), "Length")
        : SliceOf(vector) is { } slice ? slice.Length
        : VectorName(vector) is { } name ? new Member(new Variable(name), "Length")
        : null;

    private Expr? ParseCondition(IOperation operation)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack(); // a backstop: SizeLimits keeps input shallower than this
        switch (operation)
        {
            case IBinaryOperation { OperatorMethod: null } logical
                when logical.OperatorKind is BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr ||
                     logical.OperatorKind is BinaryOperatorKind.And or BinaryOperatorKind.Or && logical.Type?.SpecialType == SpecialType.System_Boolean:
            {
                // & and | of bools are && and || of conditions, which have no side effects to evaluate.
                var left = ParseCondition(logical.LeftOperand);
                var right = ParseCondition(logical.RightOperand);
                var op = logical.OperatorKind is BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.And ? LogicalOperator.And : LogicalOperator.Or;
                return left is null || right is null ? null : new Logical(op, left, right);
            }

            case IBinaryOperation { OperatorMethod: null } comparison when ToComparisonOperator(comparison.OperatorKind) is { } op:
            {
                bool integers = IsInteger(comparison.LeftOperand.Type) && IsInteger(comparison.RightOperand.Type);
                var left = integers ? ParseInteger(comparison.LeftOperand) : ParseReal(comparison.LeftOperand);
                var right = integers ? ParseInteger(comparison.RightOperand) : ParseReal(comparison.RightOperand);
                if (left is null || right is null)
                {
                    return null;
                }

                // +x < x is x < x once parsed: false for every x, and written so C# does not warn (CS1718).
                return op is ComparisonOperator.Less or ComparisonOperator.Greater && left.Equals(right)
                    ? new BoolConstant(false)
                    : new Comparison(op, integers ? AsReal(left) : left, integers ? AsReal(right) : right);
            }

            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
            {
                var operand = ParseCondition(not.Operand);
                return operand is null ? null : new Not(operand);
            }

            case ILiteralOperation { ConstantValue: { HasValue: true, Value: bool value } }:
                return new BoolConstant(value);

            case ILocalReferenceOperation { Type.SpecialType: SpecialType.System_Boolean } local:
                return new Variable(NameOf(local.Local));

            case IParameterReferenceOperation { Type.SpecialType: SpecialType.System_Boolean } parameter:
                return new Variable(parameter.Parameter.Name);

            case IIsPatternOperation test:
                return ParseIsPattern(test);

            // x.IsEmpty is x.Length == 0.
            case IPropertyReferenceOperation { Property.Name: "IsEmpty", Instance: { } vector, Arguments.IsEmpty: true } when ElementType(vector.Type) is not null:
                return VectorLength(vector) is { } length ? new Comparison(ComparisonOperator.Equal, AsReal(length), Constant.Zero) : null;

            case IInvocationOperation call when TryParseFloatingTest(call, out var test):
                return test;

            default:
                return UnsupportedCondition(operation);
        }
    }

    // An integer operand of a comparison: atoms read the same in integer and real code; anything else is
    // computed in integers first.
    private static Expr AsReal(Expr integer) => integer is Variable or Constant or Member ? integer : new IntegerValue(integer);

    private Expr? ParseCall(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        var nameLocation = invocation.Syntax is InvocationExpressionSyntax call ? call.Expression : invocation.Syntax;
        bool realSignature = RealTypes.HasSignature(method, _real);
        bool isMath = RealTypes.IsMathFor(method, _real);
        Function? function = null;
        if (TryParseReduction(invocation, out var reduced))
        {
            return reduced;
        }

        if (DerivativeDeclarationReader.HasDeclaredDerivative(method) && method.Parameters.Any(p => ElementType(p.Type) is not null))
        {
            return ParseVectorCall(invocation, method, nameLocation);
        }

        if (NestedCallee(invocation) is ({ } over, false) && method.Parameters.Any(p => ElementType(p.Type) is not null))
        {
            return ParseValuedGradientOverSpans(invocation, method, over, nameLocation);
        }

        if (MethodParser.IsDifferentiable(method) && method.Parameters.Any(p => ElementType(p.Type) is not null) &&
            method.ReturnType.SpecialType == _real && method.IsStatic && !method.IsGenericMethod)
        {
            // Another [Differentiable] method over spans: its generated vector-Jacobian products are its derivatives.
            string? path = DifferentiableCallees.RecursionPath(_method, method, _semanticModel, _cancellationToken);
            if (path is not null)
            {
                Report(DiagnosticDescriptors.Recursion, nameLocation, _method.Name, DisplayName(method), path);
                return null;
            }

            // A vector-valued callee writes into its span arguments, which the caller's sweeps would not know about.
            var calleeOutputs = VectorOutputs.OfCallee(method, _semanticModel.Compilation, _cancellationToken);
            if (calleeOutputs.Count > 0)
            {
                return ParseValuedOutputCall(invocation, method, nameLocation, calleeOutputs);
            }

            _calls.AddDifferentiableCall(method, invocation.Syntax);
            return ParseVectorArguments(invocation, method, DifferentiableCallees.DescribeOverVectors(method, _real));
        }

        if (isMath && (realSignature || (method.Name == "Sign" && method.Parameters.Length == 1 && method.Parameters[0].Type.SpecialType == _real)))
        {
            function = BuiltinFunctions.TryGetMath(method.Name, method.Parameters.Length);
        }
        else if (DerivativeDeclarationReader.HasDeclaredDerivative(method))
        {
            function = DerivativeDeclarationReader.ReadCallable(method, _real, out string? error);
            if (error is not null)
            {
                Report(DiagnosticDescriptors.InvalidDerivativeDeclaration, nameLocation, DisplayName(method), error);
                return null;
            }
        }
        else if (MethodParser.IsDifferentiable(method))
        {
            string? path = DifferentiableCallees.RecursionPath(_method, method, _semanticModel, _cancellationToken);
            if (path is not null)
            {
                Report(DiagnosticDescriptors.Recursion, nameLocation, _method.Name, DisplayName(method), path);
                return null;
            }

            if (UncallableReason(method) is { } reason)
            {
                Report(DiagnosticDescriptors.UnsupportedExpression, nameLocation, $"A call of the [Differentiable] method '{DisplayName(method)}', {reason}");
                return null;
            }

            // Another scalar [Differentiable] method: called as it is in the forward sweep; the backward sweep
            // calls its generated gradient at the same arguments and reads the partials from it.
            function = DifferentiableCallees.Describe(method);
        }

        if (function is null && method.MethodKind == MethodKind.LocalFunction)
        {
            return ParseLocalFunctionCall(invocation, method, nameLocation);
        }

        if (function is null && method.ContainingType?.ToDisplayString() == "System.Linq.Enumerable")
        {
            // xs.Sum(), x.Select(v => v * v).Sum(), as NumPy's np.sum(x): the loop it stands for is what is differentiated.
            Report(DiagnosticDescriptors.UnsupportedExpression, nameLocation,
                $"The LINQ call '{invocation.Syntax}' (Sum, Average, Max and Min of an array are accepted, with a one-parameter lambda as selector: x.Sum(v => v * v), x.Select(v => v * a).Sum(); for anything else write the loop it stands for: {RealTypes.Keyword(_real)} s = 0; foreach (var v in xs) s += v; for xs.Sum())");
            return null;
        }

        if (function is null)
        {
            Report(DiagnosticDescriptors.UnknownFunction, nameLocation, DisplayName(method));
            return null;
        }

        var arguments = new List<Expr>();
        foreach (var argument in invocation.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0))
        {
            // A [Differentiable] callee's int or bool parameter (Power(x, 3)) is passed through, with no partial.
            var value = function.IsDifferentiableCallee && argument.Parameter?.Type.SpecialType != _real ? ParseHeldArgument(argument) : ParseReal(argument.Value);
            if (value is null)
            {
                return null;
            }

            arguments.Add(value);
        }

        // A [Differentiable] callee's gradient reports only its selected parameters: where a value that may depend
        // on a differentiated parameter goes into another one (stacked layers), its body is differentiated here.
        if (function.IsDifferentiableCallee && MayNeedPartialsNotSelected(function, arguments) && TryInline(method, arguments) is { } inlined)
        {
            return inlined;
        }

        if (function.IsDifferentiableCallee && function.GradientProperties.Any(property => property is null))
        {
            _calls.SelectingCalled.Add(function.DisplayName);
        }

        if (function.IsDifferentiableCallee)
        {
            _calls.AddDifferentiableCall(method, invocation.Syntax);
        }

        var parsed = new Call(function, arguments.ToEquatableArray()) { Location = LocationInfo.From(invocation.Syntax) };
        if (!function.IsDifferentiableCallee || ReferenceEquals(invocation, _statementValue))
        {
            return parsed;
        }

        // Another [Differentiable] method gets a local of its own, so that the backward sweep calls its gradient once.
        string temporary = _names.Fresh(NameAllocator.ToCamelCase(method.Name));
        _currentOutput.Add(new DeclareReal(temporary, parsed));
        return new Variable(temporary);
    }

    /// <summary>
    /// A function over vectors with declared vector-Jacobian products: whole vectors (parameters or buffers) as
    /// its span arguments, reals and integers as the others. Unless it is a declaration's whole value, it is
    /// hoisted into a local of its own.
    /// </summary>
    private Expr? ParseVectorCall(IInvocationOperation invocation, IMethodSymbol method, SyntaxNode nameLocation)
    {
        var function = DerivativeDeclarationReader.ReadVectorCallable(method, out string? error);
        if (function is null)
        {
            Report(DiagnosticDescriptors.InvalidDerivativeDeclaration, nameLocation, DisplayName(method), error ?? "invalid declaration");
            return null;
        }

        return ParseVectorArguments(invocation, method, function);
    }

    /// <summary>The arguments of a call of a function over vectors, and the call (hoisted into a local unless it is a declaration's whole value).</summary>
    private Expr? ParseVectorArguments(IInvocationOperation invocation, IMethodSymbol method, VectorFunction function)
    {
        var arguments = new List<Expr>();
        foreach (var argument in invocation.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0))
        {
            var value = argument.Value;
            Expr? parsed;
            if (ElementType(argument.Parameter?.Type) is not null)
            {
                while (value is IConversionOperation conversion)
                {
                    value = conversion.Operand;
                }

                // VectorName reports what it cannot name; a slice passes the view of the vector it slices.
                parsed = ElementType(value.Type)?.SpecialType != _real ? Unsupported(value)
                    : IsSliceLocal(value) || IsSliceForm(value) ? SliceArgument(value)
                    : VectorName(value) is { } vector ? new VectorArgument(vector) : null;
                if (parsed is VectorArgument { Vector: var passed } && value is IParameterReferenceOperation)
                {
                    CheckOutputRead(passed, value.Syntax);
                }

            }
            else if (IsInteger(argument.Parameter?.Type))
            {
                var integer = ParseInteger(value);
                parsed = integer is null ? null : new IntegerValue(integer);
            }
            else
            {
                parsed = ParseReal(value);
            }

            if (parsed is null)
            {
                return null;
            }

            arguments.Add(parsed);
        }

        var call = new VectorCall(function, arguments.ToEquatableArray()) { Location = LocationInfo.From(invocation.Syntax) };
        if (ReferenceEquals(invocation, _statementValue))
        {
            return call;
        }

        string temporary = _names.Fresh(NameAllocator.ToCamelCase(method.Name));
        _currentOutput.Add(new DeclareReal(temporary, call));
        return new Variable(temporary);
    }

    /// <summary>The vector and index of <c>x[i]</c> on an array, a span or a read-only span; else null.</summary>
    private static (IOperation Vector, IOperation Index)? ElementAccess(IOperation operation) => operation switch
    {
        // An int or long index: the gradient of an array is written into a span, whose indexer takes an int (ParseIndex converts a long).
        IArrayElementReferenceOperation { Indices.Length: 1 } array when IsInteger(array.Indices[0].Type) || IsFromEnd(array.Indices[0]) =>
            (array.ArrayReference, array.Indices[0]),
        IImplicitIndexerReferenceOperation { Instance: var instance, Argument: var fromEnd } when ElementType(instance.Type) is not null && IsFromEnd(fromEnd) =>
            (instance, fromEnd),
        IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } instance, Arguments.Length: 1 } indexer
            when ElementType(instance.Type) is not null && IsInteger(indexer.Arguments[0].Value.Type) =>
            (instance, indexer.Arguments[0].Value),
        _ => null,
    };

    /// <summary>The name an integer table is read under: a parameter, or an index table local; else null.</summary>
    private string? IndexTableName(IOperation vector) => vector switch
    {
        IParameterReferenceOperation parameter => parameter.Parameter.Name,
        ILocalReferenceOperation local when _indexTables.TryGetValue(local.Local, out var name) => name,
        _ => null,
    };

    private string? VectorName(IOperation vector)
    {
        switch (vector)
        {
            case ILocalReferenceOperation local when _indexTables.TryGetValue(local.Local, out var table):
                return table;
            case IParameterReferenceOperation parameter:
                return parameter.Parameter.Name;
            case ILocalReferenceOperation local when _buffers.Contains(local.Local):
                return local.Local.Name;
            case var slice when IsSliceLocal(slice) || IsSliceForm(Unconverted(slice)):
                ReportWholeSlice(slice);
                return null;
            default:
                Unsupported(vector);
                return null;
        }
    }

    private bool IsPromotable(ITypeSymbol? type) => OperationFacts.IsPromotable(type, _real);

    private Expr? Unsupported(IOperation operation)
    {
        if (operation is ILocalReferenceOperation { Local: var reported } && _reportedLocals.Contains(reported))
        {
            return null;
        }

        Report(DiagnosticDescriptors.UnsupportedExpression, operation.Syntax, OperationDescriber.Describe(operation));
        return null;
    }

    private void Report(DiagnosticDescriptor descriptor, SyntaxNode syntax, params string[] arguments) =>
        _diagnostics.Add(DiagnosticInfo.Create(descriptor, LocationInfo.From(syntax), arguments));

    private void Report(DiagnosticDescriptor descriptor, SyntaxToken token, params string[] arguments) =>
        _diagnostics.Add(DiagnosticInfo.Create(descriptor, LocationInfo.From(token), arguments));
}
