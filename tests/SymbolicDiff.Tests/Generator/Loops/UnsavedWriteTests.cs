using System.Numerics;
using SymbolicDiff.Tests.Generator.Jacobians;
using SymbolicDiff.Tests.Runtime;

namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// A write to a saved buffer whose earlier value the backward sweep never reads pushes nothing and pops nothing
/// (LoopDifferentiator.UnsavedWrites.cs): the first copy of a state into a fresh buffer, and a buffer read backwards only
/// through a call kept on the stack, as in ADBench's LSTM. Checked against complex-step derivatives of the same function
/// written independently in <see cref="Complex"/> arithmetic (exact to rounding) and against central differences; the
/// LSTM's gradient is checked against its hand-written one by AdBenchGradientTests; the shapes where the save must stay
/// are in LoopGeneratorBugTests.
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

        // The copy's backward step would only zero ∂/∂s, which nothing reads after it: it has none.
        Assert.DoesNotContain("// s[i] = start[i];", gradient, StringComparison.Ordinal);

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
        JacobianTests.AssertClose(ComplexStep(p => Recurrent(start, p, x), w), dW, 1e-12, "∂/∂w against complex steps");
        var plain = type.GetMethod("Recurrent")!;
        JacobianTests.AssertClose(FiniteDifference.CentralGradient(p => (double)plain.Invoke(null, new object[] { start, p, x })!, w), dW, 1e-7, "∂/∂w against central differences");
    }

    [Fact]
    public void The_adbench_lstm_saves_neither_its_first_state_copy_nor_its_prediction()
    {
        // The objective the benchmarks time, generated here for its text; AdBenchGradientTests.Lstm checks the same
        // gradient, compiled into this project, against the hand-written one and central differences.
        string objective = File.ReadAllText(Path.Combine(ReadmeExamplesTests.RepositoryRoot(), "benchmarks", "SymbolicDiff.Benchmarks", "AdBench", "Objectives", "Lstm.cs"));
        var run = GeneratorHarness.Run("using System;\n" + objective).ShouldSucceed();
        string gradient = GradientMethod(run.Source("SymbolicDiff.Benchmarks.AdBench.AdBenchObjectives.LstmObjective.g.cs"), "LstmObjectiveWithGradient");
        Assert.DoesNotContain("saved.Push(prediction[i]);", gradient, StringComparison.Ordinal);
        Assert.DoesNotContain("saved.Push(s[i]);", gradient, StringComparison.Ordinal);
        Assert.DoesNotContain("// s[i] = state[i];", gradient, StringComparison.Ordinal);
        Assert.Contains("saved.Push(s[cell + i]);", gradient, StringComparison.Ordinal);
        Assert.Contains("saved.Push(layerInput[i]);", gradient, StringComparison.Ordinal);
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
}
