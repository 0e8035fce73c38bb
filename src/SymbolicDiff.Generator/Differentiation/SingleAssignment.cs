using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// The single-assignment pass over a loop-free block of the structured IR: every write defines a new name (a
/// local keeps its own name for its first value, later values are <c>t_1</c>, <c>t_2</c>, ...), so that the
/// straight-line reverse transform (<see cref="ReverseModeDifferentiator"/>) can refer to each intermediate
/// value and run its call-normalisation, shared-subexpression and simplification passes on them. A branch's
/// guarded write (<c>t = branch ? e : t</c>) becomes <c>t_1 = branch ? e : t</c>; a value the method reads as a
/// real from an integer, a field or a float is read once into a local of its own (<c>double nAsDouble = n;</c>),
/// so that derivative code never does integer arithmetic by accident.
/// </summary>
/// <remarks>
/// A block holding a loop, a buffer or an element of a vector is not lowered (null): it keeps its mutable
/// variables and goes through the loop transform, which restores what the backward sweep needs.
/// </remarks>
internal sealed class SingleAssignment
{
    private readonly NameAllocator _names;
    private readonly HashSet<string> _parameters;
    private readonly string _realSuffix;
    private readonly List<Assignment> _body = new();
    private readonly Dictionary<string, string> _current = new();
    private readonly HashSet<string> _unassigned = new();
    private readonly Dictionary<string, string> _integerTypes = new();
    private readonly Dictionary<string, string> _realCopies = new();
    private readonly HashSet<string> _declaredWithoutValue = new();

    private SingleAssignment(MethodModel method)
    {
        _parameters = new HashSet<string>(method.Parameters.Select(p => p.Name));
        _names = new NameAllocator(_parameters.Concat(StatementFacts.DeclaredNames(method.Statements)).Concat(ReadNames(method.Statements)));
        _realSuffix = method.IsSingle ? "AsFloat" : "AsDouble";
        foreach (var parameter in method.Parameters.Where(p => IsIntegerType(p.TypeName)))
        {
            _integerTypes[parameter.Name] = parameter.TypeName;
        }
    }

    /// <summary>The method as a straight-line program and the name its result has there, or null when it has loops or vectors.</summary>
    public static (EquatableArray<Assignment> Body, string Result)? TryLower(MethodModel method)
    {
        if (method.Parameters.Any(p => p.IsVector && p.IsDifferentiated))
        {
            return null;
        }

        var pass = new SingleAssignment(method);
        try
        {
            foreach (var statement in method.Statements)
            {
                pass.Lower(statement);
            }
        }
        catch (NotStraightLineException)
        {
            return null;
        }

        return pass.NamedAfterTheResult(method.Result);
    }

    /// <summary>
    /// The body, with the result's last version under the result's own name (<c>huber</c>, not <c>huber_1</c>), so that
    /// the backward sweep reads ∂huber/∂delta; the two names trade places. Only for a result declared without a value
    /// (<c>double y;</c>, or what several returns write): one given a value keeps it under its own name, as written.
    /// </summary>
    private (EquatableArray<Assignment> Body, string Result) NamedAfterTheResult(string result)
    {
        string final = Current(result);
        if (final == result || !_declaredWithoutValue.Contains(result))
        {
            return (_body.ToEquatableArray(), final);
        }

        string Swap(string name) => name == final ? result : name == result ? final : name;
        var body = _body
            .Select(a => a with
            {
                Target = Swap(a.Target),
                Value = ExpressionFacts.Rewrite(a.Value, e => e is Variable v && (v.Name == final || v.Name == result) ? new Variable(Swap(v.Name)) : null),
            })
            .ToEquatableArray();
        return (body, result);
    }

    private void Lower(Statement statement)
    {
        switch (statement)
        {
            case DeclareReal { Unassigned: true } declared:
                // double y; — defined by its first assignment; until then a read (a branch not taken) is 0.
                _unassigned.Add(declared.Name);
                _declaredWithoutValue.Add(declared.Name);
                break;

            case DeclareReal { IntegerCode: true } declared:
                Define(declared.Name, Integer(declared.Value), hasIntegerValue: true);
                break;

            case DeclareReal declared:
                Define(declared.Name, Real(declared.Value));
                break;

            case AssignReal { Target: Variable target } assigned:
            {
                var (value, replaced) = MergedWithThenBranch(Real(assigned.Value));
                Define(target.Name, value, version: replaced);
                break;
            }

            case DeclareBool condition:
                Define(condition.Name, Condition(condition.Condition), isBoolean: true);
                break;

            case DeclareInteger integer:
                _integerTypes[integer.Name] = integer.TypeName;
                Define(integer.Name, Integer(integer.Value), integerType: integer.TypeName);
                break;

            case AssignInteger assign:
            {
                var current = new Variable(Current(assign.Name));
                Expr value = Integer(assign.Value);
                if (assign.Guard is not null)
                {
                    value = new Conditional(Condition(assign.Guard), value, current);
                }

                Define(assign.Name, value, integerType: _integerTypes.TryGetValue(assign.Name, out var assignedType) ? assignedType : "int");
                break;
            }

            case StepInteger step:
            {
                var current = new Variable(Current(step.Name));
                Expr value = new Binary(step.Subtract ? BinaryOperator.Subtract : BinaryOperator.Add, current, Integer(step.Delta));
                if (step.Guard is not null)
                {
                    value = new Conditional(Condition(step.Guard), value, current);
                }

                Define(step.Name, value, integerType: _integerTypes.TryGetValue(step.Name, out var type) ? type : "int");
                break;
            }

            default:
                // A loop, a buffer, an element written: the loop transform's business.
                throw new NotStraightLineException();
        }
    }

    /// <summary>
    /// Adds <c>name = value</c> under the name's next version: a local keeps its own name the first time it gets a
    /// value; a parameter, or a local assigned again, gets a fresh one (or <paramref name="version"/>, a dropped version's name it takes over).
    /// </summary>
    private void Define(string name, Expr value, bool isBoolean = false, string? integerType = null, bool hasIntegerValue = false, string? version = null)
    {
        bool first = !_current.ContainsKey(name) && !_parameters.Contains(name);
        version ??= first ? name : _names.Fresh(name);
        _unassigned.Remove(name);
        _body.Add(new Assignment(version, name, value, isBoolean, IntegerType: integerType, HasIntegerValue: hasIntegerValue));
        _current[name] = version;
    }

    /// <summary>
    /// An <c>else</c> branch's write <c>t_2 = !branch ? e : t_1</c> right after the <c>then</c> branch's
    /// <c>t_1 = branch ? a : t</c>, where nothing else reads <c>t_1</c>: one value, <c>t_2 = branch ? a : e</c>, as the
    /// <c>if</c>/<c>else</c> reads, under <c>t_1</c>'s name, which it replaces (returned). Otherwise the value before the <c>if</c> would reach the
    /// result through two complementary guards, and the backward sweep would compute a partial that is always 0.
    /// </summary>
    private (Expr Value, string? Replaced) MergedWithThenBranch(Expr value)
    {
        if (value is not Conditional { WhenFalse: Variable previous } elseWrite)
        {
            return (value, null);
        }

        int index = _body.FindLastIndex(a => a.Target == previous.Name);
        if (index < 0 || _body[index] is not { IsDouble: true, Value: Conditional thenWrite } ||
            !Complementary(thenWrite.Condition, elseWrite.Condition) ||
            ExpressionFacts.Variables(elseWrite.WhenTrue).Contains(previous.Name) ||
            _body.Skip(index + 1).Any(a => ExpressionFacts.Variables(a.Value).Contains(previous.Name)))
        {
            return (value, null);
        }

        _body.RemoveAt(index);
        return (new Conditional(thenWrite.Condition, thenWrite.WhenTrue, elseWrite.WhenTrue), previous.Name);
    }

    private static bool Complementary(Expr first, Expr second) =>
        (second is Not notSecond && notSecond.Operand.Equals(first)) || (first is Not notFirst && notFirst.Operand.Equals(second));

    private string Current(string name) => _current.TryGetValue(name, out var version) ? version : name;

    private Expr Read(string name) => _unassigned.Contains(name) ? Constant.Zero : new Variable(Current(name));

    /// <summary>A real-valued expression, with its names at their current versions.</summary>
    private Expr Real(Expr expression) => expression switch
    {
        Constant => expression,
        Variable variable => Read(variable.Name),
        Negate negate => new Negate(Real(negate.Operand)),
        Binary binary => new Binary(binary.Operator, Real(binary.Left), Real(binary.Right)),
        Conditional conditional => new Conditional(Condition(conditional.Condition), Real(conditional.WhenTrue), Real(conditional.WhenFalse)),
        Call call => call with { Arguments = call.Arguments.Select(Real).ToEquatableArray() },
        HeldArgument held => held with { Value = held.IsCondition ? Condition(held.Value) : Integer(held.Value) },
        IntegerValue { Integer: Variable integer } => RealCopy(Current(integer.Name), integer.Name + _realSuffix, new Variable(Current(integer.Name))),
        IntegerValue converted => Converted(converted.Integer),
        External external => RealCopy(external.Code, CopyName(external.Code), external),
        _ => throw new NotStraightLineException(),
    };

    /// <summary>A condition: comparisons of reals or integers, &amp;&amp;, ||, !, bools.</summary>
    private Expr Condition(Expr condition) => condition switch
    {
        BoolConstant => condition,
        Variable variable => Read(variable.Name),
        Not not => new Not(Condition(not.Operand)),
        Logical logical => new Logical(logical.Operator, Condition(logical.Left), Condition(logical.Right)),
        Comparison comparison => new Comparison(comparison.Operator, Real(comparison.Left), Real(comparison.Right)),
        _ => throw new NotStraightLineException(),
    };

    /// <summary>Integer code (a count, an index), computed as C# does: names renamed, nothing copied.</summary>
    private Expr Integer(Expr expression) => expression switch
    {
        Constant or External => expression,
        Variable variable => Read(variable.Name),
        Negate negate => new Negate(Integer(negate.Operand)),
        Binary binary => new Binary(binary.Operator, Integer(binary.Left), Integer(binary.Right)),
        Conditional conditional => new Conditional(Condition(conditional.Condition), Integer(conditional.WhenTrue), Integer(conditional.WhenFalse)),
        BitwiseComplement complement => new BitwiseComplement(Integer(complement.Operand)),
        IntegerCast cast => cast with { Integer = Integer(cast.Integer) },
        SliceStart slice => slice with { VectorLength = Integer(slice.VectorLength), Start = Integer(slice.Start), Length = Integer(slice.Length) },
        SliceIndex slice => new SliceIndex(Integer(slice.Index), Integer(slice.Length)),
        IntegerConversion conversion => conversion with { Real = Real(conversion.Real) },
        _ => throw new NotStraightLineException(),
    };

    /// <summary><c>double nAsDouble = n;</c> (or <c>double scale = this.scale;</c>), once per value read.</summary>
    private Variable RealCopy(string key, string wanted, Expr value)
    {
        if (!_realCopies.TryGetValue(key, out var name))
        {
            name = _names.Fresh(wanted);
            _body.Add(new Assignment(name, wanted, value));
            _realCopies[key] = name;
        }

        return new Variable(name);
    }

    /// <summary>Integer arithmetic read as a real (<c>x * (n / 2)</c>): computed in integers, then converted once.</summary>
    private Variable Converted(Expr integer)
    {
        string name = _names.Fresh("converted");
        _body.Add(new Assignment(name, name, Integer(integer), HasIntegerValue: true));
        return new Variable(name);
    }

    /// <summary>The name of a copy of a member or a float parameter: <c>xAsDouble</c>, <c>this._scale</c> → <c>scale</c>.</summary>
    private string CopyName(string code)
    {
        string last = code.Substring(code.LastIndexOf('.') + 1).TrimStart('@');
        if (_parameters.Contains(last) && last == code.TrimStart('@'))
        {
            return last + _realSuffix;
        }

        string trimmed = last.TrimStart('_');
        return NameAllocator.ToCamelCase(trimmed.Length == 0 ? "member" : trimmed);
    }

    private static bool IsIntegerType(string typeName) => typeName is "int" or "long" or "short" or "byte" or "sbyte" or "ushort" or "uint";

    private static IEnumerable<string> ReadNames(IEnumerable<Statement> statements) =>
        statements.SelectMany(StatementFacts.Expressions).SelectMany(ExpressionFacts.Variables);

    private sealed class NotStraightLineException : System.Exception
    {
    }
}
