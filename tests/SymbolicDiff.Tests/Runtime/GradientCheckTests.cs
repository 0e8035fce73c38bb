using SymbolicDiff;

namespace SymbolicDiff.Tests.Runtime;

// Models differentiated at build time by the real generator (the test project references it as an
// analyzer). Between them they call every runtime primitive, so each primitive's [Derivative]
// declaration is exercised through generated code, and GradientCheck checks the result.
public static partial class RuntimeModels
{
    /// <summary>The README's neuron: z = x·w + b, a = σ(z), loss = (a − y)², differentiated for w and b only.</summary>
    [Differentiable(nameof(w), nameof(b))]
    public static double Loss(double x, double w, double b, double y)
    {
        double z = x * w + b;
        double a = Activations.Sigmoid(z);
        return Losses.MeanSquaredError(a, y);
    }

    /// <summary>Tanh hidden unit, softplus, then the logit loss; every parameter differentiated, the label too.</summary>
    [Differentiable]
    public static double SmoothNetwork(double x, double w1, double w2, double b, double y)
    {
        double h = Activations.Tanh(w1 * x);
        double s = Activations.Softplus(w2 * h + b);
        return Losses.BinaryCrossEntropyWithLogits(s - 1.5, y);
    }

    /// <summary>Relu, LeakyRelu with its default slope and with an explicit one, and BCE on a probability.</summary>
    [Differentiable]
    public static double RectifiedNetwork(double x, double w, double b, double y)
    {
        double r = Activations.Relu(w * x + b);
        double l = Activations.LeakyRelu(w * x - b);
        double m = Activations.LeakyRelu(x - w, 0.2);
        double p = Activations.Sigmoid(r + 0.5 * l - m);
        return Losses.BinaryCrossEntropy(p, y);
    }

    /// <summary>Both cross-entropies differentiated with respect to a soft label (their target partials), and HalfSquaredError.</summary>
    [Differentiable]
    public static double SoftLabel(double logit, double label) =>
        Losses.BinaryCrossEntropyWithLogits(logit, label) + 0.5 * Losses.BinaryCrossEntropy(Activations.Sigmoid(0.5 * logit), label)
        + Losses.HalfSquaredError(logit, label);

    /// <summary>For the kink conventions through generated code.</summary>
    [Differentiable]
    public static double ReluOf(double x) => Activations.Relu(x);

    /// <summary>For the kink conventions through generated code.</summary>
    [Differentiable]
    public static double LeakyReluOf(double x) => Activations.LeakyRelu(x);

    /// <summary>A cubic, whose central difference has error exactly h²: (f(x+h) − f(x−h)) / 2h = 3x² + h².</summary>
    [Differentiable]
    public static double Cube(double x) => x * x * x;

    // ---- Hand-written pairs with known faults --------------------------------------------------------

    public readonly record struct WrongGradient(double Value, double W, double B);

    /// <summary>The neuron's gradient with ∂/∂b wrong (×1.5) wherever x &lt; 0, and right elsewhere.</summary>
    public static WrongGradient LossWithWrongGradient(double x, double w, double b, double y)
    {
        var g = LossWithGradient(x, w, b, y);
        return new WrongGradient(g.Value, g.W, x < 0 ? 1.5 * g.B : g.B);
    }

    /// <summary>The neuron's gradient with a value that is off by 1e-3.</summary>
    public static WrongGradient LossWithWrongValue(double x, double w, double b, double y)
    {
        var g = LossWithGradient(x, w, b, y);
        return new WrongGradient(g.Value + 1e-3, g.W, g.B);
    }

    public readonly record struct ScaledGradient(double Value, double X);

    /// <summary>f(x) = scale·x, whose derivative is scale.</summary>
    public static double Scaled(double x) => Scale * x;

    public static double Scale { get; set; } = 1.0;

    public static double Error { get; set; }

    /// <summary>Returns scale + Error as the derivative of <see cref="Scaled"/>.</summary>
    public static ScaledGradient ScaledWithGradient(double x) => new(Scaled(x), Scale + Error);

    public static ScaledGradient ScaledWithNaNGradient(double x) => new(Scaled(x), x > 1 ? double.NaN : Scale);

    // ---- Shapes GradientCheck rejects ---------------------------------------------------------------

    public readonly record struct StrayGradient(double Value, double W, double Q);

    public static StrayGradient LossWithStrayProperty(double x, double w, double b, double y) => new(Loss(x, w, b, y), 0, 0);

    public readonly record struct NoValue(double Total, double W);

    public static NoValue LossWithoutValue(double x, double w, double b, double y) => new(Loss(x, w, b, y), 0);

    public readonly record struct OnlyValue(double Value);

    public static OnlyValue LossWithOnlyValue(double x, double w, double b, double y) => new(Loss(x, w, b, y));

    public readonly record struct IntGradient(double Value, int W);

    public static IntGradient LossWithIntProperty(double x, double w, double b, double y) => new(Loss(x, w, b, y), 0);

    public static double Power(double x, int n) => Math.Pow(x, n);

    public readonly record struct PowerGradient(double Value, double X);

    public static PowerGradient PowerWithGradient(double x, int n) => new(Power(x, n), n * Math.Pow(x, n - 1));

    public static float SingleValued(double x) => (float)x;

    public readonly record struct UnderscoreGradient(double Value, double Bias, double LearningRate);

    public static double Underscored(double _bias, double learningRate) => _bias * learningRate;

    public static UnderscoreGradient UnderscoredWithGradient(double _bias, double learningRate) =>
        new(Underscored(_bias, learningRate), learningRate, _bias);

    public readonly record struct CaseGradient(double Value, double LEARNINGRATE);

    public static CaseGradient CaseInsensitiveWithGradient(double x, double learningRate) => new(x * learningRate, x);

    public static double CaseInsensitive(double x, double learningRate) => x * learningRate;
}

public class GradientCheckTests
{
    private static readonly double[][] NeuronPoints =
    [
        [0.5, 2.0, -1.0, 1.0],  // the worked example
        [-1.5, 0.3, 0.2, 0.0],
        [2.0, -0.7, 0.4, 1.0],
        [-0.4, 1.1, -0.6, 0.0],
    ];

    // ---- Generated gradients pass ------------------------------------------------------------------------

    [Fact]
    public void Generated_neuron_gradient_passes_and_reports_only_the_differentiated_parameters()
    {
        var result = GradientCheck.Run(RuntimeModels.Loss, RuntimeModels.LossWithGradient, NeuronPoints);

        result.AssertPasses(1e-6);
        Assert.True(result.Passes(1e-6));
        Assert.Null(result.ValueMismatch);
        Assert.Equal(["w", "b"], result.Parameters.Select(p => p.Name));
        Assert.Equal(["W", "B"], result.Parameters.Select(p => p.PropertyName));
        Assert.Equal(["x", "w", "b", "y"], result.ParameterNames);
        Assert.Equal(4, result.PointCount);
        Assert.Equal("Loss", result.FunctionName);
        Assert.Equal("LossWithGradient", result.WithGradientName);
        Assert.All(result.Parameters, p => Assert.True(p.WorstRelativeError < 1e-8, p.ToString()));
    }

    [Fact]
    public void Worked_example_finite_differences_reproduce_the_README_numbers()
    {
        // At (0.5, 2, −1, 1): ∂L/∂w = −0.125 and ∂L/∂b = −0.25 (README, derived by hand).
        var result = GradientCheck.Run(RuntimeModels.Loss, RuntimeModels.LossWithGradient, NeuronPoints[0]);
        Assert.Equal(-0.125, result.Parameters[0].AnalyticAtWorst);
        Assert.Equal(-0.25, result.Parameters[1].AnalyticAtWorst);
        Assert.Equal(-0.125, result.Parameters[0].FiniteDifferenceAtWorst, 1e-9);
        Assert.Equal(-0.25, result.Parameters[1].FiniteDifferenceAtWorst, 1e-9);
        Assert.Equal([0.5, 2.0, -1.0, 1.0], result.Parameters[0].WorstPoint);
    }

    [Fact]
    public void Generated_gradient_through_Tanh_Softplus_and_BCE_with_logits_passes()
    {
        var result = GradientCheck.Run(RuntimeModels.SmoothNetwork, RuntimeModels.SmoothNetworkWithGradient, RandomPoints(5, seed: 1, scale: 2.0, labelIndex: 4));
        result.AssertPasses(1e-6);
        Assert.Equal(["x", "w1", "w2", "b", "y"], result.Parameters.Select(p => p.Name));
    }

    [Fact]
    public void Generated_gradient_through_Relu_LeakyRelu_and_BCE_passes_away_from_the_kinks()
    {
        var points = RandomPoints(4, seed: 2, scale: 2.0, labelIndex: 3)
            .Where(p => Math.Abs(p[1] * p[0] + p[2]) > 1e-3 && Math.Abs(p[1] * p[0] - p[2]) > 1e-3 && Math.Abs(p[0] - p[1]) > 1e-3)
            .ToArray();
        Assert.True(points.Length > 20);

        // Both sides of each kink are visited.
        Assert.Contains(points, p => p[1] * p[0] + p[2] > 0);
        Assert.Contains(points, p => p[1] * p[0] + p[2] < 0);
        Assert.Contains(points, p => p[1] * p[0] - p[2] < 0);
        Assert.Contains(points, p => p[0] - p[1] < 0);

        GradientCheck.Run(RuntimeModels.RectifiedNetwork, RuntimeModels.RectifiedNetworkWithGradient, points).AssertPasses(1e-6);
    }

    [Fact]
    public void Generated_gradient_with_respect_to_soft_labels_passes()
    {
        var points = RandomPoints(2, seed: 3, scale: 3.0, labelIndex: 1);
        GradientCheck.Run(RuntimeModels.SoftLabel, RuntimeModels.SoftLabelWithGradient, points).AssertPasses(1e-6);
    }

    [Fact]
    public void Generated_code_follows_the_kink_conventions_and_propagates_NaN()
    {
        // relu'(0) = 0 and leaky_relu'(0) = 0.01, as PyTorch; NaN in gives NaN value and NaN gradient.
        Assert.Equal(new RuntimeModels.ReluOfGradient(0.0, 0.0), RuntimeModels.ReluOfWithGradient(0.0));
        Assert.Equal(new RuntimeModels.LeakyReluOfGradient(0.0, 0.01), RuntimeModels.LeakyReluOfWithGradient(0.0));
        Assert.Equal(new RuntimeModels.ReluOfGradient(2.0, 1.0), RuntimeModels.ReluOfWithGradient(2.0));
        Assert.Equal(new RuntimeModels.LeakyReluOfGradient(-0.02, 0.01), RuntimeModels.LeakyReluOfWithGradient(-2.0));

        var relu = RuntimeModels.ReluOfWithGradient(double.NaN);
        Assert.True(double.IsNaN(relu.Value) && double.IsNaN(relu.X));
        var leaky = RuntimeModels.LeakyReluOfWithGradient(double.NaN);
        Assert.True(double.IsNaN(leaky.Value) && double.IsNaN(leaky.X));
    }

    // ---- Faults are found ---------------------------------------------------------------------------------

    [Fact]
    public void A_wrong_partial_is_reported_with_its_parameter_and_point()
    {
        var result = GradientCheck.Run(RuntimeModels.Loss, RuntimeModels.LossWithWrongGradient, NeuronPoints);

        Assert.False(result.Passes(1e-6));
        Assert.Null(result.ValueMismatch);
        var w = result.Parameters.Single(p => p.Name == "w");
        var b = result.Parameters.Single(p => p.Name == "b");
        Assert.True(w.Passes(1e-6));
        Assert.False(b.Passes(1e-6));

        // Two points have x < 0. There ∂L/∂b is off by half its value: the relative error is 1/3 and the absolute
        // error 0.5·|∂L/∂b| ≤ 0.25 (|∂L/∂b| = |2(a − y)·a(1 − a)| ≤ 0.5), the smaller, which ranks the points:
        // the worst is the one with the larger |∂L/∂b|.
        double[] expectedWorst = NeuronPoints
            .Where(p => p[0] < 0)
            .OrderByDescending(p => Math.Abs(RuntimeModels.LossWithGradient(p[0], p[1], p[2], p[3]).B))
            .First();
        Assert.Equal(expectedWorst, b.WorstPoint);
        Assert.True(b.WorstPoint[0] < 0);
        Assert.Equal(1.5, b.AnalyticAtWorst / b.FiniteDifferenceAtWorst, 1e-6);
        Assert.Equal(1.0 / 3, b.WorstRelativeError, 1e-6);
        Assert.Equal(Math.Abs(b.AnalyticAtWorst - b.FiniteDifferenceAtWorst), b.WorstAbsoluteError);

        var exception = Assert.Throws<GradientCheckException>(() => result.AssertPasses());
        Assert.Same(result, exception.Result);
        Assert.Equal(1e-6, exception.Tolerance);
        string[] lines = exception.Message.Split('\n');
        Assert.Contains("FAILED at tolerance 1E-06", lines[0]);
        string bRow = Assert.Single(lines, line => line.TrimStart().StartsWith("b ", StringComparison.Ordinal));
        Assert.Contains("FAIL", bRow);
        Assert.Contains("(" + string.Join(", ", expectedWorst.Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture))) + ")", bRow);
        string wRow = Assert.Single(lines, line => line.TrimStart().StartsWith("w ", StringComparison.Ordinal));
        Assert.EndsWith("ok", wRow.TrimEnd());
    }

    [Fact]
    public void A_wrong_value_is_reported()
    {
        var result = GradientCheck.Run(RuntimeModels.Loss, RuntimeModels.LossWithWrongValue, NeuronPoints);

        Assert.NotNull(result.ValueMismatch);
        Assert.Equal(result.ValueMismatch.FunctionValue + 1e-3, result.ValueMismatch.Value);
        Assert.Equal(1e-3, result.ValueMismatch.AbsoluteError, 1e-12);
        Assert.All(result.Parameters, p => Assert.True(p.Passes(1e-6)));
        Assert.False(result.Passes(1e-6));
        Assert.True(result.Passes(1e-2));
        var exception = Assert.Throws<GradientCheckException>(() => result.AssertPasses());
        Assert.Contains("LossWithWrongValue(...).Value = ", exception.Message);
    }

    [Fact]
    public void A_NaN_partial_is_the_worst_and_never_passes()
    {
        RuntimeModels.Scale = 1.0;
        var result = GradientCheck.Run(RuntimeModels.Scaled, RuntimeModels.ScaledWithNaNGradient, [0.5], [3.0], [-1.0]);
        var x = Assert.Single(result.Parameters);
        Assert.Equal([3.0], x.WorstPoint);
        Assert.True(double.IsNaN(x.AnalyticAtWorst));
        Assert.False(result.Passes(1e300));
    }

    // ---- The error measures ---------------------------------------------------------------------------------

    [Theory]
    // scale, error in the analytic derivative, tolerance, passes: a row passes where the absolute error
    // |error| or the relative error |error| / max(|scale|, |scale + error|, 1e-8) is within the tolerance.
    [InlineData(1e-3, 1e-8, 1e-6, true)]    // abs 1e-8 passes though rel ≈ 1e-5 does not
    [InlineData(1e-3, 1e-8, 1e-9, false)]
    [InlineData(1e3, 1e-4, 1e-6, true)]     // rel 1e-7 passes though abs 1e-4 does not
    [InlineData(1e3, 1e-2, 1e-6, false)]    // abs 1e-2, rel 1e-5
    [InlineData(0.0, 0.0, 0.0, true)]       // f = 0: the finite difference is exactly 0, the floor keeps rel = 0
    public void Passes_when_either_error_is_within_the_tolerance(double scale, double error, double tolerance, bool passes)
    {
        RuntimeModels.Scale = scale;
        RuntimeModels.Error = error;
        try
        {
            // x = 0.5 and 2: for a linear function the central difference is exact up to rounding.
            var result = GradientCheck.Run(RuntimeModels.Scaled, RuntimeModels.ScaledWithGradient, [0.5], [2.0]);
            var check = Assert.Single(result.Parameters);
            Assert.Equal(Math.Abs(error), check.WorstAbsoluteError, Math.Abs(error) * 1e-3 + 1e-12);
            double denominator = Math.Max(Math.Max(Math.Abs(scale), Math.Abs(scale + error)), 1e-8);
            Assert.Equal(Math.Abs(error) / denominator, check.WorstRelativeError, Math.Abs(error) / denominator * 1e-3 + 1e-12);
            Assert.Equal(passes, result.Passes(tolerance));
        }
        finally
        {
            RuntimeModels.Scale = 1.0;
            RuntimeModels.Error = 0.0;
        }
    }

    [Theory]
    [InlineData(0.5, 0.1)]   // h = 0.1·max(1, 0.5) = 0.1: error h² = 0.01
    [InlineData(2.0, 0.1)]   // h = 0.1·2 = 0.2: error 0.04
    [InlineData(-3.0, 0.01)] // h = 0.01·3 = 0.03: error 9e-4
    public void The_step_is_relative_step_times_max_of_1_and_abs_x(double x, double relativeStep)
    {
        // For x³ the central difference is 3x² + h² exactly (in real arithmetic).
        double h = relativeStep * Math.Max(1, Math.Abs(x));
        var options = new GradientCheckOptions { RelativeStep = relativeStep };
        var check = Assert.Single(GradientCheck.Run(RuntimeModels.Cube, RuntimeModels.CubeWithGradient, options, [x]).Parameters);
        Assert.Equal(3 * x * x, check.AnalyticAtWorst);
        Assert.Equal(3 * x * x + h * h, check.FiniteDifferenceAtWorst, 1e-10);
        Assert.Equal(h * h, check.WorstAbsoluteError, 1e-10);
    }

    [Fact]
    public void Default_step_is_the_cube_root_of_machine_epsilon()
    {
        Assert.Equal(6.0554544523933395e-6, GradientCheckOptions.DefaultRelativeStep, 1e-20); // python3: (2**-52) ** (1/3)
        Assert.Equal(GradientCheckOptions.DefaultRelativeStep, GradientCheckOptions.Default.RelativeStep);
        Assert.Equal(1e-8, GradientCheckOptions.Default.RelativeErrorFloor);

        // With it, x³ at x = 1 has truncation error h² ≈ 3.7e-11 and rounding error of the same order (ε/h ≈ 1.8e-11
        // per function value): that balance is what the cube root buys.
        var check = GradientCheck.Run(RuntimeModels.Cube, RuntimeModels.CubeWithGradient, [1.0]).Parameters[0];
        Assert.True(check.WorstAbsoluteError < 1e-10, check.ToString());
    }

    [Fact]
    public void ToString_prints_a_table_with_a_row_per_parameter()
    {
        string text = GradientCheck.Run(RuntimeModels.Loss, RuntimeModels.LossWithGradient, NeuronPoints).ToString();
        string[] lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal("Gradient check of LossWithGradient against Loss at 4 points", lines[0]);
        Assert.Contains("relative error = |analytic − fd| / max(|analytic|, |fd|, 1E-08)", lines[1]);
        Assert.Matches(@"^\s+parameter\s+worst at \(x, w, b, y\)\s+analytic\s+finite difference\s+abs error\s+rel error$", lines[2]);
        Assert.StartsWith("w ", lines[3].TrimStart());
        Assert.StartsWith("b ", lines[4].TrimStart());
        Assert.Equal("  value: LossWithGradient(...).Value equals Loss(...) at every point", lines[5]);
        Assert.Equal(6, lines.Length);
    }

    [Fact]
    public void Parameters_are_matched_to_properties_like_the_generator_names_them()
    {
        // _bias → Bias (leading underscores dropped), learningRate → LearningRate; compared case-insensitively.
        var result = GradientCheck.Run(RuntimeModels.Underscored, RuntimeModels.UnderscoredWithGradient, [0.5, 2.0]);
        Assert.Equal(["_bias", "learningRate"], result.Parameters.Select(p => p.Name));
        result.AssertPasses();

        var insensitive = GradientCheck.Run(RuntimeModels.CaseInsensitive, RuntimeModels.CaseInsensitiveWithGradient, [0.5, 2.0]);
        Assert.Equal("learningRate", Assert.Single(insensitive.Parameters).Name);
        insensitive.AssertPasses();
    }

    [Fact]
    public void Lambdas_work_and_their_parameter_names_are_used()
    {
        Func<double, double, double> f = (u, v) => u * Math.Sin(v);
        Func<double, double, RuntimeModels.UnderscoreGradient> wrongNames = (u, v) => new(f(u, v), 0, 0);
        Assert.Equal("withGradient", Assert.Throws<ArgumentException>(() => GradientCheck.Run(f, wrongNames, [1.0, 2.0])).ParamName);

        Func<double, double, (double Value, double U)> g = (u, v) => (f(u, v), Math.Sin(v));
        // A value tuple's elements are fields, not properties: nothing to check.
        Assert.Throws<ArgumentException>(() => GradientCheck.Run(f, g, [1.0, 2.0]));
    }

    // ---- Argument validation ---------------------------------------------------------------------------------

    [Fact]
    public void Null_arguments_are_rejected_by_name()
    {
        Func<double, double, double, double, double> f = RuntimeModels.Loss;
        Func<double, double, double, double, RuntimeModels.LossGradient> g = RuntimeModels.LossWithGradient;
        Assert.Equal("function", Assert.Throws<ArgumentNullException>(() => GradientCheck.Run(null!, g, NeuronPoints)).ParamName);
        Assert.Equal("withGradient", Assert.Throws<ArgumentNullException>(() => GradientCheck.Run(f, null!, NeuronPoints)).ParamName);
        Assert.Equal("points", Assert.Throws<ArgumentNullException>(() => GradientCheck.Run(f, g, (double[][])null!)).ParamName);
        Assert.Equal("points", Assert.Throws<ArgumentNullException>(() => GradientCheck.Run(f, g, [0.5, 2.0, -1.0, 1.0], null!)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => GradientCheck.Run(f, g, null!, NeuronPoints)).ParamName);
    }

    [Fact]
    public void Points_must_exist_and_have_one_coordinate_per_parameter()
    {
        var empty = Assert.Throws<ArgumentException>(() => GradientCheck.Run(RuntimeModels.Loss, RuntimeModels.LossWithGradient));
        Assert.Equal("points", empty.ParamName);

        var wrongLength = Assert.Throws<ArgumentException>(() =>
            GradientCheck.Run(RuntimeModels.Loss, RuntimeModels.LossWithGradient, [0.5, 2.0, -1.0, 1.0], [0.5, 2.0, -1.0]));
        Assert.Equal("points", wrongLength.ParamName);
        Assert.Contains("Point 1 has 3 coordinates", wrongLength.Message);
        Assert.Contains("(x, w, b, y)", wrongLength.Message);
    }

    [Fact]
    public void Parameter_counts_must_agree()
    {
        var exception = Assert.Throws<ArgumentException>(() => GradientCheck.Run(RuntimeModels.Cube, RuntimeModels.LossWithGradient, [1.0]));
        Assert.Equal("withGradient", exception.ParamName);
        Assert.Contains("takes 4 parameters but 'Cube' takes 1", exception.Message);
    }

    [Fact]
    public void Only_double_parameters_are_supported()
    {
        var exception = Assert.Throws<ArgumentException>(() => GradientCheck.Run(RuntimeModels.Power, RuntimeModels.PowerWithGradient, [1.0, 2.0]));
        Assert.Equal("function", exception.ParamName);
        Assert.Contains("Parameter 'n' of 'Power' is System.Int32; GradientCheck supports only double parameters", exception.Message);

        Func<double, int, RuntimeModels.PowerGradient> g = RuntimeModels.PowerWithGradient;
        Func<double, double, double> f = (x, n) => Math.Pow(x, n);
        Assert.Equal("withGradient", Assert.Throws<ArgumentException>(() => GradientCheck.Run(f, g, [1.0, 2.0])).ParamName);
    }

    [Fact]
    public void The_function_must_return_double()
    {
        var exception = Assert.Throws<ArgumentException>(() => GradientCheck.Run(RuntimeModels.SingleValued, RuntimeModels.CubeWithGradient, [1.0]));
        Assert.Equal("function", exception.ParamName);
        Assert.Contains("supports only functions that return double", exception.Message);
    }

    [Fact]
    public void A_property_that_maps_to_no_parameter_is_rejected()
    {
        var exception = Assert.Throws<ArgumentException>(() => GradientCheck.Run(RuntimeModels.Loss, RuntimeModels.LossWithStrayProperty, NeuronPoints));
        Assert.Equal("withGradient", exception.ParamName);
        Assert.Contains("'Q'", exception.Message);
        Assert.Contains("maps to no double parameter", exception.Message);
    }

    [Fact]
    public void The_result_needs_a_double_Value_and_double_gradient_properties()
    {
        var noValue = Assert.Throws<ArgumentException>(() => GradientCheck.Run(RuntimeModels.Loss, RuntimeModels.LossWithoutValue, NeuronPoints));
        Assert.Equal("withGradient", noValue.ParamName);
        Assert.Contains("'Value'", noValue.Message);

        var onlyValue = Assert.Throws<ArgumentException>(() => GradientCheck.Run(RuntimeModels.Loss, RuntimeModels.LossWithOnlyValue, NeuronPoints));
        Assert.Equal("withGradient", onlyValue.ParamName);

        var intProperty = Assert.Throws<ArgumentException>(() => GradientCheck.Run(RuntimeModels.Loss, RuntimeModels.LossWithIntProperty, NeuronPoints));
        Assert.Equal("withGradient", intProperty.ParamName);
        Assert.Contains("System.Int32", intProperty.Message);
    }

    [Theory]
    [InlineData(-1e-6)]
    [InlineData(double.NaN)]
    public void Tolerance_must_be_non_negative(double tolerance)
    {
        var result = GradientCheck.Run(RuntimeModels.Cube, RuntimeModels.CubeWithGradient, [1.0]);
        Assert.Equal("tolerance", Assert.Throws<ArgumentOutOfRangeException>(() => result.Passes(tolerance)).ParamName);
        Assert.Equal("tolerance", Assert.Throws<ArgumentOutOfRangeException>(() => result.AssertPasses(tolerance)).ParamName);
        Assert.Equal("tolerance", Assert.Throws<ArgumentOutOfRangeException>(() => result.Parameters[0].Passes(tolerance)).ParamName);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1e-6)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Options_must_be_positive_and_finite(double value)
    {
        Assert.Equal("RelativeStep", Assert.Throws<ArgumentOutOfRangeException>(() => new GradientCheckOptions { RelativeStep = value }).ParamName);
        Assert.Equal("RelativeErrorFloor", Assert.Throws<ArgumentOutOfRangeException>(() => new GradientCheckOptions { RelativeErrorFloor = value }).ParamName);
    }

    [Fact]
    public void Exceptions_thrown_by_the_function_propagate_unwrapped()
    {
        Func<double, double> f = x => throw new InvalidOperationException("boom");
        Func<double, RuntimeModels.CubeGradient> g = x => new(0, 0);
        Assert.Equal("boom", Assert.Throws<InvalidOperationException>(() => GradientCheck.Run(f, g, [1.0])).Message);
    }

    /// <summary>
    /// 30 reproducible points with coordinates uniform in [−scale, scale], except the label at
    /// <paramref name="labelIndex"/>, uniform in [0, 1].
    /// </summary>
    private static double[][] RandomPoints(int dimension, int seed, double scale, int labelIndex)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, 30)
            .Select(_ => Enumerable.Range(0, dimension)
                .Select(i => i == labelIndex ? random.NextDouble() : scale * (2 * random.NextDouble() - 1))
                .ToArray())
            .ToArray();
    }
}
