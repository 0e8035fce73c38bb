using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SymbolicDiff.Generator.Diagnostics;
using SymbolicDiff.Generator.Model;
using static SymbolicDiff.Generator.Parsing.OperationFacts;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>
/// Integer code beyond + - * / %, as people write it first: bit operations and shifts, <c>c ? 1 : -1</c> and
/// <c>i == 0 ? 0 : i - 1</c> in an integer, <c>(int)(x * n)</c>, and static index tables of the type
/// (<c>static readonly int[] Order</c>, <c>static ReadOnlySpan&lt;int&gt; Order =&gt; [...]</c>). Integers carry no derivative.
/// <para>
/// Inside a loop the backward sweep computes an integer local again, at the top of each iteration it reruns, where
/// the reals of that iteration already hold their last values. So what an integer reads there must not change
/// after it: a condition that reads real locals is recorded in a bool of its own (<c>bool signCondition = s &gt; 1;</c>) and
/// a converted real in a real of its own (<c>double cellReal = s * n;</c>), each assigned once, which the backward sweep
/// restores like any local of the loop. What reads only inputs nothing writes (<c>x[i] &gt; 0</c> of a read-only span) is
/// computed again instead, and costs no saved value.
/// </para>
/// </summary>
internal sealed partial class BodyParser
{
    // The integer local whose value is being parsed, to name what its value records (signCondition, cellReal).
    private string? _integerLocal;

    /// <summary>The IR operator of an integer binary operator kind: arithmetic, %, bit operations and shifts; else null.</summary>
    private static BinaryOperator? IntegerOperator(BinaryOperatorKind kind) => kind switch
    {
        BinaryOperatorKind.Remainder => BinaryOperator.Remainder,
        BinaryOperatorKind.And => BinaryOperator.BitwiseAnd,
        BinaryOperatorKind.Or => BinaryOperator.BitwiseOr,
        BinaryOperatorKind.ExclusiveOr => BinaryOperator.ExclusiveOr,
        BinaryOperatorKind.LeftShift => BinaryOperator.LeftShift,
        BinaryOperatorKind.RightShift => BinaryOperator.RightShift,
        BinaryOperatorKind.UnsignedRightShift => BinaryOperator.UnsignedRightShift,
        _ => ToBinaryOperator(kind),
    };

    /// <summary>
    /// The integer forms <see cref="ParseInteger"/> leaves to this file: <c>~n</c>, <c>c ? a : b</c>, a real converted to
    /// an integer, an element of a static index table. False when <paramref name="operation"/> is none of them.
    /// </summary>
    private bool TryParseMoreInteger(IOperation operation, out Expr? parsed)
    {
        parsed = null;
        switch (operation)
        {
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Hat } hat:
                parsed = ParseFromEnd(hat);
                return true;

            case IUnaryOperation { OperatorMethod: null, OperatorKind: UnaryOperatorKind.BitwiseNegation } complement when IsInteger(complement.Type):
            {
                var operand = ParseInteger(complement.Operand);
                parsed = operand is null ? null : new BitwiseComplement(operand);
                return true;
            }

            case IUnaryOperation { OperatorMethod: null, OperatorKind: UnaryOperatorKind.Plus } plus when IsInteger(plus.Type):
                parsed = ParseInteger(plus.Operand);
                return true;

            case IConditionalOperation { WhenFalse: { } whenFalse } ternary when IsInteger(ternary.Type):
            {
                var condition = ParseCondition(ternary.Condition);
                var whenTrue = ParseInteger(ternary.WhenTrue);
                var otherwise = ParseInteger(whenFalse);
                if (condition is null || whenTrue is null || otherwise is null)
                {
                    return true;
                }

                if (_loopDepth > 0 && ReadsReals(ternary.Condition) && !ReadsOnlyInputs(ternary.Condition) && condition is not Variable)
                {
                    condition = Recorded(condition);
                }

                parsed = new Conditional(condition, whenTrue, otherwise);
                return true;
            }

            case IInvocationOperation call when IsIntegerMath(call):
                parsed = ParseIntegerMath(call);
                return true;

            case IIncrementOrDecrementOperation step when IsIndexStep(step):
                parsed = ParseInteger(step.Target); // its step is a statement of its own (BodyParser.IndexSteps.cs)
                return true;

            case ISwitchExpressionOperation switchExpression when IsInteger(switchExpression.Type):
                parsed = ParseSwitchExpression(switchExpression, ParseInteger, integer: true);
                return true;

            case IConversionOperation { OperatorMethod: null } conversion when IsInteger(conversion.Type) && RealTypes.IsReal(conversion.Operand.Type):
            {
                // Truncation toward zero, as C# converts; piecewise constant, so its derivative is 0 (like Math.Truncate).
                if (conversion.IsChecked)
                {
                    return false;
                }

                var real = conversion.Operand.Type!.SpecialType == _real || IsPromotable(conversion.Operand.Type) ? ParseReal(conversion.Operand) : Unsupported(conversion.Operand);
                if (real is null)
                {
                    return true;
                }

                // A constant here came from a callee read in place (H(w, 0.25)): held in a local, so that (int)q / (int)q
                // stays a division C# computes at run time, as the callee's own code does, not a constant one it rejects.
                if (real is Constant && !conversion.Operand.ConstantValue.HasValue ||
                    _loopDepth > 0 && real is not Constant && !ReadsOnlyInputs(conversion.Operand))
                {
                    real = Held(real, (conversion.Operand as IParameterReferenceOperation)?.Parameter.Name);
                }

                parsed = new IntegerConversion(IntegerKeyword(conversion.Type!), real);
                return true;
            }

            default:
                if (ElementAccess(operation) is { } access && IsInteger(ElementType(access.Vector.Type)))
                {
                    if (StaticIndexTable(access.Vector) is { } table)
                    {
                        var index = ParseIndex(access.Index);
                        parsed = index is null ? null : new Element(table, index);
                        return true;
                    }

                    if (access.Vector is IFieldReferenceOperation or IPropertyReferenceOperation)
                    {
                        Report(DiagnosticDescriptors.UnsupportedExpression, operation.Syntax,
                            $"Reading the integer table '{access.Vector.Syntax}' by index, a member that may change ('{operation.Syntax}') (an index table of the type is a static readonly int[] field or a static ReadOnlySpan<int> property; or pass it as a ReadOnlySpan<int> parameter)");
                        return true;
                    }
                }

                return false;
        }
    }

    /// <summary><c>Math.Min</c>, <c>Max</c>, <c>Abs</c> or <c>Clamp</c> of integers (<c>Math.Min(3, x.Length)</c>).</summary>
    private static bool IsIntegerMath(IInvocationOperation call) =>
        call.TargetMethod is { IsStatic: true, Name: "Min" or "Max" or "Abs" or "Clamp" } method &&
        method.ContainingType?.ToDisplayString() == "System.Math" && IsInteger(method.ReturnType);

    /// <summary>
    /// An integer <c>Math.Min</c>, <c>Max</c>, <c>Abs</c> or <c>Clamp</c> (a loop's bound, <c>i &lt; Math.Min(3, x.Length)</c>), written as
    /// the comparison it makes: <c>a &lt;= b ? a : b</c>, <c>a &gt;= b ? a : b</c>, <c>a &lt; 0 ? -a : a</c>, and
    /// <c>v &lt; lo ? lo : v &gt; hi ? hi : v</c>. Integers carry no derivative, so nothing differentiates it. (<c>Math.Abs</c> of
    /// the least value and <c>Math.Clamp</c> with <c>lo &gt; hi</c>, which throw, return a value here.)
    /// </summary>
    private Expr? ParseIntegerMath(IInvocationOperation call)
    {
        var arguments = call.Arguments.OrderBy(argument => argument.Parameter?.Ordinal ?? 0).Select(argument => ParseInteger(argument.Value)).ToList();
        if (arguments.Any(argument => argument is null))
        {
            return null;
        }

        Expr Test(ComparisonOperator op, Expr left, Expr right) => new Comparison(op, AsReal(left), AsReal(right));
        var a = arguments[0]!;
        return call.TargetMethod.Name switch
        {
            "Min" => new Conditional(Test(ComparisonOperator.LessOrEqual, a, arguments[1]!), a, arguments[1]!),
            "Max" => new Conditional(Test(ComparisonOperator.GreaterOrEqual, a, arguments[1]!), a, arguments[1]!),
            "Abs" => new Conditional(Test(ComparisonOperator.Less, a, Constant.Zero), new Negate(a), a),
            _ => new Conditional(Test(ComparisonOperator.Less, a, arguments[1]!), arguments[1]!,
                new Conditional(Test(ComparisonOperator.Greater, a, arguments[2]!), arguments[2]!, a)),
        };
    }

    /// <summary>
    /// Whether an integer conversion must be written: a long narrowed to int (<c>t[(int)(k + j)]</c>), or an int widened
    /// explicitly as an operand of long arithmetic (<c>(long)i &lt;&lt; 40</c>, <c>(long)n * n</c>), where it changes the result. A
    /// value widened as a whole (<c>long m = n * 2;</c>), or where C# widens anyway, needs none.
    /// </summary>
    private static bool KeepsIntegerConversion(IConversionOperation conversion) =>
        !conversion.Operand.ConstantValue.HasValue &&
        (conversion.Type?.SpecialType == SpecialType.System_Int32 && conversion.Operand.Type?.SpecialType == SpecialType.System_Int64 ||
         conversion.Type?.SpecialType == SpecialType.System_Int64 && conversion.Operand.Type?.SpecialType == SpecialType.System_Int32 &&
         !conversion.IsImplicit && conversion.Parent is IBinaryOperation or IUnaryOperation);

    /// <summary>A condition the parser does not read: <c>^</c> of bools gets the advice to write <c>!=</c>; anything else is SD0005 as usual.</summary>
    private Expr? UnsupportedCondition(IOperation operation)
    {
        if (operation is IBinaryOperation { OperatorMethod: null, OperatorKind: BinaryOperatorKind.ExclusiveOr, Type.SpecialType: SpecialType.System_Boolean } exclusive)
        {
            Report(DiagnosticDescriptors.UnsupportedExpression, operation.Syntax,
                $"The '^' operator on bools ('{exclusive.Syntax}') (write it as two conditions: (a && !b) || (!a && b))");
            return null;
        }

        return Unsupported(operation);
    }

    /// <summary>
    /// A static field or property of integers the body reads by index (<c>Order[i]</c>): <c>static readonly int[]</c>, or a
    /// <c>ReadOnlySpan&lt;int&gt;</c> property, read where it is as C# code; null for anything else.
    /// </summary>
    private static string? StaticIndexTable(IOperation vector) => vector switch
    {
        IFieldReferenceOperation { Instance: null, Field: { IsStatic: true, IsReadOnly: true } field } => MemberCode(field, null),
        IFieldReferenceOperation { Instance: null, Field: { IsStatic: true, IsConst: true } field } => MemberCode(field, null),
        IPropertyReferenceOperation { Instance: null, Arguments.IsEmpty: true, Property: { IsStatic: true, GetMethod: not null, SetMethod: null } property }
            when property.Type is INamedTypeSymbol { Name: "ReadOnlySpan" } => MemberCode(property, null),
        _ => null,
    };

    /// <summary>Whether an operation reads a real anywhere in it (a condition over reals, not only over integers and bools).</summary>
    private bool ReadsReals(IOperation operation) =>
        operation.DescendantsAndSelf().Any(o => RealTypes.IsReal(o.Type) && !o.ConstantValue.HasValue);

    /// <summary>
    /// Whether the reals an operation reads are inputs no statement writes (real parameters never assigned, elements of
    /// <c>ReadOnlySpan</c> parameters): then the backward sweep computes it again to the same value, and nothing is recorded.
    /// </summary>
    private bool ReadsOnlyInputs(IOperation operation) => operation.DescendantsAndSelf().All(o => o switch
    {
        ILocalReferenceOperation local => !RealTypes.IsReal(local.Type) && ElementType(local.Type) is null,
        IParameterReferenceOperation parameter when _inlinedArguments.ContainsKey(parameter.Parameter) => false, // a callee read in place: the caller's value
        IParameterReferenceOperation parameter when ElementType(parameter.Type) is not null =>
            parameter.Type is INamedTypeSymbol { Name: "ReadOnlySpan" },
        IParameterReferenceOperation parameter => !RealTypes.IsReal(parameter.Type) || !IsAssigned(parameter.Parameter),
        IInvocationOperation invocation => !MethodParser.IsDifferentiable(invocation.TargetMethod),
        _ => true,
    });

    /// <summary>Whether the body assigns the parameter (<c>x = ...</c>, <c>x += ...</c>, <c>x++</c>).</summary>
    private bool IsAssigned(IParameterSymbol parameter) => _body.IsAssigned(parameter);

    /// <summary><c>bool signCondition = x[i] &gt; 0;</c>: a condition an integer in a loop reads, recorded once (under the branch's guard).</summary>
    private Variable Recorded(Expr condition)
    {
        string name = _names.Fresh((_integerLocal ?? "integer") + "Condition");
        _claimed.Add(name);
        _currentOutput.Add(new DeclareBool(name, _guard is null ? condition : new Logical(LogicalOperator.And, _guard, condition)));
        return new Variable(name);
    }

    /// <summary><c>double cellReal = x[i] * n;</c>: a real an integer in a loop converts, held in a local assigned once.</summary>
    private Variable Held(Expr real, string? parameter = null)
    {
        string name = _names.Fresh((_integerLocal ?? parameter ?? "integer") + "Real");
        _claimed.Add(name);
        _currentOutput.Add(new DeclareReal(name, GuardedDeclaration(real)));
        return new Variable(name);
    }

    /// <summary>
    /// An argument for a parameter of a scalar [Differentiable] callee that is not real: an integer (a count) or a bool (a
    /// flag), passed through as written, with no partial; null (reported) for anything else.
    /// </summary>
    private Expr? ParseHeldArgument(IArgumentOperation argument)
    {
        if (argument.Parameter?.Type.SpecialType == SpecialType.System_Boolean)
        {
            var condition = ParseCondition(argument.Value);
            return condition is null ? null : new HeldArgument(condition, IsCondition: true);
        }

        var value = argument.Value;
        while (value is IConversionOperation { OperatorMethod: null } widening && IsInteger(widening.Type) && IsInteger(widening.Operand.Type))
        {
            value = widening.Operand;
        }

        var integer = ParseInteger(value);
        return integer is null ? null : new HeldArgument(integer, IsCondition: false);
    }

    /// <summary>
    /// Null when a scalar [Differentiable] callee can be called: static, not generic, returning the real type, and taking
    /// each parameter by value, as the real type (differentiated or held) or as an int, long or bool (passed through, with
    /// no partial). Otherwise what stops it, and how such a callee is written.
    /// </summary>
    private string? UncallableReason(IMethodSymbol method)
    {
        string real = RealTypes.Keyword(_real);
        string rule = $"(a [Differentiable] method called from another is static, not generic, returns {real} and takes its parameters by value, as {real}, int, long or bool)";
        if (!method.IsStatic)
        {
            return "an instance method " + rule;
        }

        if (method.IsGenericMethod)
        {
            return "a generic method " + rule;
        }

        if (method.ReturnType.SpecialType != _real)
        {
            return $"which returns '{method.ReturnType.ToDisplayString()}' " + rule;
        }

        var other = method.Parameters.FirstOrDefault(p => p.RefKind != RefKind.None ||
                                                          !(p.Type.SpecialType == _real || IsInteger(p.Type) || p.Type.SpecialType == SpecialType.System_Boolean));
        return other is null ? null : $"whose parameter '{other.Name}' is {(other.RefKind == RefKind.None ? string.Empty : other.RefKind.ToString().ToLowerInvariant() + " ")}'{other.Type.ToDisplayString()}' " + rule;
    }

    /// <summary>
    /// <c>best = j;</c>, <c>count = count + 1;</c>, <c>idx = (idx + step) % n;</c>, <c>m *= 2;</c> on an integer local from inside
    /// a loop deeper than its declaration (one assigned where it was declared gets a new version instead, and a step is a
    /// <see cref="StepInteger"/>): an <see cref="AssignInteger"/>, whose overwritten value the backward sweep restores.
    /// False when the target is not such a local.
    /// </summary>
    private bool TryParseIntegerAssignmentInLoop(IOperation operation, List<Statement> output)
    {
        if (operation is not IAssignmentOperation assignment)
        {
            return false;
        }

        Variable current;
        if (CopiedParameter(assignment.Target) is { } parameter && !IsIntegerStep(operation, parameter))
        {
            current = new Variable(IntegerParameterName(parameter));
        }
        else if (assignment.Target is not ILocalReferenceOperation { Local: var local } || !IsInteger(local.Type) || local.IsRef || IsIntegerStep(operation, local))
        {
            return false;
        }
        else
        {
            current = new Variable(NameOf(local));
        }

        _integerLocal = current.Name;
        Expr? value = assignment switch
        {
            ISimpleAssignmentOperation simple => ParseInteger(simple.Value),
            ICompoundAssignmentOperation { OperatorMethod: null } compound when IntegerOperator(compound.OperatorKind) is { } op =>
                ParseInteger(compound.Value) is { } right ? new Binary(op, current, right) : null,
            _ => Unsupported(operation),
        };
        _integerLocal = null;
        if (value is not null)
        {
            output.Add(new AssignInteger(current.Name, value, _guard));
        }

        return true;
    }
}
