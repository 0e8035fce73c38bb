using System.Collections.Generic;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>The <c>System.Math</c> functions whose derivative rules are built into the generator.</summary>
internal static class BuiltinFunctions
{
    private static readonly Dictionary<string, (BuiltinFunction Kind, int Arity)> MathFunctions = new()
    {
        ["Exp"] = (BuiltinFunction.Exp, 1),
        ["Log"] = (BuiltinFunction.Log, 1),
        ["Sqrt"] = (BuiltinFunction.Sqrt, 1),
        ["Pow"] = (BuiltinFunction.Pow, 2),
        ["Sin"] = (BuiltinFunction.Sin, 1),
        ["Cos"] = (BuiltinFunction.Cos, 1),
        ["Tan"] = (BuiltinFunction.Tan, 1),
        ["Tanh"] = (BuiltinFunction.Tanh, 1),
        ["Abs"] = (BuiltinFunction.Abs, 1),
    };

    /// <summary>Looks up <c>System.Math.{name}</c> taking <paramref name="arity"/> doubles.</summary>
    public static Function? TryGetMath(string name, int arity)
    {
        if (MathFunctions.TryGetValue(name, out var entry) && entry.Arity == arity)
        {
            return Math(entry.Kind);
        }

        return null;
    }

    /// <summary>The function record for a built-in, used both when parsing calls and when writing derivatives.</summary>
    public static Function Math(BuiltinFunction kind) =>
        new("global::System.Math." + kind, kind.ToString(), kind, EquatableArray<DeclaredPartial?>.Empty);

    /// <summary>Builds a call of a built-in function (used by derivative rules, e.g. Sin' = Cos).</summary>
    public static Call Call(BuiltinFunction kind, params Expr[] arguments) => new(Math(kind), arguments.ToEquatableArray());
}
