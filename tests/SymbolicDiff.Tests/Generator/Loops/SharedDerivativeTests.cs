namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// A conditional that several partials of one statement evaluate (tanh's derivative, 1 − tanh²u for |u| ≤ 1 and
/// 2(1 + |tanh u|)·e^−2|u|/(1 + e^−2|u|) beyond, in each of <c>Math.Tanh(h * w + b)</c>'s partials), and a call that one partial
/// evaluates and another uses inside such a conditional (tanh(cell) in <c>gate * Math.Tanh(cell)</c>), are computed once
/// in the backward sweep, as the LSTM's hand-written gradient does. Checked against values worked by hand (with
/// sech² u = 1 / cosh² u, not the generator's formula), central finite differences, second derivatives, and allocation.
/// A call in a loop nested in another loop is kept on the stack of saved values (LoopDifferentiator.KeptCalls.Stack.cs).
/// </summary>
public class SharedDerivativeTests
{
    private const string Models = """
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
            // One pre-activation, three partials (h[i], w[i], b[i]), each tanh's derivative times something.
            [Differentiable]
            public static double TanhLayer(double[] h, double[] w, double[] b)
            {
                double total = 0;
                for (int i = 0; i < h.Length; i++)
                {
                    double change = Math.Tanh(h[i] * w[i] + b[i]);
                    total += change;
                }

                return total;
            }

            // An LSTM's output gate: tanh(cell) is the partial by gate[i], and inside tanh's derivative in the one by
            // cell[i]; in a loop nested in another, it is kept on the stack of saved values.
            [Differentiable]
            public static double OutputGate(double[] gate, double[] cell)
            {
                double total = 0;
                for (int t = 1; t < 3; t++)
                {
                    for (int i = 0; i < gate.Length; i++)
                    {
                        total += t * gate[i] * Math.Tanh(cell[i]);
                    }
                }

                return total;
            }

            // The same without a loop: computed once in the backward sweep.
            [Differentiable]
            public static double Gate(double gate, double cell)
            {
                return gate * Math.Tanh(cell);
            }

            // One partial: nothing to share.
            [Differentiable]
            public static double TanhSum(double[] x)
            {
                double total = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    total += Math.Tanh(x[i]);
                }

                return total;
            }

            // Second derivatives differentiate the gradient, shared derivative included.
            [Differentiable(SecondOrder = true)]
            public static double TanhChain(double[] x)
            {
                double total = 0;
                for (int i = 0; i < x.Length - 1; i++)
                {
                    total += Math.Tanh(x[i] * x[i + 1] + 0.3);
                }

                return total;
            }

            public static double TanhLayerIntoArrays(double[] h, double[] w, double[] b, double[] dH, double[] dW, double[] dB) =>
                TanhLayerWithGradient(h, w, b, dH, dW, dB);

            public static double OutputGateIntoArrays(double[] gate, double[] cell, double[] dGate, double[] dCell) =>
                OutputGateWithGradient(gate, cell, dGate, dCell);

            public static double TanhChainProduct(double[] x, double[] v, double[] gradient, double[] product) =>
                TanhChainHessianVectorProduct(x, v, gradient, product);

            public static double TanhChainDirectional(double[] x, double[] v) => TanhChainWithDerivative(x, v).Derivative;
        }
        """;

    [Theory]
    [InlineData("TanhLayer")]
    [InlineData("OutputGate")]
    [InlineData("Gate")]
    [InlineData("TanhSum")]
    [InlineData("TanhChain")]
    public void The_gradient_matches_finite_differences(string method)
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        VectorFiniteDifferenceTests.Check(run.Load().GetType("Models")!, method, null);
    }

    [Fact]
    public void Tanhs_derivative_is_computed_once_for_its_three_partials_on_both_sides_of_its_condition()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string gradient = GradientCode(run.Source("Models.TanhLayer.g.cs"));
        Assert.Equal(1, GeneratedText.CountOf(gradient, "global::System.Math.Abs(h[i] * w[i] + b[i]) <= 1"));
        Assert.True(gradient.Contains("double derivative = global::System.Math.Abs(h[i] * w[i] + b[i]) <= 1 ?", StringComparison.Ordinal), gradient);
        Assert.Contains("// computed once, used in 3 partials below", run.Source("Models.TanhLayer.g.cs"), StringComparison.Ordinal);

        // Worked by hand: u = (0.5, 2.5) (each side of |u| ≤ 1): ∂/∂h = w sech² u, ∂/∂w = h sech² u, ∂/∂b = sech² u.
        var type = run.Load().GetType("Models")!;
        double[] h = { 0.5, 2 }, w = { 1, 1 }, b = { 0, 0.5 };
        double[] dH = new double[2], dW = new double[2], dB = new double[2];
        double value = (double)type.GetMethod("TanhLayerIntoArrays")!.Invoke(null, new object[] { h, w, b, dH, dW, dB })!;
        Assert.Equal(Math.Tanh(0.5) + Math.Tanh(2.5), value, 14);
        for (int i = 0; i < 2; i++)
        {
            double u = h[i] * w[i] + b[i];
            double sech2 = 1 / (Math.Cosh(u) * Math.Cosh(u));
            Assert.Equal(w[i] * sech2, dH[i], 14);
            Assert.Equal(h[i] * sech2, dW[i], 14);
            Assert.Equal(sech2, dB[i], 14);
        }

        // No allocation, called through a delegate (reflection would allocate its argument array).
        var call = (Func<double[], double[], double[], double[], double[], double[], double>)Delegate.CreateDelegate(
            typeof(Func<double[], double[], double[], double[], double[], double[], double>), type.GetMethod("TanhLayerIntoArrays")!);
        Assert.Equal(0, Allocations.PerCall(() => call(h, w, b, dH, dW, dB)));
    }

    [Fact]
    public void A_call_one_partial_evaluates_is_shared_with_the_conditional_of_another()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = run.Source("Models.Gate.g.cs");
        string gradient = GradientCode(generated);
        // Without a loop the sweeps share one tanh(cell) (the shared subexpressions of straight-line code); either way,
        // never the three calls of the partials as written.
        Assert.True(GeneratedText.CountOf(gradient, "global::System.Math.Tanh(cell)") <= 2, gradient);

        // Worked by hand: ∂/∂gate = tanh(cell), ∂/∂cell = gate sech²(cell), at cell = 0.25 and −1.5 (each side of 1).
        var type = run.Load().GetType("Models")!;
        var withGradient = type.GetMethod("GateWithGradient", new[] { typeof(double), typeof(double) })!;
        foreach (double cell in new[] { 0.25, -1.5 })
        {
            var result = withGradient.Invoke(null, new object[] { 2.0, cell })!;
            Assert.Equal(2 * Math.Tanh(cell), (double)result.GetType().GetProperty("Value")!.GetValue(result)!, 14);
            Assert.Equal(Math.Tanh(cell), (double)result.GetType().GetProperty("Gate")!.GetValue(result)!, 14);
            Assert.Equal(2 / (Math.Cosh(cell) * Math.Cosh(cell)), (double)result.GetType().GetProperty("Cell")!.GetValue(result)!, 14);
        }
    }

    [Fact]
    public void A_call_in_a_loop_nested_in_another_is_kept_on_the_stack_and_read_by_both_partials()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = run.Source("Models.OutputGate.g.cs");
        string gradient = GradientCode(generated);
        // Once, forward; pushed with the iteration's locals, popped by the backward iteration.
        Assert.Equal(1, GeneratedText.CountOf(gradient, "global::System.Math.Tanh(cell[i])"));
        Assert.Contains("saved.Push(tanh);", gradient, StringComparison.Ordinal);
        Assert.Contains("double tanh = saved.Pop();", gradient, StringComparison.Ordinal);

        // Worked by hand: gate = (2, −1), cell = (0.25, −1.5), weights t = 1, 2 summing to 3: ∂/∂gate = 3 tanh(cell),
        // ∂/∂cell = 3 gate sech²(cell).
        double[] gate = { 2, -1 }, cell = { 0.25, -1.5 };
        double[] dGate = new double[2], dCell = new double[2];
        var type = run.Load().GetType("Models")!;
        var call = (Func<double[], double[], double[], double[], double>)Delegate.CreateDelegate(
            typeof(Func<double[], double[], double[], double[], double>), type.GetMethod("OutputGateIntoArrays")!);
        Assert.Equal(3 * (2 * Math.Tanh(0.25) - Math.Tanh(-1.5)), call(gate, cell, dGate, dCell), 14);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(3 * Math.Tanh(cell[i]), dGate[i], 14);
            Assert.Equal(3 * gate[i] / (Math.Cosh(cell[i]) * Math.Cosh(cell[i])), dCell[i], 14);
        }

        // Past the 128 values the stack of saved values holds on the stack (pooled above), without allocating once warm.
        double[] longGate = Enumerable.Range(0, 200).Select(i => Math.Sin(i)).ToArray();
        double[] longCell = Enumerable.Range(0, 200).Select(i => 2 * Math.Cos(i)).ToArray();
        double[] dLongGate = new double[200], dLongCell = new double[200];
        call(longGate, longCell, dLongGate, dLongCell);
        for (int i = 0; i < 200; i++)
        {
            Assert.Equal(3 * longGate[i] / (Math.Cosh(longCell[i]) * Math.Cosh(longCell[i])), dLongCell[i], 13);
        }

        Assert.Equal(0, Allocations.PerCall(() => call(longGate, longCell, dLongGate, dLongCell)));
    }

    [Fact]
    public void A_single_partial_is_left_as_it_was()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = run.Source("Models.TanhSum.g.cs");
        // The reverse transform's phrase; forward mode's "computed once: the value and its tangent both read it" is
        // SharedCallTests' business.
        Assert.DoesNotContain("computed once, used in", generated, StringComparison.Ordinal);
    }

    [Fact]
    public void Second_derivatives_through_the_shared_derivative_match_the_hand_worked_Hessian_and_forward_mode()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        Assert.Contains("computed once, used in 2 partials below", run.Source("Models.TanhChain.g.cs"), StringComparison.Ordinal);

        // Worked by hand, x = (a, c): f = tanh(ac + 0.3); with s = sech² u and s' = −2 tanh u · s:
        // ∇f = s (c, a), H = [[s' c², s + s' ac], [s + s' ac, s' a²]].
        double a = 0.8, c = -1.7, u = a * c + 0.3;
        double s = 1 / (Math.Cosh(u) * Math.Cosh(u)), sPrime = -2 * Math.Tanh(u) * s;
        double[] x = { a, c }, v = { 0.5, -2 };
        double[] gradient = new double[2], product = new double[2];
        var type = run.Load().GetType("Models")!;
        double value = (double)type.GetMethod("TanhChainProduct")!.Invoke(null, new object[] { x, v, gradient, product })!;
        Assert.Equal(Math.Tanh(u), value, 14);
        Assert.Equal(s * c, gradient[0], 14);
        Assert.Equal(s * a, gradient[1], 14);
        Assert.Equal(sPrime * c * c * v[0] + (s + sPrime * a * c) * v[1], product[0], 13);
        Assert.Equal((s + sPrime * a * c) * v[0] + sPrime * a * a * v[1], product[1], 13);

        // Forward mode: the directional derivative along v is ∇f · v.
        double derivative = (double)type.GetMethod("TanhChainDirectional")!.Invoke(null, new object[] { x, v })!;
        Assert.Equal(s * c * v[0] + s * a * v[1], derivative, 14);
    }

    /// <summary>The code lines (not the comments) of the first generated method, the gradient that writes into spans.</summary>
    private static string GradientCode(string generated)
    {
        int start = generated.IndexOf("WithGradient(", StringComparison.Ordinal);
        int end = generated.IndexOf("public static", start, StringComparison.Ordinal);
        return string.Join('\n', generated[start..end].Split('\n')
            .Select(line => line.IndexOf("//", StringComparison.Ordinal) is int at and >= 0 ? line[..at] : line));
    }
}
