using System.Globalization;
using Microsoft.CodeAnalysis;

namespace SymbolicDiff.Tests.Generator.SecondOrder;

/// <summary>Where a second derivative cannot be generated, an error at <c>SecondOrder = true</c> names why, and the gradient is still generated.</summary>
public class SecondOrderDiagnosticTests
{
    private static Diagnostic Single(GeneratorRun run, string id)
    {
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        // A location from the cached model is a file path and span; the test's one source is the first tree.
        string source = run.Input.SyntaxTrees.First().ToString();
        Assert.Equal("SecondOrder = true", source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        return diagnostic;
    }

    [Fact]
    public void A_derivative_method_without_its_own_derivative_is_SD0030_naming_it()
    {
        var run = GeneratorHarness.Run("""
            using SymbolicDiff;

            public static partial class Model
            {
                [Derivative(nameof(CubeDerivative))]
                public static double Cube(double x) => x * x * x;

                public static double CubeDerivative(double x) => 3 * x * x;

                [Differentiable(SecondOrder = true)]
                public static double Energy(double x, double y) => Cube(x) * y;
            }
            """);
        string message = Single(run, "SD0030").GetMessage(CultureInfo.InvariantCulture);
        Assert.Contains("'CubeDerivative'", message);
        Assert.Contains("derivative of its own ([Derivative] on it)", message);
        // The gradient itself is still there.
        Assert.Contains("EnergyWithGradient", run.Source("Model.Energy.g.cs"));
        Assert.DoesNotContain("EnergyWithHessian", run.Source("Model.Energy.g.cs"));
    }

    [Fact]
    public void A_function_over_vectors_whose_product_declares_no_derivative_is_SD0031_naming_it_and_what_to_declare()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public static partial class Model
            {
                [Derivative(nameof(values), nameof(SumOfCubesValuesGradient))]
                public static double SumOfCubes(ReadOnlySpan<double> values)
                {
                    double sum = 0;
                    foreach (double v in values) sum += v * v * v;
                    return sum;
                }

                public static void SumOfCubesValuesGradient(ReadOnlySpan<double> values, double seed, Span<double> gradient)
                {
                    for (int i = 0; i < values.Length; i++) gradient[i] += seed * 3 * values[i] * values[i];
                }

                [Differentiable(nameof(x), SecondOrder = true)]
                public static double Loss(ReadOnlySpan<double> x) => SumOfCubes(x);
            }
            """);
        string message = Single(run, "SD0031").GetMessage(CultureInfo.InvariantCulture);
        Assert.Contains("'SumOfCubes'", message);
        Assert.Contains("'SumOfCubesValuesGradient' declares no derivative", message);
        Assert.Contains("[Derivative(nameof(SumOfCubesValuesGradientTangent))]", message);
        Assert.Contains("LossWithGradient", run.Source("Model.Loss.g.cs"));
        Assert.DoesNotContain("LossHessianVectorProduct", run.Source("Model.Loss.g.cs"));
    }

    [Fact]
    public void The_runtimes_span_losses_declare_their_products_derivatives_so_a_loss_over_them_has_second_derivatives()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public static partial class Model
            {
                [Differentiable(nameof(logits), SecondOrder = true)]
                public static double Loss(ReadOnlySpan<double> logits, int label) => Losses.SoftmaxCrossEntropy(logits, label);
            }
            """).ShouldSucceed();
        Assert.Contains("Losses.SoftmaxCrossEntropyLogitsGradientTangent(", run.Source("Model.Loss.g.cs"));
    }

    [Fact]
    public void Vectors_and_scalars_together_and_float_methods_are_supported()
    {
        // Differentiated with respect to a vector and a scalar: a Hessian-vector product with a scalar direction and
        // out parts (MixedHessianTests), no SD0031.
        GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public static partial class Model
            {
                [Differentiable(SecondOrder = true)]
                public static double Fit(ReadOnlySpan<double> w, double b)
                {
                    double s = b;
                    for (int i = 0; i < w.Length; i++)
                    {
                        s += w[i] * w[i];
                    }

                    return s * b;
                }
            }
            """).ShouldSucceed();

        // A float method is supported (FloatHessianTests): no diagnostic, and its Hessian compiles.
        GeneratorHarness.Run("""
            using SymbolicDiff;

            public static partial class Model
            {
                [Differentiable(SecondOrder = true)]
                public static float Square(float x) => x * x;
            }
            """).ShouldSucceed();
    }

    /// <summary>
    /// Second derivatives and vector-valued methods landed side by side: a vector-valued method asking for them gets
    /// an error at the opt-in (or a Hessian that compiles), never broken generated code, and keeps its Jacobian.
    /// </summary>
    [Fact]
    public void A_vector_valued_method_asking_for_second_derivatives_gets_no_broken_code()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public static partial class Model
            {
                [Differentiable(nameof(a), nameof(k), SecondOrder = true)]
                public static void Residuals(double a, double k, ReadOnlySpan<double> x, Span<double> r)
                {
                    for (int i = 0; i < x.Length; i++)
                    {
                        r[i] = a * Math.Exp(-k * x[i]);
                    }
                }
            }
            """);

        Assert.Empty(GeneratorHarness.Problems(run.Input, run.Output));
        Assert.All(run.GeneratorDiagnostics, d => Assert.Equal("SD0031", d.Id));
        Assert.Contains("ResidualsJacobian", run.Source("Model.Residuals.g.cs"));
    }
}
