using System.Collections.Generic;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>The <c>System.Math</c> functions whose derivative rules are built into the generator.</summary>
internal static class BuiltinFunctions
{
    private static readonly Dictionary<(string Name, int Arity), BuiltinFunction> MathFunctions = new()
    {
        [("Exp", 1)] = BuiltinFunction.Exp,
        [("Log", 1)] = BuiltinFunction.Log,
        [("Log", 2)] = BuiltinFunction.LogWithBase,
        [("Log10", 1)] = BuiltinFunction.Log10,
        [("Log2", 1)] = BuiltinFunction.Log2,
        [("Sqrt", 1)] = BuiltinFunction.Sqrt,
        [("Cbrt", 1)] = BuiltinFunction.Cbrt,
        [("Pow", 2)] = BuiltinFunction.Pow,
        [("Sin", 1)] = BuiltinFunction.Sin,
        [("Cos", 1)] = BuiltinFunction.Cos,
        [("Tan", 1)] = BuiltinFunction.Tan,
        [("Asin", 1)] = BuiltinFunction.Asin,
        [("Acos", 1)] = BuiltinFunction.Acos,
        [("Atan", 1)] = BuiltinFunction.Atan,
        [("Atan2", 2)] = BuiltinFunction.Atan2,
        [("Sinh", 1)] = BuiltinFunction.Sinh,
        [("Cosh", 1)] = BuiltinFunction.Cosh,
        [("Tanh", 1)] = BuiltinFunction.Tanh,
        [("Abs", 1)] = BuiltinFunction.Abs,
        [("Max", 2)] = BuiltinFunction.Max,
        [("Min", 2)] = BuiltinFunction.Min,
        [("Clamp", 3)] = BuiltinFunction.Clamp,
        [("FusedMultiplyAdd", 3)] = BuiltinFunction.FusedMultiplyAdd,
        [("Sign", 1)] = BuiltinFunction.Sign,
        [("Floor", 1)] = BuiltinFunction.Floor,
        [("Ceiling", 1)] = BuiltinFunction.Ceiling,
        [("Round", 1)] = BuiltinFunction.Round,
        [("Truncate", 1)] = BuiltinFunction.Truncate,
    };

    /// <summary>The names of the supported <c>Math</c> functions, for messages.</summary>
    public const string SupportedList =
        "Math.Exp, Log, Log10, Log2, Sqrt, Cbrt, Pow, Sin, Cos, Tan, Asin, Acos, Atan, Atan2, Sinh, Cosh, Tanh, Abs, Max, Min, Clamp, FusedMultiplyAdd, Sign, Floor, Ceiling, Round, Truncate";

    /// <summary>Looks up <c>System.Math.{name}</c> taking <paramref name="arity"/> doubles.</summary>
    public static Function? TryGetMath(string name, int arity) =>
        MathFunctions.TryGetValue((name, arity), out var kind) ? Math(kind) : null;

    /// <summary>The function record for a built-in, used both when parsing calls and when writing derivatives.</summary>
    public static Function Math(BuiltinFunction kind)
    {
        string name = kind == BuiltinFunction.LogWithBase ? "Log" : kind.ToString();
        return new("global::System.Math." + name, name, kind, EquatableArray<DeclaredPartial?>.Empty);
    }

    /// <summary>Builds a call of a built-in function (used by derivative rules, e.g. Sin' = Cos).</summary>
    public static Call Call(BuiltinFunction kind, params Expr[] arguments) => new(Math(kind), arguments.ToEquatableArray());
}
