using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>The parser's look-up of the <c>System.Math</c> functions whose derivative rules are built in (<see cref="BuiltinRules"/>).</summary>
internal static class BuiltinFunctions
{
    /// <summary>The names of the supported <c>Math</c> functions, for messages.</summary>
    public static string SupportedList => BuiltinRules.SupportedList;

    /// <summary>Looks up <c>System.Math.{name}</c> taking <paramref name="arity"/> doubles.</summary>
    public static Function? TryGetMath(string name, int arity) =>
        BuiltinRules.Find(name, arity) is { } rule ? BuiltinRules.Function(rule.Kind) : null;
}
