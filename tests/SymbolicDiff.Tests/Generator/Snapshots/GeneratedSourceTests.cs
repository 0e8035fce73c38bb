using System.Reflection;
using SymbolicDiff.Tests.Snapshots;

namespace SymbolicDiff.Tests.Generator.Snapshots;

/// <summary>
/// The emitted source, checked against baselines beside this file. A baseline alone could lock in a
/// wrong derivative, so every case is also compiled, run, and compared with central finite differences.
/// </summary>
public class GeneratedSourceTests
{
    [Fact]
    public void Worked_example_with_mean_squared_error()
    {
        var run = Generate("""
            using SymbolicDiff;

            public static partial class Neuron
            {
                [Differentiable(nameof(w), nameof(b))]
                public static double Loss(double x, double w, double b, double y)
                {
                    double z = x * w + b;
                    double a = Activations.Sigmoid(z);
                    return Losses.MeanSquaredError(a, y);
                }
            }
            """);

        Snapshot.Verify(run.Source("Neuron.Loss.g.cs"));
        FiniteDifferenceCheck.AgainstFiniteDifferences(run, "Neuron", "Loss", 0.5, 2.0, -1.0, 1.0);
    }

    [Fact]
    public void Textbook_half_squared_error_in_a_namespace_and_nested_type()
    {
        var run = Generate("""
            using SymbolicDiff;

            namespace Textbook.Models;

            public static partial class Outer
            {
                public static partial class Neuron
                {
                    [Differentiable(nameof(w), nameof(b))]
                    public static double Loss(double x, double w, double b, double y) =>
                        Losses.HalfSquaredError(Activations.Sigmoid(x * w + b), y);
                }
            }
            """);

        Snapshot.Verify(run.Source("Textbook.Models.Outer.Neuron.Loss.g.cs"));
        FiniteDifferenceCheck.AgainstFiniteDifferences(run, "Textbook.Models.Outer+Neuron", "Loss", 0.5, 2.0, -1.0, 1.0);
    }

    [Fact]
    public void Reassignment_and_compound_assignment_become_single_assignments()
    {
        var run = Generate("""
            using SymbolicDiff;

            public static partial class Polynomials
            {
                [Differentiable]
                public static double Horner(double x, double c)
                {
                    const double Half = 0.5;
                    double s = c;
                    s *= x;
                    s += 2;
                    s = s * x - Half;
                    s /= 3;
                    s++;
                    return s;
                }
            }
            """);

        Snapshot.Verify(run.Source("Polynomials.Horner.g.cs"));
        FiniteDifferenceCheck.AgainstFiniteDifferences(run, "Polynomials", "Horner", 1.3, -0.7);
    }

    [Fact]
    public void Math_functions_reuse_their_values()
    {
        var run = Generate("""
            using System;
            using SymbolicDiff;

            public static partial class Functions
            {
                [Differentiable]
                public static double Mixed(double x, double y)
                {
                    double e = Math.Exp(-x * y);
                    double r = Math.Sqrt(x * x + y * y);
                    double t = Math.Tanh(x) + Math.Sin(y) * Math.Cos(x);
                    return e * r + Math.Log(r) - Math.Pow(t, 2) + Math.Pow(x, y) + 3 * Math.Exp(y);
                }
            }
            """);

        Snapshot.Verify(run.Source("Functions.Mixed.g.cs"));
        FiniteDifferenceCheck.AgainstFiniteDifferences(run, "Functions", "Mixed", 0.8, 1.1);
    }

    [Fact]
    public void Quotients_and_shared_subexpressions()
    {
        var run = Generate("""
            using SymbolicDiff;

            public static partial class Ratios
            {
                [Differentiable]
                public static double Ratio(double u, double v, double w) => (u * w) / (v * w) + u / (v * w);
            }
            """);

        Snapshot.Verify(run.Source("Ratios.Ratio.g.cs"));
        FiniteDifferenceCheck.AgainstFiniteDifferences(run, "Ratios", "Ratio", 1.5, -0.8, 2.5);
    }

    [Fact]
    public void User_custom_derivatives_with_and_without_the_value()
    {
        var run = Generate("""
            using System;
            using SymbolicDiff;

            public static partial class Custom
            {
                /// <summary>A numerically stable softplus, ln(1 + eˣ).</summary>
                [Derivative(nameof(SoftplusDerivative))]
                public static double Softplus(double x) => Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x)));

                public static double SoftplusDerivative(double x) => Activations.Sigmoid(x);

                [Derivative(nameof(CubeDerivative))]
                public static double Cube(double x) => x * x * x;

                public static double CubeDerivative(double x, double cube) => 3 * cube / x;

                [Differentiable]
                public static double Model(double a, double b) => Softplus(a * b) + 2 * Cube(a - b);
            }
            """);

        Snapshot.Verify(run.Source("Custom.Model.g.cs"));
        FiniteDifferenceCheck.AgainstFiniteDifferences(run, "Custom", "Model", 0.7, 1.9);
    }

    [Fact]
    public void Abs_follows_the_subgradient_convention()
    {
        var run = Generate("""
            using System;
            using SymbolicDiff;

            public static partial class Kinks
            {
                [Differentiable]
                public static double L1(double x, double y) => Math.Abs(x - y) + 0.5 * Math.Abs(x);
            }
            """);

        Snapshot.Verify(run.Source("Kinks.L1.g.cs"));
        FiniteDifferenceCheck.AgainstFiniteDifferences(run, "Kinks", "L1", 0.3, -1.2);

        // At the kink the derivative of |u| is 0, as in PyTorch.
        var atKink = FiniteDifferenceCheck.Gradient(run, "Kinks", "L1", 0.0, 0.0);
        Assert.Equal(0.0, atKink[0]);
        Assert.Equal(0.0, atKink[1]);
    }

    [Fact]
    public void Max_min_clamp_and_piecewise_constant_functions()
    {
        var run = Generate("""
            using System;
            using SymbolicDiff;

            public static partial class Kinks
            {
                [Differentiable]
                public static double Hinge(double x, double y, double margin) =>
                    Math.Max(0, margin - x * y) + Math.Clamp(x, -1, 1) * Math.Floor(y) + Math.Sign(y) / 2.0;
            }
            """);

        Snapshot.Verify(run.Source("Kinks.Hinge.g.cs"));
        FiniteDifferenceCheck.AgainstFiniteDifferences(run, "Kinks", "Hinge", 0.3, 1.7, 2.0);

        // A tie in max splits the gradient evenly, as torch.maximum does: margin − x·y = 0 at x = y = 1, margin = 1.
        var atTie = FiniteDifferenceCheck.Gradient(run, "Kinks", "Hinge", 1.0, 1.0, 1.0);
        Assert.Equal(new[] { -0.5 + 1.0, -0.5, 0.5 }, atTie);
    }

    [Fact]
    public void Branches_record_their_condition_and_the_backward_sweep_follows_it()
    {
        var run = Generate("""
            using System;
            using SymbolicDiff;

            public static partial class Branches
            {
                [Differentiable]
                public static double Huber(double residual, double delta)
                {
                    double magnitude = Math.Abs(residual);
                    if (magnitude <= delta)
                    {
                        return 0.5 * residual * residual;
                    }

                    return delta * (magnitude - 0.5 * delta);
                }

                [Differentiable]
                public static double SafeLog(double x, double y)
                {
                    double r = y;
                    if (x > 0 && y != 0)
                    {
                        r = Math.Log(x) * y;
                    }
                    else
                    {
                        r = x < -1 ? -x : 0.5 * y;
                    }

                    return r;
                }
            }
            """);

        Snapshot.Verify(run.Source("Branches.Huber.g.cs"), suffix: "Huber");
        Snapshot.Verify(run.Source("Branches.SafeLog.g.cs"), suffix: "SafeLog");
        FiniteDifferenceCheck.AgainstFiniteDifferences(run, "Branches", "Huber", 0.4, 1.0);
        FiniteDifferenceCheck.AgainstFiniteDifferences(run, "Branches", "Huber", -2.5, 1.0);
        FiniteDifferenceCheck.AgainstFiniteDifferences(run, "Branches", "SafeLog", 1.5, 0.7);
        FiniteDifferenceCheck.AgainstFiniteDifferences(run, "Branches", "SafeLog", -1.5, 0.7);

        // x = 0 takes the else branch: ∂/∂x = 0 there, with no 0 · (1/0) = NaN leaking from the branch not taken.
        Assert.Equal(new[] { 0.0, 0.5 }, FiniteDifferenceCheck.Gradient(run, "Branches", "SafeLog", 0.0, 0.7));
    }

    [Fact]
    public void A_parameter_the_result_does_not_depend_on_gets_an_exact_zero()
    {
        var run = Generate("""
            using SymbolicDiff;

            public static partial class Unused
            {
                [Differentiable]
                public static double F(double x, double ignored)
                {
                    double unusedLocal = ignored * 2;
                    return x * x;
                }
            }
            """);

        Snapshot.Verify(run.Source("Unused.F.g.cs"));
        var gradient = FiniteDifferenceCheck.Gradient(run, "Unused", "F", 3.0, 5.0);
        Assert.Equal(6.0, gradient[0]);
        Assert.Equal(0.0, gradient[1]);
    }

    private static GeneratorRun Generate(string source) => GeneratorHarness.Run(source).ShouldSucceed();
}
