using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SymbolicDiff.Generator;
using SymbolicDiff.Generator.Diagnostics;

namespace SymbolicDiff.Tests.Generator;

/// <summary>The analyzer's declaration-site checks: real source locations, so #pragma and .editorconfig apply.</summary>
public class AnalyzerTests
{
    [Fact]
    public void A_differentiated_parameter_the_result_ignores_is_a_warning_at_that_parameter()
    {
        const string source = """
            using SymbolicDiff;
            public static partial class P
            {
                [Differentiable]
                public static double F(double x, double unused) => x * x;
            }
            """;

        var diagnostic = Assert.Single(Analyze(source));
        Assert.Equal("SD0017", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal(
            "The result of 'F' does not depend on 'unused', so its gradient with respect to 'unused' is always exactly 0; remove 'unused' from the differentiated parameters or check for a mistake",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal(source.IndexOf("unused)", StringComparison.Ordinal), diagnostic.Location.SourceSpan.Start);
        Assert.Equal("unused".Length, diagnostic.Location.SourceSpan.Length);
    }

    [Theory]
    [InlineData("public static double F(double x, double unused) => x * x;")]
    [InlineData("""
        public static double F(double x, double unused)
        {
            double total = 0;
            for (int i = 0; i < 3; i++)
            {
                total += x * i;
            }

            return total;
        }
        """)]
    public void In_a_build_with_the_generated_code_the_warning_is_still_reported_at_the_parameter(string method)
    {
        // What a real build (and the IDE) gives the analyzer: the compilation after the generator ran, which
        // holds FGradient and FWithGradient. The analyzer must see F as the user wrote it all the same.
        string source = $$"""
            using SymbolicDiff;
            public static partial class P
            {
                [Differentiable]
                {{method}}

                [Differentiable]
                public static double UsesF(double y) => F(y, 2) + y;
            }
            """;
        var run = GeneratorHarness.Run(source);
        Assert.Equal(2, run.GradientSources.Count);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        var diagnostic = Assert.Single(Analyze(run.Output));
        Assert.Equal("SD0017", diagnostic.Id);
        Assert.Equal(
            "The result of 'F' does not depend on 'unused', so its gradient with respect to 'unused' is always exactly 0; remove 'unused' from the differentiated parameters or check for a mistake",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal("Input0.cs", diagnostic.Location.GetLineSpan().Path);
        Assert.Equal(source.IndexOf("unused)", StringComparison.Ordinal), diagnostic.Location.SourceSpan.Start);
        Assert.Equal("unused".Length, diagnostic.Location.SourceSpan.Length);
    }

    [Fact]
    public void A_vector_parameter_a_loop_method_ignores_is_a_warning_too()
    {
        const string source = """
            using System;
            using SymbolicDiff;
            public static partial class P
            {
                [Differentiable]
                public static double Sum(ReadOnlySpan<double> x, ReadOnlySpan<double> ignored)
                {
                    double total = 0;
                    for (int i = 0; i < x.Length; i++)
                    {
                        total += x[i] * ignored.Length;
                    }

                    return total;
                }
            }
            """;

        var diagnostic = Assert.Single(Analyze(source));
        Assert.Equal("SD0017", diagnostic.Id);
        Assert.Equal(source.IndexOf("ignored)", StringComparison.Ordinal), diagnostic.Location.SourceSpan.Start);
    }

    [Fact]
    public void No_warning_when_every_differentiated_parameter_matters_or_the_unused_one_is_not_differentiated()
    {
        Assert.Empty(Analyze("""
            using SymbolicDiff;
            public static partial class P
            {
                [Differentiable(nameof(x))]
                public static double F(double x, double unused) => x * x;

                [Differentiable]
                public static double G(double x, double y) => x * y;
            }
            """));
    }

    [Fact]
    public void The_warning_can_be_suppressed_with_pragma()
    {
        var diagnostics = Analyze("""
            using SymbolicDiff;
            public static partial class P
            {
            #pragma warning disable SD0017
                [Differentiable]
                public static double F(double x, double unused) => x * x;
            #pragma warning restore SD0017
            }
            """);

        // Reported (the analyzer ran) but suppressed by the pragma.
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("SD0017", diagnostic.Id);
        Assert.True(diagnostic.IsSuppressed);
    }

    [Fact]
    public void An_invalid_derivative_declaration_is_reported_at_the_attribute()
    {
        const string source = """
            using SymbolicDiff;
            public static class Library
            {
                [Derivative(nameof(SquareDerivative))]
                public static double Square(double x) => x * x;

                public static double SquareDerivative(double x, double y, double z) => 2 * x;
            }
            """;

        var diagnostic = Assert.Single(Analyze(source));
        Assert.Equal("SD0011", diagnostic.Id);
        Assert.Equal(
            "The [Derivative] declaration on 'Library.Square' is invalid: 'SquareDerivative' must be a static, non-private method returning double that takes (double), optionally followed by a double receiving the function's value",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
        string attribute = "Derivative(nameof(SquareDerivative))";
        Assert.Equal(source.IndexOf(attribute, StringComparison.Ordinal), diagnostic.Location.SourceSpan.Start);
        Assert.Equal(attribute.Length, diagnostic.Location.SourceSpan.Length);
    }

    [Fact]
    public void The_runtime_primitives_declare_valid_derivatives()
    {
        // Every [Derivative] in the runtime, scalar and vector-Jacobian (Vectors.Dot, the span Losses) alike,
        // passes the same check users' declarations get.
        var compilation = GeneratorHarness.Compile("class Empty { }");
        var runtime = compilation.GetTypeByMetadataName("SymbolicDiff.Activations")!.ContainingAssembly;
        var declared = runtime.GlobalNamespace.GetNamespaceMembers().Single(n => n.Name == "SymbolicDiff")
            .GetTypeMembers()
            .SelectMany(type => type.GetMembers().OfType<IMethodSymbol>())
            .Where(SymbolicDiff.Generator.Parsing.DerivativeDeclarationReader.HasDeclaredDerivative)
            .ToList();
        Assert.True(declared.Count >= 15, $"only {declared.Count} declarations found");
        Assert.Contains(declared, m => m.Parameters.Any(p => p.Type.IsRefLikeType));
        foreach (var method in declared)
        {
            Assert.Null(SymbolicDiff.Generator.Parsing.DerivativeDeclarationReader.Validate(method));
        }
    }

    [Fact]
    public void An_invalid_vector_Jacobian_declaration_is_reported_at_the_attribute()
    {
        var diagnostics = Analyze("""
            using System;
            using SymbolicDiff;

            public static class Bad
            {
                [Derivative(nameof(x), nameof(SumGradient))]
                public static double Sum(ReadOnlySpan<double> x) => 0;

                // Returns double instead of adding into a gradient span.
                public static double SumGradient(ReadOnlySpan<double> x, double seed) => seed;
            }
            """);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("SD0011", diagnostic.Id);
        Assert.Contains("'SumGradient' must be a static, non-private void method taking (System.ReadOnlySpan<double>, double seed, Span<double> gradient)", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_WithValue_method_is_reported_at_the_attribute_with_the_signature_to_write()
    {
        var diagnostics = Analyze("""
            using System;
            using SymbolicDiff;

            public static class Bad
            {
                [Derivative(nameof(x), nameof(SumGradient), WithValue = nameof(SumWithGradient))]
                public static double Sum(ReadOnlySpan<double> x) => 0;

                public static void SumGradient(ReadOnlySpan<double> x, double seed, Span<double> gradient) { }

                // Void: it must return the value.
                public static void SumWithGradient(ReadOnlySpan<double> x, double seed, Span<double> gradient) { }
            }
            """);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("SD0011", diagnostic.Id);
        Assert.Contains("'SumWithGradient' (WithValue) must be a static, non-private method taking (System.ReadOnlySpan<double>, double seed, Span<double> gradient) that returns Sum's value", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_scalar_WithValue_method_is_reported_at_the_attribute_with_the_signature_to_write()
    {
        var diagnostics = Analyze("""
            using SymbolicDiff;

            public static class Bad
            {
                [Derivative(nameof(SquareDerivative), WithValue = nameof(SquareWithDerivative))]
                public static double Square(double x) => x * x;

                public static double SquareDerivative(double x) => 2 * x;

                // The derivative must be an out parameter.
                public static double SquareWithDerivative(double x, double derivative) => x * x;
            }
            """);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("SD0011", diagnostic.Id);
        Assert.Contains("'SquareWithDerivative' (WithValue) must be a static, non-private method taking (double, out double derivative) that returns Square's value and writes ∂Square/∂x into derivative", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_tangent_of_a_vector_Jacobian_product_is_reported_at_its_attribute_with_the_signature_to_write()
    {
        const string source = """
            using System;
            using SymbolicDiff;

            public static class Bad
            {
                [Derivative(nameof(x), nameof(SumGradient))]
                public static double Sum(ReadOnlySpan<double> x, int skip) => 0;

                [Derivative(nameof(SumGradientTangent))]
                public static void SumGradient(ReadOnlySpan<double> x, int skip, double seed, Span<double> gradient) { }

                // Missing the seed's tangent.
                public static void SumGradientTangent(ReadOnlySpan<double> x, int skip, double seed, ReadOnlySpan<double> xTangent, Span<double> gradientTangent) { }
            }
            """;
        var diagnostic = Assert.Single(Analyze(source));
        Assert.Equal("SD0011", diagnostic.Id);
        Assert.Contains(
            "'SumGradientTangent' must be a static, non-private void method taking (System.ReadOnlySpan<double> x, int skip, double seed, System.ReadOnlySpan<double> xTangent, double seedTangent, Span<double> gradientTangent)",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        string attribute = "Derivative(nameof(SumGradientTangent))";
        Assert.Equal(source.IndexOf(attribute, StringComparison.Ordinal), diagnostic.Location.SourceSpan.Start);

        // Written as the message says, it is valid.
        Assert.Empty(Analyze(source.Replace("ReadOnlySpan<double> xTangent, Span<double>", "ReadOnlySpan<double> xTangent, double seedTangent, Span<double>")));
    }

    private static ImmutableArray<Diagnostic> Analyze(string source) => Analyze(GeneratorHarness.Compile(source));

    private static ImmutableArray<Diagnostic> Analyze(Compilation compilation)
    {
        var withAnalyzer = compilation.WithAnalyzers(
            ImmutableArray.Create<DiagnosticAnalyzer>(new DifferentiableAnalyzer()),
            new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: true));
        return withAnalyzer.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
    }
}
