using SymbolicDiff.Tests.Snapshots;

namespace SymbolicDiff.Tests.Generator.SecondOrder;

/// <summary>
/// The generated Hessian methods, checked against a baseline beside this file; the numbers they compute are checked
/// against the Hessian worked out by hand and finite differences in the same test, so the baseline cannot lock in a
/// wrong derivative.
/// </summary>
public class HessianSnapshotTests
{
    [Fact]
    public void The_worked_example_neurons_Hessian_differentiates_its_gradient_along_each_parameter()
    {
        var run = GeneratorHarness.Run("""
            using SymbolicDiff;

            public static partial class Neuron
            {
                [Differentiable(nameof(w), nameof(b), SecondOrder = true)]
                public static double Loss(double x, double w, double b, double y)
                {
                    double z = x * w + b;
                    double a = Activations.Sigmoid(z);
                    return Losses.MeanSquaredError(a, y);
                }
            }
            """).ShouldSucceed();

        Snapshot.Verify(run.Source("Neuron.Loss.g.cs"));

        // L = (σ(z) − y)², z = xw + b: dL/dz = 2(a − y)·a(1 − a) with a = σ(z), and
        // d²L/dz² = 2a(1 − a)·[a(1 − a) + (a − y)(1 − 2a)]; ∂z/∂w = x, ∂z/∂b = 1.
        var harness = new HessianHarness(run, "Neuron", "Loss");
        foreach (var (x, w, b, y) in new[] { (0.5, 2.0, -1.0, 1.0), (-1.5, 0.3, 0.8, 0.0), (2.0, 4.0, 1.0, 0.2) })
        {
            double a = 1 / (1 + Math.Exp(-(x * w + b)));
            double curvature = 2 * a * (1 - a) * (a * (1 - a) + (a - y) * (1 - 2 * a));
            var byHand = new[,] { { x * x * curvature, x * curvature }, { x * curvature, curvature } };
            harness.Check(new[] { x, w, b, y }, new[] { 1, 2 }, byHand);
        }
    }
}
