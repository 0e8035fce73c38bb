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
/// Walks a method body's <see cref="IOperation"/> tree (semantics, not text) and turns it into a
/// straight-line program in single-assignment form: every assignment defines a new name, so that the
/// backward sweep can refer to each intermediate value. Expressions are kept as the user wrote them.
/// </summary>
internal sealed partial class BodyParser
{
    private readonly IMethodSymbol _method;
    private readonly SemanticModel _semanticModel;

    // The method's real type: double, or float for a float method (whose arithmetic stays in float, with MathF).
    private readonly SpecialType _real;
    private readonly List<DiagnosticInfo> _diagnostics;
    private readonly CancellationToken _cancellationToken;
    private readonly List<Assignment> _body = new();
    private readonly Dictionary<ISymbol, string> _currentName = new(SymbolEqualityComparer.Default);
    private readonly HashSet<string> _claimedLocalNames = new();
    private readonly Dictionary<string, string> _doubleCopies = new();
    private readonly Dictionary<ISymbol, string> _memberCopies = new(SymbolEqualityComparer.Default);
    private readonly NameAllocator _names;
    private string? _result;

    // Branches are flattened into single assignments guarded by the recorded condition of the branch
    // they are in: `v = taken ? e : 0`. `_branch` is the condition of the innermost enclosing branch; the
    // backward sweep follows the same recorded conditions, so the gradient is that of the path taken. A method
    // with several returns takes the structured path (LoopBodyParser), which records each return once, so here
    // the one return is the method's last statement.
    private Expr? _branch;

    private BodyParser(IMethodSymbol method, SemanticModel semanticModel, IEnumerable<string> reservedNames, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        _method = method;
        _semanticModel = semanticModel;
        _real = RealTypes.Of(method);
        _diagnostics = diagnostics;
        _cancellationToken = cancellationToken;
        _names = new NameAllocator(reservedNames);
    }

    public static (EquatableArray<Assignment> Body, string Result)? Parse(
        SemanticModel semanticModel,
        IMethodSymbol method,
        MethodDeclarationSyntax declaration,
        List<DiagnosticInfo> diagnostics,
        CancellationToken cancellationToken) =>
        Parse(semanticModel, method, declaration, diagnostics, Enumerable.Empty<string>(), new CallSites(), cancellationToken);

    /// <summary>
    /// Parses the body; <paramref name="differentiated"/> names the differentiated parameters (a callee whose
    /// unselected parameter receives a value depending on them is inlined), and <paramref name="calls"/>
    /// records what was inlined and which selecting callees were called as they are.
    /// </summary>
    public static (EquatableArray<Assignment> Body, string Result)? Parse(
        SemanticModel semanticModel,
        IMethodSymbol method,
        MethodDeclarationSyntax declaration,
        List<DiagnosticInfo> diagnostics,
        IEnumerable<string> differentiated,
        CallSites calls,
        CancellationToken cancellationToken)
    {
        if (MethodBody.Bind(semanticModel, method, declaration, diagnostics, cancellationToken) is not IBlockOperation block)
        {
            return null;
        }

        var reserved = method.Parameters.Select(p => p.Name)
            .Concat(block.Descendants().OfType<IVariableDeclaratorOperation>().Select(d => d.Symbol.Name));
        var parser = new BodyParser(method, semanticModel, reserved, diagnostics, cancellationToken);
        parser._differentiated.UnionWith(differentiated);
        parser._calls = calls;
        int problemsBefore = diagnostics.Count;
        parser.ParseBlock(block, isMethodBody: true);
        if (diagnostics.Count > problemsBefore || parser._result is null)
        {
            return null;
        }

        return (parser._body.ToEquatableArray(), parser._result);
    }

    private void ParseBlock(IBlockOperation block, bool isMethodBody)
    {
        for (int i = 0; i < block.Operations.Length; i++)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            bool isLast = isMethodBody && i == block.Operations.Length - 1;
            ParseStatement(block.Operations[i], isLast);
        }
    }

    private void ParseStatement(IOperation statement, bool isLastStatement)
    {
        switch (statement)
        {
            case IVariableDeclarationGroupOperation group:
                foreach (var declaration in group.Declarations)
                {
                    foreach (var declarator in declaration.Declarators)
                    {
                        ParseDeclarator(declarator, declarator.Initializer ?? declaration.Initializer);
                    }
                }

                break;

            case IExpressionStatementOperation expressionStatement:
                ParseExpressionStatement(expressionStatement.Operation);
                break;

            case IReturnOperation { ReturnedValue: { } returned } returnOperation:
                if (!isLastStatement)
                {
                    // Unreachable through the pipeline (several returns take the structured path); kept as the invariant.
                    Report(DiagnosticDescriptors.UnsupportedStatement, FirstToken(returnOperation.Syntax), "A 'return' before the end of the method");
                    break;
                }

                ParseReturn(returned);
                break;

            case IConditionalOperation branch:
                ParseIf(branch);
                break;

            case IBlockOperation nested:
                ParseBlock(nested, isMethodBody: false);
                break;

            case IEmptyOperation:
                break;

            default:
                Report(DiagnosticDescriptors.UnsupportedStatement, FirstToken(statement.Syntax), OperationDescriber.DescribeStatement(statement));
                break;
        }
    }

    private void ParseDeclarator(IVariableDeclaratorOperation declarator, IVariableInitializerOperation? initializer)
    {
        var local = declarator.Symbol;
        if (local.IsConst)
        {
            // Constants are read where they are used, through their constant value.
            return;
        }

        if (local.IsRef)
        {
            // A ref local writes through to what it aliases, which single assignment cannot follow.
            var identifier = declarator.Syntax is VariableDeclaratorSyntax refVariable ? LocationInfo.From(refVariable.Identifier) : LocationInfo.From(declarator.Syntax);
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedLocalType, identifier, local.Name, "ref " + local.Type.ToDisplayString()));
            return;
        }

        if (local.Type.SpecialType == SpecialType.System_Boolean)
        {
            var condition = initializer is null ? null : ParseCondition(initializer.Value);
            if (condition is not null)
            {
                DefineBoolean(local, condition);
            }

            return;
        }

        if (IsInteger(local.Type))
        {
            var integer = initializer is null ? null : ParseInteger(initializer.Value);
            if (integer is not null)
            {
                DefineInteger(local, local.Type, integer);
            }

            return;
        }

        if (local.Type.SpecialType != _real)
        {
            var syntax = declarator.Syntax is VariableDeclaratorSyntax variable ? LocationInfo.From(variable.Identifier) : LocationInfo.From(declarator.Syntax);
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedLocalType, syntax, local.Name, local.Type.ToDisplayString()));
            return;
        }

        if (initializer is null)
        {
            // Declared now, defined by its first assignment.
            return;
        }

        var value = ParseExpression(initializer.Value);
        if (value is not null)
        {
            Define(local, value);
        }
    }

    private void ParseExpressionStatement(IOperation operation)
    {
        switch (operation)
        {
            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation { Local.Type.SpecialType: SpecialType.System_Boolean } booleanTarget } booleanAssignment:
            {
                var condition = ParseCondition(booleanAssignment.Value);
                if (condition is not null)
                {
                    DefineBoolean(booleanTarget.Local, condition);
                }

                break;
            }

            case ISimpleAssignmentOperation integerAssignment when IntegerTarget(integerAssignment.Target) is { } integerTarget:
            {
                var value = ParseInteger(integerAssignment.Value);
                if (value is not null)
                {
                    DefineInteger(integerTarget.Symbol, integerTarget.Type, value);
                }

                break;
            }

            case ICompoundAssignmentOperation { OperatorMethod: null } integerCompound when IntegerTarget(integerCompound.Target) is { } integerTarget:
            {
                var op = ToIntegerOperator(integerCompound.OperatorKind);
                var value = op is null ? Unsupported(integerCompound) : ParseInteger(integerCompound.Value);
                if (op is not null && value is not null)
                {
                    DefineInteger(integerTarget.Symbol, integerTarget.Type, new Binary(op.Value, CurrentValue(integerTarget.Symbol), value));
                }

                break;
            }

            case IIncrementOrDecrementOperation integerIncrement when IntegerTarget(integerIncrement.Target) is { } integerTarget:
            {
                var op = integerIncrement.Kind == OperationKind.Increment ? BinaryOperator.Add : BinaryOperator.Subtract;
                DefineInteger(integerTarget.Symbol, integerTarget.Type, new Binary(op, CurrentValue(integerTarget.Symbol), Constant.One));
                break;
            }

            case ISimpleAssignmentOperation assignment:
            {
                var target = AssignedSymbol(assignment.Target);
                var value = ParseExpression(assignment.Value);
                if (target is not null && value is not null)
                {
                    Define(target, value);
                }

                break;
            }

            case ICompoundAssignmentOperation compound:
            {
                var target = AssignedSymbol(compound.Target);
                var binaryOperator = ToBinaryOperator(compound.OperatorKind);
                if (binaryOperator is null || compound.OperatorMethod is not null)
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, compound.Syntax, OperationDescriber.Describe(compound));
                    break;
                }

                var value = ParseExpression(compound.Value);
                if (target is not null && value is not null)
                {
                    Define(target, new Binary(binaryOperator.Value, CurrentValue(target), value));
                }

                break;
            }

            case IIncrementOrDecrementOperation increment:
            {
                var target = AssignedSymbol(increment.Target);
                if (target is not null)
                {
                    var binaryOperator = increment.Kind == OperationKind.Increment ? BinaryOperator.Add : BinaryOperator.Subtract;
                    Define(target, new Binary(binaryOperator, CurrentValue(target), Constant.One));
                }

                break;
            }

            default:
                Report(DiagnosticDescriptors.UnsupportedStatement, operation.Syntax, OperationDescriber.DescribeStatement(operation));
                break;
        }
    }

    private void ParseReturn(IOperation returned)
    {
        var value = ParseExpression(returned);
        if (value is not null)
        {
            SetResult(value);
        }
    }

    private void SetResult(Expr value)
    {
        if (value is Variable variable)
        {
            _result = variable.Name;
            return;
        }

        // Name the result after the method (Loss → loss) so the backward sweep can say ∂loss/∂a.
        string name = _names.Fresh(NameAllocator.ToCamelCase(_method.Name));
        _body.Add(new Assignment(name, name, value));
        _result = name;
    }

    /// <summary>
    /// <c>if (c) A else B</c>: the condition is recorded in a bool, both branches become guarded single
    /// assignments, and every variable either branch changed is merged with <c>c ? fromA : fromB</c>.
    /// </summary>
    private void ParseIf(IConditionalOperation branch)
    {
        var condition = ParseCondition(branch.Condition);
        if (condition is null)
        {
            return;
        }

        string taken = _names.Fresh("branch");
        _body.Add(new Assignment(taken, taken, And(CurrentGuard(), condition) ?? condition, IsBoolean: true));

        var before = new Dictionary<ISymbol, string>(_currentName, SymbolEqualityComparer.Default);
        var outerBranch = _branch;

        _branch = new Variable(taken);
        ParseStatement(branch.WhenTrue, isLastStatement: false);
        var afterThen = new Dictionary<ISymbol, string>(_currentName, SymbolEqualityComparer.Default);

        _currentName.Clear();
        foreach (var entry in before)
        {
            _currentName[entry.Key] = entry.Value;
        }

        if (branch.WhenFalse is not null)
        {
            // The else branch runs where the enclosing branch does and this condition does not.
            _branch = And(outerBranch, new Not(new Variable(taken)));
            ParseStatement(branch.WhenFalse, isLastStatement: false);
        }

        var afterElse = new Dictionary<ISymbol, string>(_currentName, SymbolEqualityComparer.Default);
        _branch = outerBranch;

        // Merge what either branch changed; locals declared inside a branch are out of scope here.
        _currentName.Clear();
        foreach (var entry in before)
        {
            _currentName[entry.Key] = entry.Value;
        }

        foreach (var symbol in afterThen.Keys.Union(afterElse.Keys, SymbolEqualityComparer.Default))
        {
            // A parameter not yet reassigned has no entry: on that side it is still the parameter itself.
            string? thenName = afterThen.TryGetValue(symbol, out var t) ? t : symbol is IParameterSymbol ? symbol.Name : null;
            string? elseName = afterElse.TryGetValue(symbol, out var e) ? e : symbol is IParameterSymbol ? symbol.Name : null;
            if (thenName is null || elseName is null || thenName == elseName)
            {
                continue;
            }

            var merged = new Conditional(new Variable(taken), new Variable(thenName!), new Variable(elseName!));
            string name = _names.Fresh(symbol.Name);
            var type = symbol switch { ILocalSymbol local => local.Type, IParameterSymbol parameter => parameter.Type, _ => null };
            bool isBoolean = type?.SpecialType == SpecialType.System_Boolean;
            _body.Add(new Assignment(name, symbol.Name, merged, isBoolean, IntegerType: IsInteger(type) ? IntegerKeyword(type!) : null));
            _currentName[symbol] = name;
        }
    }

    /// <summary>A bool-valued condition: comparisons, &amp;&amp;, ||, !, bool locals and parameters, true and false.</summary>
    private Expr? ParseCondition(IOperation operation)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack(); // a backstop: SizeLimits keeps input shallower than this
        if (operation.ConstantValue is { HasValue: true, Value: bool constant })
        {
            return new BoolConstant(constant);
        }

        switch (operation)
        {
            case IBinaryOperation { OperatorMethod: null } binary when ToComparisonOperator(binary.OperatorKind) is { } comparison &&
                                                                      IsNumeric(binary.LeftOperand.Type) && IsNumeric(binary.RightOperand.Type):
            {
                var left = ParseExpression(binary.LeftOperand);
                var right = ParseExpression(binary.RightOperand);

                // +x < x is x < x once parsed: false for every x, and written so C# does not warn (CS1718).
                if (left is null || right is null)
                {
                    return null;
                }

                return comparison is ComparisonOperator.Less or ComparisonOperator.Greater && left.Equals(right)
                    ? new BoolConstant(false)
                    : new Comparison(comparison, left, right);
            }

            case IBinaryOperation { OperatorMethod: null, OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr } logical:
            {
                var left = ParseCondition(logical.LeftOperand);
                var right = ParseCondition(logical.RightOperand);
                var op = logical.OperatorKind == BinaryOperatorKind.ConditionalAnd ? LogicalOperator.And : LogicalOperator.Or;
                return left is null || right is null ? null : new Logical(op, left, right);
            }

            case IUnaryOperation { OperatorMethod: null, OperatorKind: UnaryOperatorKind.Not } not:
            {
                var operand = ParseCondition(not.Operand);
                return operand is null ? null : new Not(operand);
            }

            case ILocalReferenceOperation local when local.Type?.SpecialType == SpecialType.System_Boolean:
                return CurrentValue(local.Local);

            case IParameterReferenceOperation parameter when parameter.Type?.SpecialType == SpecialType.System_Boolean:
                return new Variable(parameter.Parameter.Name);

            default:
                Report(DiagnosticDescriptors.UnsupportedExpression, operation.Syntax, OperationDescriber.DescribeCondition(operation));
                return null;
        }
    }

    private Expr? CurrentGuard() => _branch;

    /// <summary><c>guard ? value : 0</c>, except for a name or a constant, which are safe to evaluate anywhere.</summary>
    private static Expr Guarded(Expr guard, Expr value) =>
        value is Variable or Constant ? value : new Conditional(guard, value, Constant.Zero);

    private static Expr? And(Expr? left, Expr? right) =>
        left is null ? right : right is null ? left : new Logical(LogicalOperator.And, left, right);

    /// <summary>The local or parameter an assignment writes, or null (with a diagnostic) for anything else.</summary>
    private ISymbol? AssignedSymbol(IOperation target)
    {
        ISymbol? symbol = target switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            _ => null,
        };

        if (symbol is null || target.Type?.SpecialType != _real)
        {
            Report(DiagnosticDescriptors.UnsupportedStatement, target.Syntax, "An assignment to " + OperationDescriber.DescribeAssignmentTarget(target) + " (only double, int, long and bool locals and parameters can be assigned)");
            return null;
        }

        return symbol;
    }

    /// <summary>
    /// An int, float or other numeric parameter or integer local is read through a double copy of its
    /// current value (<c>double nAsDouble = n;</c>), as C# promotes it in double arithmetic: derivative code
    /// that divides by it must not do integer or single-precision arithmetic.
    /// </summary>
    private Variable AsDouble(ISymbol symbol)
    {
        string current = CurrentValue(symbol).Name;
        if (!_doubleCopies.TryGetValue(current, out string? name))
        {
            name = _names.Fresh(symbol.Name + (_real == SpecialType.System_Single ? "AsFloat" : "AsDouble"));
            _body.Add(new Assignment(name, symbol.Name, new Variable(current)));
            _doubleCopies[current] = name;
        }

        return new Variable(name);
    }

    /// <summary>
    /// A field or property of this type (or a static one of any type) is read once, at its first use, into a
    /// double local, and held constant: <c>double scale = this.scale;</c>.
    /// </summary>
    private Variable ReadMember(ISymbol member, IOperation? instance)
    {
        if (!_memberCopies.TryGetValue(member, out string? name))
        {
            string code = MemberCode(member, instance);
            string wanted = member.Name.TrimStart('_');
            name = _names.Fresh(NameAllocator.ToCamelCase(wanted.Length == 0 ? "member" : wanted));
            _body.Add(new Assignment(name, member.Name, new External(code)));
            _memberCopies[member] = name;
        }

        return new Variable(name);
    }

    /// <summary>An integer expression (a count, an index): integer arithmetic as C# does it, no derivative.</summary>
    private Expr? ParseInteger(IOperation operation)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack(); // a backstop: SizeLimits keeps input shallower than this
        if (operation.ConstantValue is { HasValue: true, Value: int or long or short or byte or sbyte or ushort or uint })
        {
            return new Constant(Convert.ToDouble(operation.ConstantValue.Value, CultureInfo.InvariantCulture));
        }

        switch (operation)
        {
            case IConversionOperation { OperatorMethod: null } conversion when IsInteger(conversion.Type) && IsInteger(conversion.Operand.Type):
                return ParseInteger(conversion.Operand);
            case ILocalReferenceOperation local when IsInteger(local.Type):
                return CurrentValue(local.Local);
            case IParameterReferenceOperation parameter when IsInteger(parameter.Type):
                return CurrentValue(parameter.Parameter);
            case IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field when IsInteger(field.Type):
                return new External(MemberCode(field.Field, field.Instance));
            case IPropertyReferenceOperation { Instance: null or IInstanceReferenceOperation, Arguments.IsEmpty: true } property
                when IsInteger(property.Type) && property.Property.GetMethod is not null:
                return new External(MemberCode(property.Property, property.Instance));
            case IBinaryOperation { OperatorMethod: null } binary when IsInteger(binary.Type) && ToIntegerOperator(binary.OperatorKind) is { } op:
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

            case IConditionalOperation { WhenFalse: { } whenFalse } ternary when IsInteger(ternary.Type):
            {
                var condition = ParseCondition(ternary.Condition);
                var whenTrue = ParseInteger(ternary.WhenTrue);
                var otherwise = ParseInteger(whenFalse);
                return condition is null || whenTrue is null || otherwise is null ? null : new Conditional(condition, whenTrue, otherwise);
            }

            default:
                return Unsupported(operation);
        }
    }

    private static BinaryOperator? ToIntegerOperator(BinaryOperatorKind kind) =>
        kind == BinaryOperatorKind.Remainder ? BinaryOperator.Remainder : ToBinaryOperator(kind);

    private void DefineInteger(ISymbol symbol, ITypeSymbol type, Expr value)
    {
        var guard = CurrentGuard();
        if (guard is not null)
        {
            value = Guarded(guard, value);
        }

        bool firstDefinitionOfLocal = symbol is ILocalSymbol && !_currentName.ContainsKey(symbol);
        string name = firstDefinitionOfLocal && _claimedLocalNames.Add(symbol.Name) ? symbol.Name : _names.Fresh(symbol.Name);
        _body.Add(new Assignment(name, symbol.Name, value, IntegerType: IntegerKeyword(type)));
        _currentName[symbol] = name;
    }

    /// <summary>The int or long local or parameter an assignment writes, or null.</summary>
    private static (ISymbol Symbol, ITypeSymbol Type)? IntegerTarget(IOperation target) => target switch
    {
        ILocalReferenceOperation local when IsInteger(local.Type) && !local.Local.IsRef => (local.Local, local.Type!),
        IParameterReferenceOperation parameter when IsInteger(parameter.Type) => (parameter.Parameter, parameter.Type!),
        _ => null,
    };

    private Variable CurrentValue(ISymbol symbol) =>
        new(_currentName.TryGetValue(symbol, out var name) ? name : symbol.Name);

    /// <summary>
    /// Adds a single-assignment definition: a local keeps its own name the first time (unless a local of
    /// the same name in a sibling block already has it), later values get fresh names.
    /// </summary>
    private void Define(ISymbol symbol, Expr value)
    {
        // Inside a branch the statement only counts where the branch is taken (and is 0 elsewhere, so
        // that nothing undefined from an untaken branch can reach the gradient).
        var guard = CurrentGuard();
        if (guard is not null)
        {
            value = Guarded(guard, value);
        }

        bool firstDefinitionOfLocal = symbol is ILocalSymbol && !_currentName.ContainsKey(symbol);
        string name = firstDefinitionOfLocal && _claimedLocalNames.Add(symbol.Name)
            ? symbol.Name
            : _names.Fresh(symbol.Name);
        _body.Add(new Assignment(name, symbol.Name, value));
        _currentName[symbol] = name;
    }

    private void DefineBoolean(ILocalSymbol local, Expr condition)
    {
        string name = !_currentName.ContainsKey(local) && _claimedLocalNames.Add(local.Name) ? local.Name : _names.Fresh(local.Name);
        _body.Add(new Assignment(name, local.Name, And(CurrentGuard(), condition) ?? condition, IsBoolean: true));
        _currentName[local] = name;
    }

    private Expr? ParseExpression(IOperation operation)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack(); // a backstop: SizeLimits keeps input shallower than this
        _cancellationToken.ThrowIfCancellationRequested();

        if (operation.ConstantValue.HasValue)
        {
            return operation.ConstantValue.Value switch
            {
                double d => new Constant(d),
                float f => new Constant(f),
                int or long or short or sbyte or byte or uint or ulong or ushort or decimal =>
                    new Constant(Convert.ToDouble(operation.ConstantValue.Value, CultureInfo.InvariantCulture)),
                _ => Unsupported(operation),
            };
        }

        switch (operation)
        {
            case IConversionOperation conversion
                when conversion.OperatorMethod is null && conversion.Type?.SpecialType == _real &&
                     IsInteger(conversion.Operand.Type) &&
                     conversion.Operand is not (ILocalReferenceOperation or IParameterReferenceOperation or IInvocationOperation):
            {
                // Integer arithmetic promoted to double (x * (n / 2)): computed as C# does, in integers, then
                // converted once into a double local.
                var integer = ParseInteger(conversion.Operand);
                if (integer is null)
                {
                    return null;
                }

                string name = _names.Fresh("converted");
                _body.Add(new Assignment(name, name, integer, HasIntegerValue: true));
                return new Variable(name);
            }

            case IConversionOperation conversion
                when conversion.OperatorMethod is null && conversion.Type?.SpecialType == _real && IsPromotable(conversion.Operand.Type):
                return ParseExpression(conversion.Operand);

            case IParameterReferenceOperation parameter when _inlinedArguments.TryGetValue(parameter.Parameter, out var argument):
                return argument;

            case IParameterReferenceOperation parameter when parameter.Type?.SpecialType == _real:
                return CurrentValue(parameter.Parameter);

            case IParameterReferenceOperation parameter when IsPromotable(parameter.Type):
                return AsDouble(parameter.Parameter);

            case ILocalReferenceOperation local when local.Type?.SpecialType == _real:
                return CurrentValue(local.Local);

            case ILocalReferenceOperation local when IsInteger(local.Type):
                return AsDouble(local.Local);

            case IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field when IsPromotable(field.Type):
                return ReadMember(field.Field, field.Instance);

            case IPropertyReferenceOperation { Instance: null or IInstanceReferenceOperation, Arguments.IsEmpty: true } property
                when IsPromotable(property.Type) && property.Property.GetMethod is not null:
                return ReadMember(property.Property, property.Instance);

            case IBinaryOperation binary:
                return ParseBinary(binary);

            case IUnaryOperation { OperatorMethod: null, OperatorKind: UnaryOperatorKind.Minus } minus
                when minus.Type?.SpecialType == _real:
            {
                var operand = ParseExpression(minus.Operand);
                return operand is null ? null : new Negate(operand);
            }

            case IUnaryOperation { OperatorMethod: null, OperatorKind: UnaryOperatorKind.Plus } plus
                when plus.Type?.SpecialType == _real:
                return ParseExpression(plus.Operand);

            case IInvocationOperation invocation:
                return ParseCall(invocation);

            case IConditionalOperation { WhenFalse: { } whenFalse } ternary when ternary.Type?.SpecialType == _real:
            {
                // c ? a : b: the derivative is that of the branch taken; the condition carries none.
                var condition = ParseCondition(ternary.Condition);
                var whenTrueValue = ParseExpression(ternary.WhenTrue);
                var whenFalseValue = ParseExpression(whenFalse);
                return condition is null || whenTrueValue is null || whenFalseValue is null
                    ? null
                    : new Conditional(condition, whenTrueValue, whenFalseValue);
            }

            default:
                return Unsupported(operation);
        }
    }

    private Expr? ParseBinary(IBinaryOperation binary)
    {
        var binaryOperator = ToBinaryOperator(binary.OperatorKind);
        if (binaryOperator is null || binary.OperatorMethod is not null || binary.Type?.SpecialType != _real)
        {
            return Unsupported(binary);
        }

        var left = ParseExpression(binary.LeftOperand);
        var right = ParseExpression(binary.RightOperand);
        return left is null || right is null ? null : new Binary(binaryOperator.Value, left, right);
    }

    private Expr? ParseCall(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        var nameLocation = invocation.Syntax is InvocationExpressionSyntax call ? call.Expression : invocation.Syntax;
        bool doubleSignature = RealTypes.HasSignature(method, _real);

        Function? function = null;

        // Math for a double method, MathF for a float one: the same rules, written in the method's own type.
        bool isMath = RealTypes.IsMathFor(method, _real);

        // Math.Sign is the one built-in that returns int; it is written as a real number in generated code.
        bool mathSignature = doubleSignature || (method.Name == "Sign" && method.Parameters.Length == 1 &&
                                                 method.Parameters[0].Type.SpecialType == _real);
        if (isMath && mathSignature)
        {
            function = BuiltinFunctions.TryGetMath(method.Name, method.Parameters.Length);
        }
        else if (!DerivativeDeclarationReader.HasDeclaredDerivative(method) && MethodParser.IsDifferentiable(method))
        {
            string? path = DifferentiableCallees.RecursionPath(_method, method, _semanticModel, _cancellationToken);
            if (path is not null)
            {
                Report(DiagnosticDescriptors.Recursion, nameLocation, _method.Name, DisplayName(method), path);
                return null;
            }

            if (!method.IsStatic || method.IsGenericMethod || !doubleSignature)
            {
                Report(DiagnosticDescriptors.UnknownFunction, nameLocation, DisplayName(method));
                return null;
            }

            function = DifferentiableCallees.Describe(method);
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

        if (function is null)
        {
            Report(DiagnosticDescriptors.UnknownFunction, nameLocation, DisplayName(method));
            return null;
        }

        var arguments = new List<Expr>();
        bool argumentsOk = true;
        foreach (var argument in invocation.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0))
        {
            var value = ParseExpression(argument.Value);
            argumentsOk &= value is not null;
            if (value is not null)
            {
                arguments.Add(value);
            }
        }

        if (!argumentsOk)
        {
            return null;
        }

        // A [Differentiable] callee's gradient reports only its selected parameters: where a value that depends
        // on a differentiated parameter goes into another one (stacked layers), its body is differentiated here.
        if (function.IsDifferentiableCallee && NeedsPartialsNotSelected(function, arguments) && TryInline(method, arguments) is { } inlined)
        {
            return inlined;
        }

        if (function.IsDifferentiableCallee && function.GradientProperties.Any(property => property is null))
        {
            _calls.SelectingCalled.Add(function.DisplayName);
        }

        return new Call(function, arguments.ToEquatableArray()) { Location = LocationInfo.From(invocation.Syntax) };
    }

    private bool IsPromotable(ITypeSymbol? type) => OperationFacts.IsPromotable(type, _real);

    private Expr? Unsupported(IOperation operation)
    {
        Report(DiagnosticDescriptors.UnsupportedExpression, operation.Syntax, OperationDescriber.Describe(operation));
        return null;
    }

    private void Report(DiagnosticDescriptor descriptor, SyntaxNode syntax, params string[] arguments) =>
        _diagnostics.Add(DiagnosticInfo.Create(descriptor, LocationInfo.From(syntax), arguments));

    private void Report(DiagnosticDescriptor descriptor, SyntaxToken token, params string[] arguments) =>
        _diagnostics.Add(DiagnosticInfo.Create(descriptor, LocationInfo.From(token), arguments));

    private static SyntaxToken FirstToken(SyntaxNode syntax) => syntax.GetFirstToken();
}
