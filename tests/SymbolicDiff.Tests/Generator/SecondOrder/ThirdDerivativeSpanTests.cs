using System.Globalization;
using SymbolicDiff.Tests.Snapshots;

namespace SymbolicDiff.Tests.Generator.SecondOrder;

/// <summary>
/// Second derivatives of a method that reads another method's gradient over spans, <c>UWithGradient(v, θ, a, dV, dTheta)</c>,
/// are third derivatives of U: U asks for them with ThirdOrder = true (<c>UHessianVectorProductWithDerivative</c>, forward
/// mode over its Hessian-vector product), and the caller's forward-over-reverse calls it where its backward sweep calls
/// U's product. U(v, θ) = ½ vᵀAv + Σ θᵢ sin vᵢ, whose third derivatives are written by hand; the callers are gradient
/// descents v ← v − η ∇ᵥU(v, θ), one step (straight-line) and several (a loop), differentiated twice with respect to the
/// start and θ. Each is checked against derivatives worked out by hand and against central differences of generated code
/// one order lower.
/// </summary>
public class ThirdDerivativeSpanTests
{
    private const string Source = """
        using System;
        using SymbolicDiff;

        public static partial class Descent
        {
            /// <summary>U(v, θ) = ½ vᵀAv + Σ θᵢ sin vᵢ, A symmetric n×n row-major (held constant).</summary>
            [Differentiable(nameof(v), nameof(theta), ThirdOrder = true)]
            public static double U(ReadOnlySpan<double> v, ReadOnlySpan<double> theta, ReadOnlySpan<double> a)
            {
                int n = v.Length;
                double s = 0;
                for (int i = 0; i < n; i++)
                {
                    double row = 0;
                    for (int j = 0; j < n; j++)
                    {
                        row += a[i * n + j] * v[j];
                    }

                    s += 0.5 * v[i] * row + theta[i] * Math.Sin(v[i]);
                }

                return s;
            }

            /// <summary>One step from the start, then ‖v‖²: the call outside any loop.</summary>
            [Differentiable(nameof(start), nameof(theta), SecondOrder = true)]
            public static double Step(ReadOnlySpan<double> start, ReadOnlySpan<double> theta, ReadOnlySpan<double> a, double eta)
            {
                Span<double> gradient = stackalloc double[start.Length];
                Span<double> gTheta = stackalloc double[start.Length];
                UWithGradient(start, theta, a, gradient, gTheta);
                double sum = 0;
                for (int i = 0; i < start.Length; i++)
                {
                    double next = start[i] - eta * gradient[i];
                    sum += next * next;
                }

                return sum;
            }

            /// <summary>Steps of gradient descent from the start, then ‖v‖²: the call in a loop.</summary>
            [Differentiable(nameof(start), nameof(theta), SecondOrder = true)]
            public static double Descend(ReadOnlySpan<double> start, ReadOnlySpan<double> theta, ReadOnlySpan<double> a, double eta, int steps)
            {
                Span<double> v = stackalloc double[start.Length];
                Span<double> gradient = stackalloc double[start.Length];
                Span<double> gTheta = stackalloc double[start.Length];
                for (int i = 0; i < start.Length; i++)
                {
                    v[i] = start[i];
                }

                for (int s = 0; s < steps; s++)
                {
                    UWithGradient(v, theta, a, gradient, gTheta);
                    for (int i = 0; i < v.Length; i++)
                    {
                        v[i] -= eta * gradient[i];
                    }
                }

                double sum = 0;
                for (int i = 0; i < v.Length; i++)
                {
                    sum += v[i] * v[i];
                }

                return sum;
            }

            /// <summary>U(v, θ)² read from the value UWithGradient returns: its Hessian reads U's gradient and Hessian.</summary>
            [Differentiable(nameof(v), nameof(theta), SecondOrder = true)]
            public static double Squared(ReadOnlySpan<double> v, ReadOnlySpan<double> theta, ReadOnlySpan<double> a)
            {
                Span<double> gradient = stackalloc double[v.Length];
                Span<double> gTheta = stackalloc double[v.Length];
                double u = UWithGradient(v, theta, a, gradient, gTheta);
                return u * u;
            }

            // Array wrappers, for reflection.
            public static double[] ProductWithDerivative(double[] v, double[] theta, double[] a, double[] cv, double[] ct, double[] dv, double[] dt, double[] dcv, double[] dct)
            {
                int n = v.Length;
                var all = new double[8 * n + 1];
                all[0] = UHessianVectorProductWithDerivative(v, theta, a, cv, ct, all.AsSpan(1, n), all.AsSpan(1 + n, n), all.AsSpan(1 + 2 * n, n), all.AsSpan(1 + 3 * n, n),
                    dv, dt, dcv, dct, all.AsSpan(1 + 4 * n, n), all.AsSpan(1 + 5 * n, n), all.AsSpan(1 + 6 * n, n), all.AsSpan(1 + 7 * n, n));
                return all;
            }

            public static double[] Product(double[] v, double[] theta, double[] a, double[] cv, double[] ct)
            {
                int n = v.Length;
                var all = new double[4 * n + 1];
                all[0] = UHessianVectorProduct(v, theta, a, cv, ct, all.AsSpan(1, n), all.AsSpan(1 + n, n), all.AsSpan(1 + 2 * n, n), all.AsSpan(1 + 3 * n, n));
                return all;
            }

            public static double[] GradientOfStep(double[] start, double[] theta, double[] a, double eta)
            {
                int n = start.Length;
                var all = new double[2 * n];
                StepWithGradient(start, theta, a, eta, all.AsSpan(0, n), all.AsSpan(n, n));
                return all;
            }

            public static double[] HessianOfSquared(double[] v, double[] theta, double[] a)
            {
                var hessian = new double[4 * v.Length * v.Length];
                SquaredHessian(v, theta, a, hessian);
                return hessian;
            }

            public static double[] HessianOfStep(double[] start, double[] theta, double[] a, double eta)
            {
                var hessian = new double[4 * start.Length * start.Length];
                StepHessian(start, theta, a, eta, hessian);
                return hessian;
            }

            public static double[] GradientOfDescend(double[] start, double[] theta, double[] a, double eta, int steps)
            {
                int n = start.Length;
                var all = new double[2 * n];
                DescendWithGradient(start, theta, a, eta, steps, all.AsSpan(0, n), all.AsSpan(n, n));
                return all;
            }

            public static double[] HessianOfDescend(double[] start, double[] theta, double[] a, double eta, int steps)
            {
                var hessian = new double[4 * start.Length * start.Length];
                DescendHessian(start, theta, a, eta, steps, hessian);
                return hessian;
            }
        }
        """;

    private static readonly double[] A = { 2.0, 0.5, -0.3, 0.5, 1.5, 0.2, -0.3, 0.2, 1.0 };
    private static readonly double[] Start = { 0.8, -0.4, 1.3 };
    private static readonly double[] Theta = { 0.7, -1.1, 0.4 };
    private const double Eta = 0.15;

    private static GeneratorRun RunDouble() => GeneratorHarness.Run(Source).ShouldSucceed();

    /// <summary>The float twin of <see cref="Source"/>: the same methods over floats, MathF in place of Math.</summary>
    private static string FloatSource => Source.Replace("double", "float", StringComparison.Ordinal).Replace("Math.Sin", "MathF.Sin", StringComparison.Ordinal).Replace("0.5 *", "0.5f *", StringComparison.Ordinal);

    [Fact]
    public void The_products_derivative_is_the_third_derivative_worked_out_by_hand_and_its_central_differences()
    {
        var type = RunDouble().Load().GetType("Descent")!;
        double[] cv = { 0.3, -0.9, 0.5 }, ct = { -0.6, 0.2, 1.1 }, dv = { 1.2, 0.4, -0.7 }, dt = { 0.5, -0.3, 0.9 }, dcv = { -0.2, 0.8, 0.1 }, dct = { 0.4, 0.6, -1.0 };
        var all = Call(type, "ProductWithDerivative", Start, Theta, A, cv, ct, dv, dt, dcv, dct);
        int n = Start.Length;

        // By hand: ∇ᵥU = Av + θ∘cos v, ∇_θU = sin v; (H·c)ᵥ = A·cv − θ∘sin v∘cv + cos v∘cθ, (H·c)_θ = cos v∘cv; their
        // tangents along (dv, dθ, dcv, dcθ) follow, with ∂³U/∂vᵢ³ = −θᵢ cos vᵢ and ∂³U/∂vᵢ²∂θᵢ = −sin vᵢ the only third derivatives.
        var expected = new double[8 * n + 1];
        for (int i = 0; i < n; i++)
        {
            double av = 0, adv = 0, acv = 0, adcv = 0;
            for (int j = 0; j < n; j++)
            {
                av += A[i * n + j] * Start[j];
                adv += A[i * n + j] * dv[j];
                acv += A[i * n + j] * cv[j];
                adcv += A[i * n + j] * dcv[j];
            }

            double sin = Math.Sin(Start[i]), cos = Math.Cos(Start[i]), t = Theta[i];
            expected[1 + i] = av + t * cos;
            expected[1 + n + i] = sin;
            expected[1 + 2 * n + i] = acv - t * sin * cv[i] + cos * ct[i];
            expected[1 + 3 * n + i] = cos * cv[i];
            expected[1 + 4 * n + i] = adv - t * sin * dv[i] + dt[i] * cos;
            expected[1 + 5 * n + i] = cos * dv[i];
            expected[1 + 6 * n + i] = adcv - dt[i] * sin * cv[i] - t * cos * dv[i] * cv[i] - t * sin * dcv[i] - sin * dv[i] * ct[i] + cos * dct[i];
            expected[1 + 7 * n + i] = -sin * dv[i] * cv[i] + cos * dcv[i];
        }

        for (int k = 1; k < expected.Length; k++)
        {
            Assert.True(Math.Abs(all[k] - expected[k]) <= 1e-12, $"element {k}: {all[k]}, by hand {expected[k]}");
        }

        // Central differences of the generated product along the same tangents: its outputs' tangents.
        const double h = 1e-6;
        double[] Moved(double[] x, double[] d, double sign) => x.Select((value, i) => value + sign * h * d[i]).ToArray();
        var plus = Call(type, "Product", Moved(Start, dv, 1), Moved(Theta, dt, 1), A, Moved(cv, dcv, 1), Moved(ct, dct, 1));
        var minus = Call(type, "Product", Moved(Start, dv, -1), Moved(Theta, dt, -1), A, Moved(cv, dcv, -1), Moved(ct, dct, -1));
        for (int k = 0; k < 4 * n; k++)
        {
            double central = (plus[1 + k] - minus[1 + k]) / (2 * h);
            Assert.True(Math.Abs(all[1 + 4 * n + k] - central) <= 1e-7, $"tangent {k}: {all[1 + 4 * n + k]}, central differences {central}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void The_descents_Hessian_matches_the_recurrence_differentiated_twice_by_hand_and_central_differences_of_its_gradient(int steps)
    {
        // One step is Step (the call outside any loop); more are Descend (the call in a loop).
        var type = RunDouble().Load().GetType("Descent")!;
        var hessian = steps == 1 ? Call(type, "HessianOfStep", Start, Theta, A, Eta) : Call(type, "HessianOfDescend", Start, Theta, A, Eta, steps);
        var byHand = DescentHessian(Start, Theta, Eta, steps);
        int size = 2 * Start.Length;
        for (int k = 0; k < size * size; k++)
        {
            Assert.True(Math.Abs(hessian[k] - byHand[k]) <= 1e-11 * Math.Max(1, Math.Abs(byHand[k])), $"H[{k / size}, {k % size}] = {hessian[k]}, by hand {byHand[k]}");
        }

        // Column p against central differences of the generated gradient along parameter p.
        const double h = 1e-6;
        for (int p = 0; p < size; p++)
        {
            var (startPlus, thetaPlus) = Moved(p, h);
            var (startMinus, thetaMinus) = Moved(p, -h);
            var plus = steps == 1 ? Call(type, "GradientOfStep", startPlus, thetaPlus, A, Eta) : Call(type, "GradientOfDescend", startPlus, thetaPlus, A, Eta, steps);
            var minus = steps == 1 ? Call(type, "GradientOfStep", startMinus, thetaMinus, A, Eta) : Call(type, "GradientOfDescend", startMinus, thetaMinus, A, Eta, steps);
            for (int q = 0; q < size; q++)
            {
                double central = (plus[q] - minus[q]) / (2 * h);
                Assert.True(Math.Abs(hessian[q * size + p] - central) <= 1e-6, $"H[{q}, {p}] = {hessian[q * size + p]}, central differences {central}");
            }
        }
    }

    [Fact]
    public void The_Hessian_of_the_value_UWithGradient_returns_squared_is_two_gradients_outer_plus_two_U_times_its_Hessian()
    {
        var type = RunDouble().Load().GetType("Descent")!;
        var hessian = Call(type, "HessianOfSquared", Start, Theta, A);

        // By hand: ∇(U²) = 2U∇U, ∇²(U²) = 2∇U∇Uᵀ + 2U∇²U, with ∇U = (Av + θ∘cos v, sin v) and
        // ∇²U = [[A − diag(θ∘sin v), diag(cos v)], [diag(cos v), 0]].
        int n = Start.Length, size = 2 * n;
        double u = 0;
        var gradient = new double[size];
        for (int i = 0; i < n; i++)
        {
            double av = 0;
            for (int j = 0; j < n; j++)
            {
                av += A[i * n + j] * Start[j];
            }

            u += 0.5 * Start[i] * av + Theta[i] * Math.Sin(Start[i]);
            gradient[i] = av + Theta[i] * Math.Cos(Start[i]);
            gradient[n + i] = Math.Sin(Start[i]);
        }

        for (int p = 0; p < size; p++)
        {
            for (int q = 0; q < size; q++)
            {
                double second = p < n && q < n ? A[p * n + q] - (p == q ? Theta[p] * Math.Sin(Start[p]) : 0)
                    : p < n && q == n + p || q < n && p == n + q ? Math.Cos(Start[Math.Min(p, q)])
                    : 0;
                double expected = 2 * gradient[p] * gradient[q] + 2 * u * second;
                Assert.True(Math.Abs(hessian[p * size + q] - expected) <= 1e-11 * Math.Max(1, Math.Abs(expected)), $"H[{p}, {q}] = {hessian[p * size + q]}, by hand {expected}");
            }
        }
    }

    [Fact]
    public void The_float_descents_Hessian_agrees_with_the_double_one()
    {
        var run = GeneratorHarness.Run(FloatSource).ShouldSucceed();
        Assert.Contains("MathF.Sin", run.Source("Descent.U.g.cs"), StringComparison.Ordinal);
        var type = run.Load().GetType("Descent")!;
        float[] Floats(double[] values) => values.Select(v => (float)v).ToArray();
        var hessian = (float[])type.GetMethod("HessianOfDescend")!.Invoke(null, new object[] { Floats(Start), Floats(Theta), Floats(A), (float)Eta, 4 })!;
        var expected = DescentHessian(Start, Theta, Eta, 4);
        for (int k = 0; k < expected.Length; k++)
        {
            Assert.True(Math.Abs(hessian[k] - expected[k]) <= 1e-4 * Math.Max(1, Math.Abs(expected[k])), $"element {k}: float {hessian[k]}, double by hand {expected[k]}");
        }
    }

    [Fact]
    public void The_steps_second_derivatives_call_the_products_forward_mode_where_its_backward_sweep_calls_the_product()
    {
        string step = RunDouble().Source("Descent.Step.g.cs");
        Assert.Contains("global::Descent.UHessianVectorProductWithDerivative(start, theta, a, dSum_dgradient", step, StringComparison.Ordinal);
        Snapshot.Verify(step);
    }

    [Fact]
    public void A_callee_over_spans_without_ThirdOrder_is_SD0034_at_the_read_of_its_gradient()
    {
        string source = Source.Replace("ThirdOrder = true", "SecondOrder = true", StringComparison.Ordinal);
        source = source.Substring(0, source.IndexOf("    // Array wrappers", StringComparison.Ordinal)) + "}\n";
        var run = GeneratorHarness.Run(source);
        Assert.NotEmpty(run.GeneratorDiagnostics);
        foreach (var diagnostic in run.GeneratorDiagnostics)
        {
            Assert.Equal("SD0034", diagnostic.Id);
            Assert.Equal("UWithGradient", source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length).Split('(')[0]);
            Assert.Contains("add ThirdOrder = true to the [Differentiable] of 'U'", diagnostic.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        Assert.Equal(3, run.GeneratorDiagnostics.Length); // Step, Descend and Squared

        // The callers' gradients are still generated.
        Assert.Contains("StepWithGradient", run.Source("Descent.Step.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_callee_over_spans_differentiated_with_respect_to_a_real_too_stays_SD0035_and_its_caller_SD0031()
    {
        const string source = """
            using System;
            using SymbolicDiff;

            public static partial class Model
            {
                [Differentiable(ThirdOrder = true)]
                public static double Energy(ReadOnlySpan<double> v, double b)
                {
                    double s = 0;
                    for (int i = 0; i < v.Length; i++)
                    {
                        s += b * v[i] * v[i] * v[i];
                    }

                    return s;
                }

                [Differentiable(SecondOrder = true)]
                public static double Sensitivity(ReadOnlySpan<double> v, double b)
                {
                    Span<double> gradient = stackalloc double[v.Length];
                    EnergyWithGradient(v, b, gradient, out double dB);
                    return dB * dB;
                }
            }
            """;
        var run = GeneratorHarness.Run(source);
        var energy = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "SD0035");
        Assert.Equal("ThirdOrder = true", source.Substring(energy.Location.SourceSpan.Start, energy.Location.SourceSpan.Length));
        Assert.Contains("differentiated with respect to a real too ('b'", energy.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var caller = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "SD0031");
        Assert.Contains("'EnergyWithGradient' of a method differentiated with respect to a real too ('b'", caller.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Equal(2, run.GeneratorDiagnostics.Length);
        Assert.Contains("EnergyHessianVectorProduct(", run.Source("Model.Energy.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_caller_of_a_callee_whose_own_third_derivatives_failed_is_SD0033_and_calls_nothing_missing()
    {
        // Energy's Hessian-vector product calls Penalty's product tangent, which has no derivative of its own: SD0035 on
        // Energy, and its caller, which would call EnergyHessianVectorProductWithDerivative, SD0033.
        const string source = """
            using System;
            using SymbolicDiff;

            public static partial class Model
            {
                [Differentiable(SecondOrder = true)]
                public static double Penalty(ReadOnlySpan<double> v)
                {
                    double s = 0;
                    for (int i = 0; i < v.Length; i++)
                    {
                        s += v[i] * v[i] * v[i] * v[i];
                    }

                    return s;
                }

                [Differentiable(ThirdOrder = true)]
                public static double Energy(ReadOnlySpan<double> v) => Penalty(v);

                [Differentiable(SecondOrder = true)]
                public static double Step(ReadOnlySpan<double> v)
                {
                    Span<double> gradient = stackalloc double[v.Length];
                    EnergyWithGradient(v, gradient);
                    double sum = 0;
                    for (int i = 0; i < v.Length; i++)
                    {
                        sum += gradient[i] * gradient[i];
                    }

                    return sum;
                }
            }
            """;
        var run = GeneratorHarness.Run(source);
        var energy = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "SD0035");
        Assert.Contains("calls 'PenaltyVGradientTangent', second derivatives of another function", energy.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var caller = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "SD0033");
        Assert.Contains("'Step'", caller.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Empty(run.CompilationProblems);
        Assert.DoesNotContain("EnergyHessianVectorProductWithDerivative", run.Source("Model.Step.g.cs"), StringComparison.Ordinal);
        Assert.Contains("StepWithGradient", run.Source("Model.Step.g.cs"), StringComparison.Ordinal);
    }

    /// <summary>
    /// The descent vₛ₊₁ = vₛ − η(A vₛ + θ∘cos vₛ) and L = ‖v_N‖² differentiated twice by hand with respect to p = (start, θ):
    /// dv' = dv − η(A dv + dθ∘cos v − θ∘sin v∘dv) and
    /// d²v' = d²v − η(A d²v − (dθ_p∘dv_q + dθ_q∘dv_p)∘sin v − θ∘cos v∘dv_p∘dv_q − θ∘sin v∘d²v),
    /// H_pq = 2 Σᵢ (dvᵢ,p dvᵢ,q + vᵢ d²vᵢ,pq). Row-major, 2n×2n.
    /// </summary>
    private static double[] DescentHessian(double[] start, double[] theta, double eta, int steps)
    {
        int n = start.Length, size = 2 * n;
        var v = (double[])start.Clone();
        var dv = new double[n, size];
        var d2v = new double[n, size, size];
        for (int i = 0; i < n; i++)
        {
            dv[i, i] = 1;
        }

        double DTheta(int i, int p) => p == n + i ? 1 : 0;
        for (int step = 0; step < steps; step++)
        {
            var nextV = new double[n];
            var nextDv = new double[n, size];
            var nextD2v = new double[n, size, size];
            for (int i = 0; i < n; i++)
            {
                double sin = Math.Sin(v[i]), cos = Math.Cos(v[i]);
                double av = 0;
                for (int j = 0; j < n; j++)
                {
                    av += A[i * n + j] * v[j];
                }

                nextV[i] = v[i] - eta * (av + theta[i] * cos);
                for (int p = 0; p < size; p++)
                {
                    double adv = 0;
                    for (int j = 0; j < n; j++)
                    {
                        adv += A[i * n + j] * dv[j, p];
                    }

                    nextDv[i, p] = dv[i, p] - eta * (adv + DTheta(i, p) * cos - theta[i] * sin * dv[i, p]);
                    for (int q = 0; q < size; q++)
                    {
                        double ad2v = 0;
                        for (int j = 0; j < n; j++)
                        {
                            ad2v += A[i * n + j] * d2v[j, p, q];
                        }

                        nextD2v[i, p, q] = d2v[i, p, q] - eta * (ad2v - (DTheta(i, p) * dv[i, q] + DTheta(i, q) * dv[i, p]) * sin
                            - theta[i] * cos * dv[i, p] * dv[i, q] - theta[i] * sin * d2v[i, p, q]);
                    }
                }
            }

            (v, dv, d2v) = (nextV, nextDv, nextD2v);
        }

        var hessian = new double[size * size];
        for (int p = 0; p < size; p++)
        {
            for (int q = 0; q < size; q++)
            {
                double sum = 0;
                for (int i = 0; i < n; i++)
                {
                    sum += 2 * (dv[i, p] * dv[i, q] + v[i] * d2v[i, p, q]);
                }

                hessian[p * size + q] = sum;
            }
        }

        return hessian;
    }

    private static (double[] Start, double[] Theta) Moved(int p, double h)
    {
        var start = (double[])Start.Clone();
        var theta = (double[])Theta.Clone();
        if (p < start.Length)
        {
            start[p] += h;
        }
        else
        {
            theta[p - start.Length] += h;
        }

        return (start, theta);
    }

    private static double[] Call(Type type, string method, params object[] arguments) =>
        (double[])type.GetMethod(method)!.Invoke(null, arguments)!;
}
