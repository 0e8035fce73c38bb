using System.Numerics;

namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// A write to a saved buffer whose earlier value the backward sweep never reads pushes nothing and pops nothing
/// (LoopDifferentiator.UnsavedWrites.cs): the first copy of a state into a fresh buffer, and a buffer read backwards only
/// through a call kept on the stack, as in ADBench's LSTM. Checked against complex-step derivatives of the same function
/// written independently in <see cref="Complex"/> arithmetic (exact to rounding) and against central differences; the
/// shapes where the save must stay are in LoopGeneratorBugTests.
/// </summary>
public class UnsavedWriteTests
{
    private const string Models = """
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
            // A state copied in, updated over a sequence, read through p, whose only backward read is exp(p[i]).
            [Differentiable(nameof(w))]
            public static double Recurrent(double[] start, double[] w, double[] x)
            {
                int n = w.Length;
                Span<double> s = stackalloc double[n];
                Span<double> p = stackalloc double[n];
                for (int i = 0; i < n; i++)
                {
                    s[i] = start[i];
                }

                double total = 0;
                for (int t = 0; t < x.Length; t++)
                {
                    for (int i = 0; i < n; i++)
                    {
                        s[i] = s[i] * w[i] + x[t];
                    }

                    for (int i = 0; i < n; i++)
                    {
                        p[i] = s[i] * w[i];
                    }

                    double sum = 0;
                    for (int i = 0; i < n; i++)
                    {
                        sum += Math.Exp(p[i]);
                    }

                    total += Math.Log(sum);
                }

                return total;
            }
        }
        """;

    [Fact]
    public void The_first_copy_and_a_buffer_read_only_through_a_kept_call_are_not_saved()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string source = run.Source("Models.Recurrent.g.cs");
        string gradient = GradientMethod(source, "RecurrentWithGradient");

        // Only the recurrence's write is saved: s[i] = start[i] overwrites zeros nothing reads, and p[i]'s earlier value
        // would only feed exp(p[i]), which the backward sweep pops as it was kept.
        Assert.Equal(1, Occurrences(gradient, "saved.Push(s[i]);"));
        Assert.Equal(1, Occurrences(gradient, "s[i] = saved.Pop();"));
        Assert.DoesNotContain("saved.Push(p[i]);", gradient, StringComparison.Ordinal);
        Assert.DoesNotContain("p[i] = saved.Pop();", gradient, StringComparison.Ordinal);
        Assert.Contains("saved.Push(exp);", gradient, StringComparison.Ordinal);

        // Three steps over two units, w on both sides of 1 so that s grows in one unit and shrinks in the other.
        double[] start = { 0.3, -0.6 };
        double[] w = { 1.2, -0.7 };
        double[] x = { 0.5, -1.0, 0.25 };
        var type = run.Load().GetType("Models")!;
        var withGradient = type.GetMethods().Single(m => m.Name == "RecurrentWithGradient" && m.GetParameters().Length == 3);
        object result = withGradient.Invoke(null, new object[] { start, w, x })!;
        double value = (double)result.GetType().GetProperty("Value")!.GetValue(result)!;
        double[] dW = (double[])result.GetType().GetProperty("W")!.GetValue(result)!;

        Assert.Equal(Recurrent(start, w.Select(v => new Complex(v, 0)).ToArray(), x).Real, value, 13);
        AssertClose(ComplexStep(p => Recurrent(start, p, x), w), dW, 1e-12);
        var plain = type.GetMethod("Recurrent")!;
        AssertClose(CentralDifferences(p => (double)plain.Invoke(null, new object[] { start, p, x })!, w), dW, 1e-7);
    }

    [Fact]
    public void The_gradient_of_the_adbench_lstm_shape_saves_neither_its_first_state_copy_nor_its_prediction()
    {
        // The LSTM's objective as the AD benchmarks write it: its saves are those of the recurrence and the gates.
        var run = GeneratorHarness.Run(LstmModel).ShouldSucceed();
        string gradient = GradientMethod(run.Source("Models.Lstm.g.cs"), "LstmWithGradient");
        Assert.DoesNotContain("saved.Push(prediction[i]);", gradient, StringComparison.Ordinal);
        Assert.DoesNotContain("saved.Push(s[i]);", gradient, StringComparison.Ordinal);
        Assert.Contains("saved.Push(s[cell + i]);", gradient, StringComparison.Ordinal);
        Assert.Contains("saved.Push(layerInput[i]);", gradient, StringComparison.Ordinal);

        // One layer of two cells over three steps: against complex-step derivatives of the same objective and central differences.
        double[] main = { 0.4, -0.3, 0.8, 0.1, -0.6, 0.2, 0.5, -0.9, 0.05, -0.15, 0.3, 0.7, -0.2, 0.6, -0.4, 0.25 };
        double[] extra = { 0.9, -0.5, 0.3, 0.8, -0.1, 0.2 };
        double[] state = { 0.2, -0.4, 0.6, -0.1 };
        double[] sequence = { 0.1, 0.7, 0.5, 0.2, 0.9, 0.4 };
        var type = run.Load().GetType("Models")!;
        var withGradient = type.GetMethods().Single(m => m.Name == "LstmWithGradient" && m.GetParameters().Length == 5);
        object result = withGradient.Invoke(null, new object[] { main, extra, state, sequence, 1 })!;
        double[] dMain = (double[])result.GetType().GetProperty("MainParams")!.GetValue(result)!;
        double[] dExtra = (double[])result.GetType().GetProperty("ExtraParams")!.GetValue(result)!;
        Complex[] C(double[] values) => values.Select(v => new Complex(v, 0)).ToArray();
        AssertClose(ComplexStep(p => Lstm(p, C(extra), state, sequence), main), dMain, 1e-12);
        AssertClose(ComplexStep(p => Lstm(C(main), p, state, sequence), extra), dExtra, 1e-12);
        var plain = type.GetMethod("Lstm")!;
        AssertClose(CentralDifferences(p => (double)plain.Invoke(null, new object[] { p, extra, state, sequence, 1 })!, main), dMain, 1e-7);
        AssertClose(CentralDifferences(p => (double)plain.Invoke(null, new object[] { main, p, state, sequence, 1 })!, extra), dExtra, 1e-7);
    }

    private const string LstmModel = """
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
            [Differentiable(nameof(mainParams), nameof(extraParams))]
            public static double Lstm(double[] mainParams, double[] extraParams, double[] state, double[] sequence, int layers)
            {
                int b = extraParams.Length / 3;
                int c = sequence.Length / b;
                Span<double> s = stackalloc double[state.Length];
                Span<double> layerInput = stackalloc double[b];
                Span<double> prediction = stackalloc double[b];
                for (int i = 0; i < state.Length; i++)
                {
                    s[i] = state[i];
                }

                double total = 0;
                for (int t = 0; t < c - 1; t++)
                {
                    for (int i = 0; i < b; i++)
                    {
                        layerInput[i] = sequence[t * b + i] * extraParams[i];
                    }

                    for (int layer = 0; layer < layers; layer++)
                    {
                        int weight = layer * 8 * b;
                        int bias = weight + 4 * b;
                        int hidden = layer * 2 * b;
                        int cell = hidden + b;
                        for (int i = 0; i < b; i++)
                        {
                            double forget = Activations.Sigmoid(layerInput[i] * mainParams[weight + i] + mainParams[bias + i]);
                            double ingate = Activations.Sigmoid(s[hidden + i] * mainParams[weight + b + i] + mainParams[bias + b + i]);
                            double outgate = Activations.Sigmoid(layerInput[i] * mainParams[weight + 2 * b + i] + mainParams[bias + 2 * b + i]);
                            double change = Math.Tanh(s[hidden + i] * mainParams[weight + 3 * b + i] + mainParams[bias + 3 * b + i]);
                            s[cell + i] = s[cell + i] * forget + ingate * change;
                            s[hidden + i] = outgate * Math.Tanh(s[cell + i]);
                        }

                        for (int i = 0; i < b; i++)
                        {
                            layerInput[i] = s[hidden + i];
                        }
                    }

                    for (int i = 0; i < b; i++)
                    {
                        prediction[i] = layerInput[i] * extraParams[b + i] + extraParams[2 * b + i];
                    }

                    double sumExp = 0;
                    for (int i = 0; i < b; i++)
                    {
                        sumExp += Math.Exp(prediction[i]);
                    }

                    double logSumExp = Math.Log(sumExp + 2);
                    for (int i = 0; i < b; i++)
                    {
                        total += sequence[(t + 1) * b + i] * (prediction[i] - logSumExp);
                    }
                }

                return -total / ((c - 1) * b);
            }
        }
        """;

    /// <summary>The model above, one layer, in complex arithmetic.</summary>
    private static Complex Lstm(Complex[] main, Complex[] extra, double[] state, double[] sequence)
    {
        int b = extra.Length / 3;
        int c = sequence.Length / b;
        var s = state.Select(v => new Complex(v, 0)).ToArray();
        var input = new Complex[b];
        Complex total = 0;
        static Complex Sigmoid(Complex z) => 1 / (1 + Complex.Exp(-z));
        for (int t = 0; t < c - 1; t++)
        {
            for (int i = 0; i < b; i++)
            {
                input[i] = sequence[t * b + i] * extra[i];
            }

            for (int i = 0; i < b; i++)
            {
                var forget = Sigmoid(input[i] * main[i] + main[4 * b + i]);
                var ingate = Sigmoid(s[i] * main[b + i] + main[5 * b + i]);
                var outgate = Sigmoid(input[i] * main[2 * b + i] + main[6 * b + i]);
                var change = Complex.Tanh(s[i] * main[3 * b + i] + main[7 * b + i]);
                s[b + i] = s[b + i] * forget + ingate * change;
                s[i] = outgate * Complex.Tanh(s[b + i]);
            }

            var prediction = Enumerable.Range(0, b).Select(i => s[i] * extra[b + i] + extra[2 * b + i]).ToArray();
            Complex sumExp = 0;
            foreach (var value in prediction)
            {
                sumExp += Complex.Exp(value);
            }

            var logSumExp = Complex.Log(sumExp + 2);
            for (int i = 0; i < b; i++)
            {
                total += sequence[(t + 1) * b + i] * (prediction[i] - logSumExp);
            }
        }

        return -total / ((c - 1) * b);
    }

    /// <summary>The model <c>Recurrent</c> in complex arithmetic.</summary>
    private static Complex Recurrent(double[] start, Complex[] w, double[] x)
    {
        var s = start.Select(v => new Complex(v, 0)).ToArray();
        Complex total = 0;
        foreach (double xt in x)
        {
            Complex sum = 0;
            for (int i = 0; i < s.Length; i++)
            {
                s[i] = s[i] * w[i] + xt;
                sum += Complex.Exp(s[i] * w[i]);
            }

            total += Complex.Log(sum);
        }

        return total;
    }

    /// <summary>Im f(p + i·h·eₖ) / h for each k: the derivative to rounding, with no subtraction to cancel.</summary>
    private static double[] ComplexStep(Func<Complex[], Complex> f, double[] at)
    {
        const double h = 1e-30;
        var result = new double[at.Length];
        for (int k = 0; k < at.Length; k++)
        {
            var point = at.Select(v => new Complex(v, 0)).ToArray();
            point[k] += new Complex(0, h);
            result[k] = f(point).Imaginary / h;
        }

        return result;
    }

    private static int Occurrences(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>The span overload <c>name(...)</c>'s body: from its signature to the next generated member.</summary>
    private static string GradientMethod(string source, string name)
    {
        int start = source.IndexOf("public static double " + name + "(", StringComparison.Ordinal);
        Assert.True(start >= 0, name + " not found");
        int end = source.IndexOf("/// <summary>", start, StringComparison.Ordinal);
        return end < 0 ? source[start..] : source[start..end];
    }

    /// <summary>(f(p + h·eᵢ) − f(p − h·eᵢ)) / 2h for each element i.</summary>
    private static double[] CentralDifferences(Func<double[], double> f, double[] at)
    {
        const double h = 1e-6;
        var result = new double[at.Length];
        for (int i = 0; i < at.Length; i++)
        {
            var plus = (double[])at.Clone();
            var minus = (double[])at.Clone();
            plus[i] += h;
            minus[i] -= h;
            result[i] = (f(plus) - f(minus)) / (2 * h);
        }

        return result;
    }

    private static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])), $"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }
}
