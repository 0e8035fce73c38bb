using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace SymbolicDiff.Tests.Generator.Limits;

/// <summary>
/// The generator never overflows the compiler's stack nor stalls it: an expression nested deeper than the
/// bound is SD0022 at the expression, a method too large is SD0023 at its name, both before anything recurses
/// over the input. The generator runs here on a 1 MB thread, an IDE worker's stack, where the recursive
/// stages overflowed at about 460 levels before the bound existed. Inputs at the bound still compile to a
/// correct gradient on that stack.
/// </summary>
public class SizeLimitTests
{
    private const int Bound = 200; // SizeLimits.MaxExpressionDepth, repeated so that a change to it is deliberate
    private const int OneMegabyte = 1024 * 1024;

    private const string Prefix = "using System;\nusing SymbolicDiff;\n\npublic static partial class Big\n{\n    [Differentiable]\n    public static double F(double x, double y)\n    {\n        return ";
    private const string Suffix = ";\n    }\n}\n";

    private static string DepthMessage() =>
        $"This expression in 'F' nests deeper than {Bound} levels (each operator, call and pair of parentheses is a level; a chain a + b + c + ... of n terms is n levels), more than SymbolicDiff can differentiate without risking the compiler's stack; split it into locals of at most {Bound} levels each: double t1 = ...; double t2 = t1 + ...;";

    /// <summary>Parses on this thread (Roslyn's business) and runs only the generator on a thread with a 1 MB stack.</summary>
    private static GeneratorRun RunOnOneMegabyteStack(string source)
    {
        var input = GeneratorHarness.Compile(source);
        GeneratorRun? run = null;
        Exception? thrown = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    var driver = GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(input, out var output, out var diagnostics);
                    run = new GeneratorRun(input, output, diagnostics, driver.GetRunResult());
                }
                catch (Exception exception)
                {
                    thrown = exception;
                }
            },
            OneMegabyte);
        thread.Start();
        thread.Join();
        Assert.Null(thrown);
        Assert.All(run!.RunResult.Results, result => Assert.Null(result.Exception));
        return run;
    }

    private static void AssertTooDeep(GeneratorRun run, string source, string expression)
    {
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("SD0022", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(DepthMessage(), diagnostic.GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal(new TextSpan(source.IndexOf(expression, StringComparison.Ordinal), expression.Length), diagnostic.Location.SourceSpan);
        Assert.Empty(run.GeneratedSources);

        // Roslyn itself binds the input (on this thread's stack): the method is valid C#, only too deep for SymbolicDiff.
        Assert.Empty(run.Input.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    /// <summary><c>x * 0.5 + y * 1.5 + x * 2.5 + ...</c>: n terms, n + 1 levels (the last term's product and its operand).</summary>
    private static string Sum(int terms) =>
        string.Join(" + ", Enumerable.Range(0, terms).Select(i => (i % 2 == 0 ? "x * " : "y * ") + (i + 0.5).ToString(CultureInfo.InvariantCulture)));

    /// <summary><c>x * y * x * ...</c>: n factors, n levels.</summary>
    private static string Product(int factors) =>
        string.Join(" * ", Enumerable.Range(0, factors).Select(i => i % 2 == 0 ? "x" : "y"));

    [Fact]
    public void A_5000_term_sum_is_SD0022_at_the_expression_not_a_stack_overflow()
    {
        string expression = Sum(5000);
        string source = Prefix + expression + Suffix;
        AssertTooDeep(RunOnOneMegabyteStack(source), source, expression);
    }

    [Fact]
    public void Three_thousand_nested_parentheses_are_SD0022_at_the_expression_not_a_stack_overflow()
    {
        string expression = new string('(', 3000) + "x * y" + new string(')', 3000);
        string source = Prefix + expression + Suffix;
        AssertTooDeep(RunOnOneMegabyteStack(source), source, expression);
    }

    [Fact]
    public void Each_expression_too_deep_is_reported_once_where_it_is_and_a_shallow_one_is_not()
    {
        string deep = Product(Bound + 1);
        string source =
            "using System;\nusing SymbolicDiff;\n\npublic static partial class Big\n{\n    [Differentiable]\n    public static double F(double x, double y)\n    {\n" +
            "        double a = x * y;\n        double b = " + deep + ";\n        double c = " + deep + " + 1.0;\n        return a + b + c;\n    }\n}\n";
        var run = RunOnOneMegabyteStack(source);
        Assert.Equal(new[] { "SD0022", "SD0022" }, run.GeneratorDiagnostics.Select(d => d.Id));
        int first = source.IndexOf(deep, StringComparison.Ordinal);
        Assert.Equal(new TextSpan(first, deep.Length), run.GeneratorDiagnostics[0].Location.SourceSpan);
        Assert.Equal(new TextSpan(source.IndexOf(deep, first + 1, StringComparison.Ordinal), deep.Length + " + 1.0".Length), run.GeneratorDiagnostics[1].Location.SourceSpan);
        Assert.All(run.GeneratorDiagnostics, d => Assert.Equal(DepthMessage(), d.GetMessage(CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void A_product_of_200_factors_at_the_bound_differentiates_correctly_on_a_1_MB_stack()
    {
        var run = RunOnOneMegabyteStack(Prefix + Product(Bound) + Suffix).ShouldSucceed();

        // x^100 y^100: d/dx = 100 f / x, d/dy = 100 f / y.
        double x = 1.01, y = 0.995, f = Math.Pow(x, 100) * Math.Pow(y, 100);
        var gradient = FiniteDifferenceCheck.Gradient(run, "Big", "F", x, y);
        Assert.Equal(100 * f / x, gradient[0], 1e-9 * f);
        Assert.Equal(100 * f / y, gradient[1], 1e-9 * f);
    }

    [Fact]
    public void One_level_past_the_bound_is_SD0022()
    {
        string expression = Product(Bound + 1);
        string source = Prefix + expression + Suffix;
        AssertTooDeep(RunOnOneMegabyteStack(source), source, expression);
    }

    [Fact]
    public void A_sum_at_the_bound_differentiates_correctly_on_a_1_MB_stack()
    {
        var run = RunOnOneMegabyteStack(Prefix + Sum(Bound - 1) + Suffix).ShouldSucceed();

        double dx = Enumerable.Range(0, Bound - 1).Where(i => i % 2 == 0).Sum(i => i + 0.5);
        double dy = Enumerable.Range(0, Bound - 1).Where(i => i % 2 == 1).Sum(i => i + 0.5);
        var gradient = FiniteDifferenceCheck.Gradient(run, "Big", "F", 0.3, -0.7);
        Assert.Equal(dx, gradient[0], 1e-9);
        Assert.Equal(dy, gradient[1], 1e-9);
    }

    /// <summary>
    /// The deepest-stack shape measured (nested calls in a loop body: the loop path's parser, differentiator and
    /// emitter each recurse through every call) at the bound: s += sin(cos(sin(...(x * y)))), 197 calls, 200 levels.
    /// </summary>
    [Fact]
    [Trait(TestCategory.Name, TestCategory.Slow)]
    public void Nested_calls_in_a_loop_at_the_bound_differentiate_correctly_on_a_1_MB_stack()
    {
        const int calls = Bound - 3;
        var expression = new StringBuilder();
        for (int i = 0; i < calls; i++)
        {
            expression.Append(i % 2 == 0 ? "Math.Sin(" : "Math.Cos(");
        }

        expression.Append("x * y").Append(')', calls);
        string source =
            "using System;\nusing SymbolicDiff;\n\npublic static partial class Big\n{\n    [Differentiable]\n    public static double F(double x, double y, int n)\n    {\n" +
            "        double s = 0;\n        for (int i = 0; i < n; i++)\n        {\n            s += " + expression + ";\n        }\n\n        return s;\n    }\n}\n";
        var run = RunOnOneMegabyteStack(source).ShouldSucceed();

        // Forward mode by hand, innermost call first: v = x y, then v = sin v or cos v with dv carried along.
        double x = 0.8, y = 1.3, v = x * y, dvdx = y, dvdy = x;
        for (int i = calls - 1; i >= 0; i--)
        {
            double derivative = i % 2 == 0 ? Math.Cos(v) : -Math.Sin(v);
            v = i % 2 == 0 ? Math.Sin(v) : Math.Cos(v);
            dvdx *= derivative;
            dvdy *= derivative;
        }

        var assembly = run.Load();
        object result = assembly.GetType("Big")!.GetMethod("FWithGradient")!.Invoke(null, new object[] { x, y, 3 })!;
        double Property(string name) => (double)result.GetType().GetProperty(name)!.GetValue(result)!;
        Assert.Equal(3 * v, Property("Value"), 1e-12);
        Assert.Equal(3 * dvdx, Property("X"), 1e-12);
        Assert.Equal(3 * dvdy, Property("Y"), 1e-12);
    }

    [Fact]
    [Trait(TestCategory.Name, TestCategory.Slow)]
    public void The_advice_works_5000_terms_split_into_locals_of_100_compile_to_the_right_gradient()
    {
        var body = new StringBuilder();
        for (int k = 0; k < 50; k++)
        {
            string terms = string.Join(" + ", Enumerable.Range(100 * k, 100).Select(i => (i % 2 == 0 ? "x * " : "y * ") + (i + 0.5).ToString(CultureInfo.InvariantCulture)));
            body.Append($"        double t{k + 1} = {(k == 0 ? "" : $"t{k} + ")}{terms};\n");
        }

        string source =
            "using System;\nusing SymbolicDiff;\n\npublic static partial class Big\n{\n    [Differentiable]\n    public static double F(double x, double y)\n    {\n" +
            body + "        return t50;\n    }\n}\n";
        var run = RunOnOneMegabyteStack(source).ShouldSucceed();

        double dx = Enumerable.Range(0, 5000).Where(i => i % 2 == 0).Sum(i => i + 0.5);
        double dy = Enumerable.Range(0, 5000).Where(i => i % 2 == 1).Sum(i => i + 0.5);
        var gradient = FiniteDifferenceCheck.Gradient(run, "Big", "F", 0.3, -0.7);
        Assert.Equal(dx, gradient[0], 1e-6);
        Assert.Equal(dy, gradient[1], 1e-6);
    }

    [Fact]
    public void A_method_with_more_than_25000_syntax_nodes_is_SD0023_at_its_name()
    {
        // 3,200 statements s += x * 1.5 + y; of 8 syntax nodes each (statement, assignment, s, sum, product, x, literal, y).
        var body = new StringBuilder();
        for (int k = 0; k < 3200; k++)
        {
            body.Append($"        s += x * {k}.5 + y;\n");
        }

        string source =
            "using System;\nusing SymbolicDiff;\n\npublic static partial class Big\n{\n    [Differentiable]\n    public static double F(double x, double y)\n    {\n        double s = 0;\n" +
            body + "        return s;\n    }\n}\n";
        var run = RunOnOneMegabyteStack(source);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("SD0023", diagnostic.Id);
        Assert.Equal(
            "'F' is too large to differentiate in one method: its body has 25609 syntax nodes, more than 25000; split it into several [Differentiable] methods (each with part of the computation) and call them from 'F', whose gradient then calls theirs",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal(new TextSpan(source.IndexOf("F(", StringComparison.Ordinal), 1), diagnostic.Location.SourceSpan);
    }

    [Fact]
    public void Early_return_chains_grow_linearly()
    {
        // Each if (c) return e; used to guard everything after it with every earlier condition (200 of them took
        // 45 s and 20 MB of code). Now each return is recorded once and what follows runs under one recorded bool:
        // four times the returns give about four times the code.
        string Source(int returns)
        {
            var body = new StringBuilder();
            for (int k = 1; k <= returns; k++)
            {
                body.Append($"        if (x > {k}) return x * y * {k};\n");
            }

            return "using System;\nusing SymbolicDiff;\n\npublic static partial class Big\n{\n    [Differentiable]\n    public static double F(double x, double y)\n    {\n" +
                body + "        return y;\n    }\n}\n";
        }

        var small = RunOnOneMegabyteStack(Source(50)).ShouldSucceed();
        var large = RunOnOneMegabyteStack(Source(200)).ShouldSucceed();
        int smallSize = small.Source("Big.F.g.cs").Length;
        int largeSize = large.Source("Big.F.g.cs").Length;
        Assert.True(largeSize < 5 * smallSize, $"50 returns: {smallSize} characters; 200 returns: {largeSize}");

        // The path taken: x = 3.5 returns at k = 1 (x·y), x = 0.5 falls through to y.
        var type = large.Load().GetType("Big")!;
        dynamic at(double x, double y) => type.GetMethod("FWithGradient")!.Invoke(null, new object[] { x, y })!;
        Assert.Equal((3.5 * 2.0, 2.0, 3.5), (at(3.5, 2.0).Value, at(3.5, 2.0).X, at(3.5, 2.0).Y));
        Assert.Equal((2.0, 0.0, 1.0), (at(0.5, 2.0).Value, at(0.5, 2.0).X, at(0.5, 2.0).Y));
    }

    [Theory]
    [InlineData("*")]
    [InlineData("+")]
    public void Long_products_and_sums_in_one_expression_grow_linearly(string op)
    {
        // The partial of a product of n factors with respect to each is the product of the others: written out per
        // factor, n² factors in all. Named intermediate values keep it linear.
        string Source(int factors)
        {
            var terms = string.Join($" {op} ", Enumerable.Range(0, factors).Select(k => k % 3 == 0 ? "x" : k % 3 == 1 ? "y" : $"(x + {k})"));
            return "using System;\nusing SymbolicDiff;\n\npublic static partial class Big\n{\n    [Differentiable]\n    public static double F(double x, double y) => " + terms + ";\n}\n";
        }

        var small = RunOnOneMegabyteStack(Source(40)).ShouldSucceed();
        var large = RunOnOneMegabyteStack(Source(160)).ShouldSucceed();
        int smallSize = small.Source("Big.F.g.cs").Length;
        int largeSize = large.Source("Big.F.g.cs").Length;
        Assert.True(largeSize < 5 * smallSize, $"40 factors: {smallSize} characters; 160 factors: {largeSize}");
        FiniteDifferenceCheck.AgainstFiniteDifferences(large, "Big", "F", 1.01, 0.99);
    }

    [Fact]
    public void Else_if_chains_grow_linearly()
    {
        // Each else of an else-if chain used to be guarded by the negations of every condition before it, an
        // expression growing with the chain; now a compound guard is recorded once in a bool.
        string Source(int branches)
        {
            var body = new StringBuilder("        double r = 0;\n        if (x > 1) r = x * y;\n");
            for (int k = 2; k <= branches; k++)
            {
                body.Append($"        else if (x > {k}) r = x * y * {k};\n");
            }

            body.Append("        else r = y;\n");
            return "using System;\nusing SymbolicDiff;\n\npublic static partial class Big\n{\n    [Differentiable]\n    public static double F(double x, double y)\n    {\n" +
                body + "        return r;\n    }\n}\n";
        }

        var small = RunOnOneMegabyteStack(Source(50)).ShouldSucceed();
        var large = RunOnOneMegabyteStack(Source(200)).ShouldSucceed();
        int smallSize = small.Source("Big.F.g.cs").Length;
        int largeSize = large.Source("Big.F.g.cs").Length;
        Assert.True(largeSize < 5 * smallSize, $"50 branches: {smallSize} characters; 200 branches: {largeSize}");

        // The first branch taken: x = 1.5 takes x > 1 (x·y); x = 0.5 takes the else (y); x = 3.5 still the first.
        var type = large.Load().GetType("Big")!;
        dynamic at(double x, double y) => type.GetMethod("FWithGradient")!.Invoke(null, new object[] { x, y })!;
        Assert.Equal((1.5 * 2.0, 2.0, 1.5), (at(1.5, 2.0).Value, at(1.5, 2.0).X, at(1.5, 2.0).Y));
        Assert.Equal((2.0, 0.0, 1.0), (at(0.5, 2.0).Value, at(0.5, 2.0).X, at(0.5, 2.0).Y));
    }
}

/// <summary>
/// Callees inlined at the call add their depth to the caller's, beyond what the syntax check of each method
/// sees: the stages run short of stack then report SD0022 at the method (a backstop), never crash.
/// </summary>
public class InlinedDepthTests
{
    [Fact]
    [Trait(TestCategory.Name, TestCategory.Slow)]
    public void Callees_inlined_into_each_other_past_the_stack_are_SD0022_at_the_caller_not_a_crash()
    {
        const int callees = 6, terms = 180;
        var source = new StringBuilder("using System;\nusing SymbolicDiff;\n\npublic static partial class Chain\n{\n");
        for (int k = 1; k <= callees; k++)
        {
            string sum = string.Join(" + ", Enumerable.Range(1, terms).Select(i => $"x * {i}.5"));
            string inner = k < callees ? $"C{k + 1}(x, w) * 0.5 + " : "";
            source.Append($"    [Differentiable(nameof(w))]\n    public static double C{k}(double x, double w) => {inner}{sum} + w;\n\n");
        }

        source.Append("    [Differentiable]\n    public static double F(double x, double w) => C1(x, w);\n}\n");
        string text = source.ToString();
        var input = GeneratorHarness.Compile(text);
        GeneratorRun? run = null;
        var thread = new Thread(
            () =>
            {
                var driver = GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(input, out var output, out var diagnostics);
                run = new GeneratorRun(input, output, diagnostics, driver.GetRunResult());
            },
            1024 * 1024);
        thread.Start();
        thread.Join();

        Assert.All(run!.RunResult.Results, result => Assert.Null(result.Exception));
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("SD0022", diagnostic.Id);
        Assert.Equal(new TextSpan(text.IndexOf("F(double", StringComparison.Ordinal), 1), diagnostic.Location.SourceSpan);
    }
}
