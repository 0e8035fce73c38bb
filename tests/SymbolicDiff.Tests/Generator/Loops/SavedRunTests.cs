using SymbolicDiff.Generator.Differentiation;
using SymbolicDiff.Generator.Model;
using SymbolicDiff.Tests.Generator.Jacobians;
using SymbolicDiff.Tests.Runtime;

namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// An iteration's consecutive saves go on the stack in one call, and the consecutive restores that declare them again in
/// one (Differentiation/SavedRuns.cs): <c>saved.Push(grown, squashed);</c> and <c>saved.Pop(out double grown, out double
/// squashed);</c>. Checked on a drifting state whose derivatives have a closed form (gradient, forward mode, Hessian)
/// and against central differences; on the benchmarks' LSTM, whose cell saves eight values in one call while the state
/// it overwrites between them stays saved one value at a time; and on the IR, where a run must stop.
/// </summary>
public class SavedRunTests
{
    private const string Drift = """
            [Differentiable(nameof(w))]
            public static double Drift(double[] w, double[] start, int steps)
            {
                int n = w.Length;
                Span<double> s = stackalloc double[n];
                for (int i = 0; i < n; i++)
                {
                    s[i] = start[i];
                }

                double total = 0;
                for (int t = 0; t < steps; t++)
                {
                    for (int i = 0; i < n; i++)
                    {
                        s[i] = s[i] + w[i];
                        double grown = Math.Exp(s[i]);
                        double squashed = Math.Tanh(s[i]);
                        total += grown * squashed;
                    }
                }

                return total;
            }
""";

    private static readonly string Models = $$"""
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
        {{Drift}}
        {{Drift.Replace("[Differentiable(nameof(w))]", "[Differentiable(nameof(w), SecondOrder = true)]").Replace("Drift(", "DriftTwice(")}}
            public static double DriftAlong(double[] w, double[] start, int steps, double[] v) => DriftWithDerivative(w, start, steps, v).Derivative;
            public static void DriftTwiceHessianIntoArray(double[] w, double[] start, int steps, double[] hessian) => DriftTwiceHessian(w, start, steps, hessian);
        }
        """;

    [Fact]
    public void An_iterations_saves_and_restores_are_one_call_each_and_the_derivatives_are_the_closed_form()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string gradient = GeneratedText.GradientMethod(run.Source("Models.Drift.g.cs"), "Drift");
        Assert.Contains("saved.Push(grown, squashed);", gradient, StringComparison.Ordinal);
        Assert.Contains("saved.Pop(out double grown, out double squashed);", gradient, StringComparison.Ordinal);
        Assert.DoesNotContain("saved.Push(grown);", gradient, StringComparison.Ordinal);
        Assert.DoesNotContain("double grown = saved.Pop();", gradient, StringComparison.Ordinal);

        // f = Σᵢ Σₜ₌₁..T g(uᵢₜ), g(u) = eᵘ tanh u, uᵢₜ = startᵢ + t wᵢ: ∂f/∂wᵢ = Σₜ t g'(uᵢₜ), ∂²f/∂wᵢ² = Σₜ t² g''(uᵢₜ)
        // (no cross terms), with g' = eᵘ (tanh u + sech² u) and g'' = eᵘ (tanh u + 2 sech² u − 2 tanh u sech² u).
        static double G1(double u) => Math.Exp(u) * (Math.Tanh(u) + 1 / (Math.Cosh(u) * Math.Cosh(u)));
        static double G2(double u)
        {
            double tanh = Math.Tanh(u), sech2 = 1 / (Math.Cosh(u) * Math.Cosh(u));
            return Math.Exp(u) * (tanh + 2 * sech2 - 2 * tanh * sech2);
        }

        var type = run.Load().GetType("Models")!;
        double[] w = { 0.4, -0.9, 0.15 };
        double[] start = { -0.3, 0.8, 1.6 };
        double[] v = { 0.5, -1.2, 0.7 };
        foreach (int steps in new[] { 1, 3, 6 })
        {
            double[] expected = w.Select((wi, i) => Enumerable.Range(1, steps).Sum(t => t * G1(start[i] + t * wi))).ToArray();
            var (value, dW) = SteppedModels.Gradient(type, "Drift", w, start, steps);
            Assert.Equal(w.Select((wi, i) => Enumerable.Range(1, steps).Sum(t => Math.Exp(start[i] + t * wi) * Math.Tanh(start[i] + t * wi))).Sum(), value, 10);
            JacobianTests.AssertClose(expected, dW, 1e-12, "∂/∂w against the closed form");
            var plain = type.GetMethod("Drift")!;
            JacobianTests.AssertClose(FiniteDifference.CentralGradient(p => (double)plain.Invoke(null, new object[] { p, start, steps })!, w), dW, 1e-6, "∂/∂w against central differences");

            // Forward mode: ∇f · v.
            double along = (double)type.GetMethod("DriftAlong")!.Invoke(null, new object[] { w, start, steps, v })!;
            Assert.Equal(expected.Zip(v, (g, vi) => g * vi).Sum(), along, 10);

            // The Hessian of the same model asking for second derivatives: diagonal.
            var hessian = new double[9];
            type.GetMethod("DriftTwiceHessianIntoArray")!.Invoke(null, new object[] { w, start, steps, hessian });
            for (int j = 0; j < 3; j++)
            {
                for (int k = 0; k < 3; k++)
                {
                    double exact = j == k ? Enumerable.Range(1, steps).Sum(t => (double)t * t * G2(start[j] + t * w[j])) : 0;
                    Assert.True(Math.Abs(exact - hessian[j * 3 + k]) <= 1e-11 * Math.Max(1, Math.Abs(exact)), $"∂²f/∂w{j}∂w{k}: {hessian[j * 3 + k]}, closed form {exact}");
                }
            }
        }
    }

    [Fact]
    public void The_adbench_lstm_saves_its_cells_values_in_one_call_and_its_state_one_value_at_a_time()
    {
        // AdBenchGradientTests.Lstm checks the gradient itself (compiled into this project) against the hand-written one
        // and central differences; here its text: the eight values of a cell in one push and one pop, and s[cell + i] and
        // s[hidden + i], each saved just before its own write, still one at a time (a statement stands between them).
        string objective = File.ReadAllText(Path.Combine(ReadmeExamplesTests.RepositoryRoot(), "benchmarks", "SymbolicDiff.Benchmarks", "AdBench", "Objectives", "Lstm.cs"));
        var run = GeneratorHarness.Run("using System;\n" + objective).ShouldSucceed();
        string gradient = GeneratedText.GradientMethod(run.Source("SymbolicDiff.Benchmarks.AdBench.AdBenchObjectives.LstmObjective.g.cs"), "LstmObjective");
        Assert.Contains("saved.Push(dforget_dz, dingate_dz, doutgate_dz, change, forget, ingate, outgate, tanh);", gradient, StringComparison.Ordinal);
        Assert.Contains("saved.Pop(out double dforget_dz, out double dingate_dz, out double doutgate_dz, out double change, out double forget, out double ingate, out double outgate, out double tanh);", gradient, StringComparison.Ordinal);
        Assert.Contains("saved.Push(s[cell + i]);", gradient, StringComparison.Ordinal);
        Assert.Contains("saved.Push(s[hidden + i]);", gradient, StringComparison.Ordinal);
        Assert.Contains("s[cell + i] = saved.Pop();", gradient, StringComparison.Ordinal);
        // One value an iteration stays a single call.
        Assert.Contains("saved.Push(exp);", gradient, StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_stops_at_a_value_that_pops_at_another_statement_and_outside_loops_and_is_cut_at_eight()
    {
        static Statement Push(string name) => new SavePush("saved", new Variable(name));
        static Statement Pop(string name) => new DeclareReal(name, new SavedPop("saved"));
        static ForLoop Loop(params Statement[] body) => new("i", "int", Constant.Zero, new Variable("n"), body.ToEquatableArray());

        // At the top level nothing changes: a straight line saves each value once a call.
        var topLevel = new[] { Push("a"), Push("b") }.ToEquatableArray();
        Assert.Equal(topLevel, SavedRuns.Rewrite(topLevel, inLoop: false));

        // A value that pops, an assignment between, a push to another stack: each ends the run.
        var kept = Loop(
            Push("a"), new SavePush("saved", new SavedPop("saved")),
            Push("b"), new AssignReal(new Variable("x"), new Variable("b"), "x = b;"), Push("c"),
            new SavePush("other", new Variable("e")), Push("d"),
            Pop("f"), Push("g"));
        Assert.Equal(kept.Body, ((ForLoop)SavedRuns.Rewrite(new Statement[] { kept }.ToEquatableArray(), inLoop: false)[0]).Body);

        // Ten pushes: eight in one call, then two; three pops: one call, the last declared receiving the first saved.
        var names = Enumerable.Range(0, 10).Select(k => "v" + k).ToArray();
        var many = Loop(names.Select(Push).Concat(new[] { Pop("z"), Pop("y"), Pop("x") }).ToArray());
        var body = ((ForLoop)SavedRuns.Rewrite(new Statement[] { many }.ToEquatableArray(), inLoop: false)[0]).Body;
        Assert.Equal(3, body.Count);
        Assert.Equal(names.Take(8).Select(name => (Expr)new Variable(name)), ((SavePushRun)body[0]).Values);
        Assert.Equal(names.Skip(8).Select(name => (Expr)new Variable(name)), ((SavePushRun)body[1]).Values);
        Assert.Equal(new[] { "x", "y", "z" }, ((RestoreDeclaredRun)body[2]).Names);
    }
}
