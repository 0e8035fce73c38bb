using System.Globalization;
using System.Reflection;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Tests.Generator.Rules;

/// <summary>
/// The built-in derivative rules are data (<see cref="BuiltinRules"/>): each row's partials are checked here
/// against central differences of the <c>System.Math</c> function itself, so adding a row is one edit and the
/// test covers it; and the places that list the functions (SD0006, the README) are produced from the table.
/// </summary>
public class BuiltinRuleTests
{
    // Points inside every function's domain (Log, Sqrt, Asin, Acos and Pow need these ranges), away from kinks.
    private static readonly double[][] Points =
    {
        new[] { 0.3, 1.7, 2.9 },
        new[] { 0.55, 2.4, 0.8 },
        new[] { 0.8, 0.45, 1.3 },
    };

    public static IEnumerable<object[]> Rows() => BuiltinRules.All.Select(rule => new object[] { rule.Kind.ToString() });

    [Theory]
    [MemberData(nameof(Rows))]
    public void Each_partial_matches_central_differences_of_the_Math_function(string kind)
    {
        var rule = BuiltinRules.All.Single(r => r.Kind.ToString() == kind);
        var function = MathFunction(rule);
        foreach (var point in Points)
        {
            var arguments = point.Take(rule.Arity).ToArray();
            if (rule.Kind == BuiltinFunction.Clamp)
            {
                // Clamp(x, lo, hi) needs lo ≤ hi; x inside, below and above are all visited across the points.
                Array.Sort(arguments, 1, 2);
            }

            double value = function(arguments);
            for (int i = 0; i < rule.Arity; i++)
            {
                double expected = CentralDifference(function, arguments, i);
                double actual = Evaluate(rule.Partials[i], arguments, value);
                Assert.True(
                    Math.Abs(actual - expected) <= 1e-6 * Math.Max(1, Math.Abs(expected)),
                    $"∂{rule.Name}/∂(argument {i}) at ({string.Join(", ", arguments)}): the rule gives {actual}, central differences {expected}");
            }
        }
    }

    [Fact]
    public void Every_row_names_a_Math_function_and_its_float_counterpart_exists()
    {
        foreach (var rule in BuiltinRules.All)
        {
            Assert.NotNull(typeof(Math).GetMethod(rule.Name, Enumerable.Repeat(typeof(double), rule.Arity).ToArray()));
            string singleType = rule.SingleName.Substring("global::".Length, rule.SingleName.LastIndexOf('.') - "global::".Length);
            var type = typeof(Math).Assembly.GetType(singleType)!;
            Assert.True(
                type.GetMethod(rule.Name, Enumerable.Repeat(typeof(float), rule.Arity).ToArray()) is not null,
                $"{rule.SingleName}(float × {rule.Arity}) does not exist");
        }
    }

    [Fact]
    public void The_unknown_function_message_lists_exactly_the_table()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;
            public static partial class C
            {
                [Differentiable]
                public static double F(double x) => Math.BitIncrement(x);
            }
            """);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("SD0006", diagnostic.Id);
        string message = diagnostic.GetMessage(CultureInfo.InvariantCulture);
        foreach (var name in BuiltinRules.All.Select(r => r.Name).Distinct())
        {
            Assert.Contains(" " + name + ",", message.Replace("Math.", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        }

        Assert.Contains(BuiltinRules.SupportedList, message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_docs_list_the_tables_functions()
    {
        string supported = File.ReadAllText(Path.Combine(ReadmeExamplesTests.RepositoryRoot(), "docs", "supported.md"));
        Assert.Contains(BuiltinRules.SupportedList, supported, StringComparison.Ordinal);
    }

    [Fact]
    public void The_docs_table_of_functions_is_the_rules() =>
        SymbolicDiff.Tests.Docs.GeneratedDocSection.AssertUpToDate("docs/supported.md", "builtin-functions", FunctionTable());

    [Fact]
    public void The_table_of_functions_has_a_row_per_rule()
    {
        string table = FunctionTable();
        Assert.Equal(BuiltinRules.All.Count + 2, table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        foreach (var rule in BuiltinRules.All)
        {
            Assert.Contains($"| `Math.{rule.Name}` | {rule.Arity} |", table, StringComparison.Ordinal);
        }
    }

    /// <summary>The built-in functions as docs/supported.md shows them: one row per rule, in the table's order.</summary>
    private static string FunctionTable()
    {
        var lines = new List<string> { "| function | arguments | derivative | in a float method |", "|---|---:|---|---|" };
        foreach (var rule in BuiltinRules.All)
        {
            string formula = rule.Formula.Replace("|", "\\|", StringComparison.Ordinal);
            string single = rule.SingleName.Replace("global::System.", string.Empty, StringComparison.Ordinal);
            lines.Add($"| `Math.{rule.Name}` | {rule.Arity} | {formula} | `{single}` |");
        }

        return string.Join("\n", lines) + "\n";
    }

    [Fact]
    public void Pow_at_zero_is_finite_where_PyTorch_defines_it()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;
            public static partial class P
            {
                [Differentiable]
                public static double Power(double x, double w) => Math.Pow(x, w);
            }
            """).ShouldSucceed();
        var type = run.Load().GetType("P")!;
        double Partial(string name, double x, double w)
        {
            object gradient = type.GetMethod("PowerWithGradient")!.Invoke(null, new object[] { x, w })!;
            return (double)gradient.GetType().GetProperty(name)!.GetValue(gradient)!;
        }

        // ∂(xʷ)/∂w at x = 0: 0 (the limit of xʷ ln x for w > 0), not 0 · (−∞) = NaN.
        Assert.Equal(0.0, Partial("W", 0.0, 2.5));
        Assert.Equal(0.0, Partial("W", 0.0, 0.0));
        // ∂(xʷ)/∂x at x = 0, w = 0: x⁰ is constant, so 0, not 0 · 0⁻¹ = NaN.
        Assert.Equal(0.0, Partial("X", 0.0, 0.0));
        // Elsewhere the rule is unchanged: w·xʷ⁻¹ and xʷ ln x.
        Assert.Equal(2.5 * Math.Pow(1.5, 1.5), Partial("X", 1.5, 2.5), 12);
        Assert.Equal(Math.Pow(1.5, 2.5) * Math.Log(1.5), Partial("W", 1.5, 2.5), 12);
        Assert.Equal(2.0 * 0.0, Partial("X", 0.0, 2.0));
    }

    [Fact]
    public void A_float_method_can_clamp()
    {
        // MathF has no Clamp: a float method's Clamp is Math.Clamp(float, float, float), and its gradient compiles.
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;
            public static partial class S
            {
                [Differentiable]
                public static float Squash(float x, float hi) => Math.Clamp(x * x, 0f, hi);
            }
            """).ShouldSucceed();
        var type = run.Load().GetType("S")!;
        object gradient = type.GetMethod("SquashWithGradient")!.Invoke(null, new object[] { 0.5f, 1f })!;
        Assert.Equal(1.0f, (float)gradient.GetType().GetProperty("X")!.GetValue(gradient)!);   // 2x inside the bounds
        Assert.Equal(0.0f, (float)gradient.GetType().GetProperty("Hi")!.GetValue(gradient)!);
    }

    private static Func<double[], double> MathFunction(BuiltinRule rule)
    {
        var method = typeof(Math).GetMethod(rule.Name, Enumerable.Repeat(typeof(double), rule.Arity).ToArray())!;
        return arguments => Convert.ToDouble(method.Invoke(null, arguments.Cast<object>().ToArray()), CultureInfo.InvariantCulture);
    }

    /// <summary>Evaluates a rule's template: its own small interpreter, independent of the generator's passes.</summary>
    private static double Evaluate(Expr template, double[] arguments, double value) => template switch
    {
        Constant constant => constant.Value,
        RuleArgument argument => arguments[argument.Index],
        RuleValue => value,
        Negate negate => -Evaluate(negate.Operand, arguments, value),
        Binary binary => binary.Operator switch
        {
            BinaryOperator.Add => Evaluate(binary.Left, arguments, value) + Evaluate(binary.Right, arguments, value),
            BinaryOperator.Subtract => Evaluate(binary.Left, arguments, value) - Evaluate(binary.Right, arguments, value),
            BinaryOperator.Multiply => Evaluate(binary.Left, arguments, value) * Evaluate(binary.Right, arguments, value),
            _ => Evaluate(binary.Left, arguments, value) / Evaluate(binary.Right, arguments, value),
        },
        // Tanh's rule calls the runtime's derivative (BuiltinRules); every other template calls Math functions only.
        Call { Function.QualifiedName: "global::SymbolicDiff.Activations.TanhDerivative" } call =>
            Activations.TanhDerivative(Evaluate(call.Arguments[0], arguments, value), Evaluate(call.Arguments[1], arguments, value)),
        Call call => MathFunction(BuiltinRules.Of(call.Function.Builtin))(call.Arguments.Select(a => Evaluate(a, arguments, value)).ToArray()),
        Conditional conditional => Holds(conditional.Condition, arguments, value)
            ? Evaluate(conditional.WhenTrue, arguments, value)
            : Evaluate(conditional.WhenFalse, arguments, value),
        _ => throw new NotSupportedException(template.ToString()),
    };

    private static bool Holds(Expr condition, double[] arguments, double value) => condition switch
    {
        Logical { Operator: LogicalOperator.And } and => Holds(and.Left, arguments, value) && Holds(and.Right, arguments, value),
        Logical or => Holds(or.Left, arguments, value) || Holds(or.Right, arguments, value),
        Comparison comparison => comparison.Operator switch
        {
            ComparisonOperator.Less => Evaluate(comparison.Left, arguments, value) < Evaluate(comparison.Right, arguments, value),
            ComparisonOperator.LessOrEqual => Evaluate(comparison.Left, arguments, value) <= Evaluate(comparison.Right, arguments, value),
            ComparisonOperator.Greater => Evaluate(comparison.Left, arguments, value) > Evaluate(comparison.Right, arguments, value),
            ComparisonOperator.GreaterOrEqual => Evaluate(comparison.Left, arguments, value) >= Evaluate(comparison.Right, arguments, value),
            ComparisonOperator.Equal => Evaluate(comparison.Left, arguments, value) == Evaluate(comparison.Right, arguments, value),
            _ => Evaluate(comparison.Left, arguments, value) != Evaluate(comparison.Right, arguments, value),
        },
        _ => throw new NotSupportedException(condition.ToString()),
    };

    private static double CentralDifference(Func<double[], double> f, double[] point, int index)
    {
        double h = 1e-6 * Math.Max(1, Math.Abs(point[index]));
        var plus = (double[])point.Clone();
        var minus = (double[])point.Clone();
        plus[index] += h;
        minus[index] -= h;
        return (f(plus) - f(minus)) / (2 * h);
    }
}
