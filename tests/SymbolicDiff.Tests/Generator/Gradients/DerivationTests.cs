using System.Text.RegularExpressions;
using SymbolicDiff;

namespace SymbolicDiff.Tests.Generator.Gradients;

/// <summary>
/// The generated <c>MDerivation</c> (the step-by-step trace of a gradient) and its renderings, on the worked
/// example (compiled by the build-time generator) and on a method with a loop.
/// </summary>
/// <remarks>
/// The worked example's numbers, by hand: at x = 0.5, w = 2, b = −1, y = 1 (mean squared error, PyTorch's
/// convention L = (a − y)²): z = x·w + b = 0, a = σ(0) = ½, L = (½ − 1)² = ¼; ∂L/∂a = 2(a − y) = −1,
/// ∂a/∂z = a(1 − a) = ¼, so ∂L/∂z = −¼, ∂L/∂w = ∂L/∂z · x = −0.125, ∂L/∂b = ∂L/∂z · 1 = −0.25.
/// The loop method's, for v = (1, 2, 3) and s = 2: Σ (s·vᵢ)² = 4 · 14 = 56, ∂/∂s = 2s·Σ vᵢ² = 56, ∂/∂vᵢ = 2s²vᵢ = 8vᵢ.
/// </remarks>
public partial class DerivationTests
{
    public static partial class Neuron
    {
        [Differentiable(nameof(w), nameof(b))]
        public static double Loss(double x, double w, double b, double y)
        {
            double z = x * w + b;
            double a = Activations.Sigmoid(z);
            return Losses.MeanSquaredError(a, y);
        }

        [Differentiable]
        public static float Cube(float x, float c)
        {
            float square = x * x;
            return square * x + c;
        }

        [Differentiable]
        public static double ScaledSumOfSquares(ReadOnlySpan<double> v, double s)
        {
            double total = 0;
            for (int i = 0; i < v.Length; i++)
            {
                double scaled = s * v[i];
                total += scaled * scaled;
            }

            return total;
        }
    }

    private const double X = 0.5, W = 2, B = -1, Y = 1;
    private const double Tolerance = 1e-12;

    private static DerivationStep Step(Derivation derivation, DerivationStepKind kind, string name) =>
        Assert.Single(derivation.Steps, s => s.Kind == kind && s.Name == name);

    [Fact]
    public void The_worked_example_traces_each_value_partial_and_adjoint_with_the_hand_worked_numbers()
    {
        Derivation derivation = Neuron.LossDerivation(X, W, B, Y);

        Assert.Equal("Loss", derivation.Method);
        Assert.Equal("loss", derivation.Result);
        Assert.Equal(new[] { "x", "w", "b", "y" }, derivation.Steps.Where(s => s.Kind == DerivationStepKind.Input).Select(s => s.Name));
        Assert.Equal(new[] { "z", "a", "loss" }, derivation.Steps.Where(s => s.Kind == DerivationStepKind.Intermediate).Select(s => s.Name));

        var z = Step(derivation, DerivationStepKind.Intermediate, "z");
        Assert.Equal("x * w + b", z.Formula);
        Assert.Equal(new[] { "x", "w", "b" }, z.Reads);
        Assert.Equal(0, z.Value, Tolerance);
        Assert.Equal(0.5, Step(derivation, DerivationStepKind.Intermediate, "a").Value, Tolerance);
        Assert.Equal(0.25, Step(derivation, DerivationStepKind.Intermediate, "loss").Value, Tolerance);
        Assert.Equal(0.25, derivation.Value, Tolerance);

        // Local partials: ∂loss/∂a = 2(a − y) = −1, ∂a/∂z = a(1 − a) = ¼.
        var dLossDa = Step(derivation, DerivationStepKind.LocalPartial, "dLoss_da");
        Assert.Equal(("loss", "a"), (dLossDa.Of, dLossDa.WithRespectTo));
        Assert.Equal(-1, dLossDa.Value, Tolerance);
        var dADz = Step(derivation, DerivationStepKind.LocalPartial, "da_dz");
        Assert.Equal(("a", "z"), (dADz.Of, dADz.WithRespectTo));
        Assert.Equal(0.25, dADz.Value, Tolerance);
        Assert.Equal("∂a/∂z", dADz.Note);

        // Adjoints, each the product that formed it.
        var dLossDz = Step(derivation, DerivationStepKind.Adjoint, "dLoss_dz");
        Assert.Equal("z", dLossDz.WithRespectTo);
        Assert.Equal("∂loss/∂z = ∂loss/∂a · ∂a/∂z", dLossDz.Note);
        Assert.Equal(-0.25, dLossDz.Value, Tolerance);
        Assert.Equal(-0.125, Step(derivation, DerivationStepKind.Adjoint, "dLoss_dw").Value, Tolerance);
        Assert.Equal(-0.25, Step(derivation, DerivationStepKind.Adjoint, "dLoss_db").Value, Tolerance);

        // The gradient, last, in parameter order.
        Assert.Equal(new[] { "∂loss/∂w", "∂loss/∂b" }, derivation.Gradient.Select(s => s.Name));
        Assert.Equal(-0.125, derivation.Gradient[0].Value, Tolerance);
        Assert.Equal(-0.25, derivation.Gradient[1].Value, Tolerance);
        Assert.Equal(DerivationStepKind.Gradient, derivation.Steps[^1].Kind);
    }

    [Theory]
    [InlineData(0.5, 2.0, -1.0, 1.0)]
    [InlineData(-1.3, 0.7, 0.4, 0.0)]
    [InlineData(2.0, -0.6, 1.5, 1.0)]
    public void The_traced_gradient_is_the_gradient_method_s_and_agrees_with_central_differences(double x, double w, double b, double y)
    {
        var derivation = Neuron.LossDerivation(x, w, b, y);
        var gradient = Neuron.LossWithGradient(x, w, b, y);

        Assert.Equal(gradient.Value, derivation.Value);
        Assert.Equal(gradient.W, derivation.Gradient[0].Value);
        Assert.Equal(gradient.B, derivation.Gradient[1].Value);

        const double h = 1e-6;
        double dw = (Neuron.Loss(x, w + h, b, y) - Neuron.Loss(x, w - h, b, y)) / (2 * h);
        double db = (Neuron.Loss(x, w, b + h, y) - Neuron.Loss(x, w, b - h, y)) / (2 * h);
        Assert.Equal(dw, derivation.Gradient[0].Value, 1e-8);
        Assert.Equal(db, derivation.Gradient[1].Value, 1e-8);
    }

    [Fact]
    public void The_text_table_has_a_header_and_one_aligned_row_per_step()
    {
        var derivation = Neuron.LossDerivation(X, W, B, Y);
        string[] lines = derivation.ToString().TrimEnd().Split('\n');

        Assert.Equal("Derivation of Loss", lines[0]);
        Assert.Matches(@"^step\s+name\s+formula\s+value\s+chain rule$", lines[1]);
        Assert.Equal(derivation.Steps.Count, lines.Length - 2);
        // Every row's name starts in the header's name column.
        int nameColumn = lines[1].IndexOf("name", StringComparison.Ordinal);
        for (int i = 0; i < derivation.Steps.Count; i++)
        {
            Assert.Equal(derivation.Steps[i].Name, lines[i + 2].Substring(nameColumn).Split(' ')[0]);
        }

        Assert.Single(lines, l => Regex.IsMatch(l, @"^forward\s+z\s+x \* w \+ b\s+0$"));
        Assert.Single(lines, l => Regex.IsMatch(l, @"^adjoint\s+dLoss_dz\s+dLoss_da \* da_dz\s+-0\.25\s+∂loss/∂z = ∂loss/∂a · ∂a/∂z$"));
        Assert.Single(lines, l => Regex.IsMatch(l, @"^gradient\s+∂loss/∂w\s+dLoss_dw\s+-0\.125$"));
    }

    [Fact]
    public void The_Markdown_table_has_one_row_per_step()
    {
        var derivation = Neuron.LossDerivation(X, W, B, Y);
        var rows = derivation.ToMarkdown().Split('\n').Where(l => l.StartsWith('|')).ToList();

        Assert.Equal("| step | name | formula | value | chain rule |", rows[0]);
        Assert.Equal("|---|---|---|---:|---|", rows[1]);
        Assert.Equal(derivation.Steps.Count, rows.Count - 2);
        Assert.Contains("| local partial | `da_dz` | `Activations.SigmoidDerivative(z, a)` | 0.25 | ∂a/∂z |", rows);
        Assert.Contains("| gradient | `∂loss/∂b` | `dLoss_db` | -0.25 |  |", rows);
    }

    [Fact]
    public void The_Mermaid_graph_has_a_node_per_value_and_edges_labelled_with_the_local_partials()
    {
        string mermaid = Neuron.LossDerivation(X, W, B, Y).ToMermaid();
        var nodes = Regex.Matches(mermaid, @"^    (n\d+)\[""([^""]*)""\]$", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[2].Value.Split(' ')[0], m => (Id: m.Groups[1].Value, Label: m.Groups[2].Value));
        var edges = Regex.Matches(mermaid, @"^    (n\d+) -->(?:\|""([^""]*)""\|)? (n\d+)$", RegexOptions.Multiline)
            .Select(m => (From: m.Groups[1].Value, Label: m.Groups[2].Value, To: m.Groups[3].Value)).ToList();

        Assert.StartsWith("flowchart LR\n", mermaid, StringComparison.Ordinal);
        Assert.Equal(new[] { "x", "w", "b", "y", "z", "a", "loss" }, nodes.Keys);
        Assert.Equal("z = 0<br/>∂loss/∂z = -0.25", nodes["z"].Label);
        Assert.Equal("w = 2<br/>∂loss/∂w = -0.125", nodes["w"].Label);
        Assert.Equal(6, edges.Count); // x, w, b → z; z → a; a, y → loss
        Assert.Contains((nodes["z"].Id, "∂a/∂z = 0.25", nodes["a"].Id), edges);
        Assert.Contains((nodes["a"].Id, "∂loss/∂a = -1", nodes["loss"].Id), edges);
        Assert.Contains((nodes["w"].Id, string.Empty, nodes["z"].Id), edges);
    }

    [Fact]
    public void The_DOT_graph_is_the_same_graph()
    {
        var derivation = Neuron.LossDerivation(X, W, B, Y);
        string dot = derivation.ToDot();

        Assert.StartsWith("digraph \"Loss\" {\n", dot, StringComparison.Ordinal);
        Assert.EndsWith("}\n", dot, StringComparison.Ordinal);
        Assert.Equal(7, Regex.Matches(dot, @"^    n\d+ \[label=", RegexOptions.Multiline).Count);
        Assert.Equal(6, Regex.Matches(dot, @"^    n\d+ -> n\d+", RegexOptions.Multiline).Count);
        Assert.Contains("[label=\"z = 0\\n∂loss/∂z = -0.25\"]", dot, StringComparison.Ordinal);
        Assert.Matches(@"n4 -> n5 \[label=""∂a/∂z = 0\.25""\];", dot);
    }

    [Fact]
    public void A_loop_is_one_summary_step_so_the_trace_does_not_grow_with_the_iterations()
    {
        var small = Neuron.ScaledSumOfSquaresDerivation(new double[] { 1, 2, 3 }, 2);
        var large = Neuron.ScaledSumOfSquaresDerivation(Enumerable.Range(0, 1000).Select(i => i * 0.001).ToArray(), 2);

        // Vectors are shown up to MaxVectorElements elements, then one step says how many more there were.
        Assert.True(large.Steps.Count <= small.Steps.Count + 2 * (Derivation.MaxVectorElements - 3 + 1), large.ToString());
        // A sum of per-element terms is differentiated element by element: one loop holds both sweeps.
        Assert.Equal(1, small.Steps.Count(s => s.Kind == DerivationStepKind.Loop));
        Assert.Contains(small.Steps, s => s.Kind == DerivationStepKind.Loop && s.Note == "forward and backward sweep of each iteration in turn: not unrolled");
        Assert.Contains(small.Steps, s => s.Kind == DerivationStepKind.Loop && s.Formula.StartsWith("for (int i = 0; i < v.Length; i++)", StringComparison.Ordinal));
        Assert.Contains(large.Steps, s => s.Name == "v[8..]" && s.Formula == "(992 more elements, not shown)");

        // The value after the loop, and the gradient: Σ (s·vᵢ)² = 56, ∂/∂s = 56, ∂/∂vᵢ = 8vᵢ.
        Assert.Equal(56, small.Steps.Last(s => s.Kind == DerivationStepKind.Intermediate && s.Name == "total").Value, Tolerance);
        Assert.Equal(56, small.Value, Tolerance);
        Assert.Equal(new[] { 8.0, 16, 24, 56 }, small.Gradient.Select(s => s.Value));
        Assert.Equal(new[] { "∂total/∂v[0]", "∂total/∂v[1]", "∂total/∂v[2]", "∂total/∂s" }, small.Gradient.Select(s => s.Name));

        var gradient = Neuron.ScaledSumOfSquaresWithGradient(new double[] { 1, 2, 3 }, 2);
        Assert.Equal(gradient.V.Append(gradient.S), small.Gradient.Select(s => s.Value));
    }

    [Fact]
    public void A_float_method_s_trace_holds_its_float_values()
    {
        // At x = 1.5, c = 2: x² = 2.25, x³ + c = 5.375, ∂/∂x = 3x² = 6.75, ∂/∂c = 1 (all exact in float).
        var derivation = Neuron.CubeDerivation(1.5f, 2f);
        var gradient = Neuron.CubeWithGradient(1.5f, 2f);

        Assert.Equal(2.25, Step(derivation, DerivationStepKind.Intermediate, "square").Value);
        Assert.Equal(5.375, derivation.Value);
        Assert.Equal(new[] { 6.75, 1.0 }, derivation.Gradient.Select(s => s.Value));
        Assert.Equal(new double[] { gradient.X, gradient.C }, derivation.Gradient.Select(s => s.Value));
        float h = 1e-2f;
        Assert.Equal((Neuron.Cube(1.5f + h, 2f) - Neuron.Cube(1.5f - h, 2f)) / (2 * h), derivation.Gradient[0].Value, 1e-2);
    }

    [Fact]
    public void A_trace_needs_the_method_and_result_names()
    {
        Assert.Equal("method", Assert.Throws<ArgumentException>(() => new Derivation("", "loss")).ParamName);
        Assert.Equal("result", Assert.Throws<ArgumentException>(() => new Derivation("Loss", null!)).ParamName);
        Assert.Equal("step", Assert.Throws<ArgumentNullException>(() => new Derivation("Loss", "loss").Add(null!)).ParamName);
    }
}
