using System.Reflection;
using SymbolicDiff;
using Xunit;

namespace SymbolicDiff.Tests.Runtime;

public class LossesTests
{
    [Fact]
    public void Worked_example_prediction_one_half_target_one()
    {
        // a = 0.5, y = 1: a − y = −0.5, so (a − y)² = 0.25, ½(a − y)² = 0.125, 2(a − y) = −1, a − y = −0.5.
        Assert.Equal(0.25, Losses.MeanSquaredError(0.5, 1.0));
        Assert.Equal(0.125, Losses.HalfSquaredError(0.5, 1.0));
        Assert.Equal(-1.0, Losses.MeanSquaredErrorPredictionDerivative(0.5, 1.0));
        Assert.Equal(-0.5, Losses.HalfSquaredErrorPredictionDerivative(0.5, 1.0));
        Assert.Equal(1.0, Losses.MeanSquaredErrorTargetDerivative(0.5, 1.0));
        Assert.Equal(0.5, Losses.HalfSquaredErrorTargetDerivative(0.5, 1.0));
    }

    [Theory]
    // prediction, target, (p − t)², 2(p − t): worked by hand.
    [InlineData(3.0, 1.0, 4.0, 4.0)]
    [InlineData(-2.0, 1.5, 12.25, -7.0)]
    [InlineData(0.25, 0.25, 0.0, 0.0)]
    public void Mean_squared_error_by_hand(double prediction, double target, double value, double partial)
    {
        Assert.Equal(value, Losses.MeanSquaredError(prediction, target));
        Assert.Equal(value / 2, Losses.HalfSquaredError(prediction, target));
        Assert.Equal(partial, Losses.MeanSquaredErrorPredictionDerivative(prediction, target));
        Assert.Equal(-partial, Losses.MeanSquaredErrorTargetDerivative(prediction, target));
        Assert.Equal(partial / 2, Losses.HalfSquaredErrorPredictionDerivative(prediction, target));
        Assert.Equal(-partial / 2, Losses.HalfSquaredErrorTargetDerivative(prediction, target));
    }

    [Theory]
    [InlineData(0.5, 1.0)]
    [InlineData(-1.25, 0.0)]
    [InlineData(3.7, -2.2)]
    [InlineData(0.1, 0.1)]
    public void Partials_match_central_differences(double p, double t)
    {
        const double tolerance = 1e-7;
        Assert.Equal(FiniteDifference.Central(x => Losses.MeanSquaredError(x, t), p), Losses.MeanSquaredErrorPredictionDerivative(p, t), tolerance);
        Assert.Equal(FiniteDifference.Central(x => Losses.MeanSquaredError(p, x), t), Losses.MeanSquaredErrorTargetDerivative(p, t), tolerance);
        Assert.Equal(FiniteDifference.Central(x => Losses.HalfSquaredError(x, t), p), Losses.HalfSquaredErrorPredictionDerivative(p, t), tolerance);
        Assert.Equal(FiniteDifference.Central(x => Losses.HalfSquaredError(p, x), t), Losses.HalfSquaredErrorTargetDerivative(p, t), tolerance);
    }

    [Fact]
    public void NaN_in_gives_NaN_out_without_throwing()
    {
        Assert.True(double.IsNaN(Losses.MeanSquaredError(double.NaN, 1)));
        Assert.True(double.IsNaN(Losses.HalfSquaredError(1, double.NaN)));
        Assert.True(double.IsNaN(Losses.MeanSquaredErrorPredictionDerivative(double.NaN, 1)));
        Assert.True(double.IsNaN(Losses.MeanSquaredErrorTargetDerivative(1, double.NaN)));
        Assert.True(double.IsNaN(Losses.HalfSquaredErrorPredictionDerivative(double.NaN, 1)));
        Assert.True(double.IsNaN(Losses.HalfSquaredErrorTargetDerivative(1, double.NaN)));
    }

    [Theory]
    [InlineData(nameof(Losses.MeanSquaredError), nameof(Losses.MeanSquaredErrorPredictionDerivative), nameof(Losses.MeanSquaredErrorTargetDerivative))]
    [InlineData(nameof(Losses.HalfSquaredError), nameof(Losses.HalfSquaredErrorPredictionDerivative), nameof(Losses.HalfSquaredErrorTargetDerivative))]
    public void Losses_declare_partials_for_both_parameters(string loss, string predictionPartial, string targetPartial)
    {
        var declared = typeof(Losses).GetMethod(loss, [typeof(double), typeof(double)])!.GetCustomAttributes<DerivativeAttribute>()
            .ToDictionary(a => a.Parameter!, a => a.DerivativeMethod);
        Assert.Equal(2, declared.Count);
        Assert.Equal(predictionPartial, declared["prediction"]);
        Assert.Equal(targetPartial, declared["target"]);
    }

    // ---- Binary cross-entropy ---------------------------------------------------------------------------

    [Theory]
    // p, t, −[t ln p + (1 − t) ln(1 − p)], (p − t)/(p(1 − p)), ln(1 − p) − ln p:
    // python3 mpmath at 50 digits from the decimal literals, rounded to 20 digits.
    [InlineData(0.7, 1.0, 0.35667494393873237891, -1.4285714285714285714, -0.84729786038720361371)]
    [InlineData(0.2, 0.0, 0.22314355131420975577, 1.25, 1.3862943611198906188)]
    [InlineData(0.3, 0.25, 0.56849940903553328234, 0.23809523809523809524, 0.84729786038720361371)]
    [InlineData(0.9, 0.6, 0.98425034659231405434, 3.3333333333333333333, -2.1972245773362193828)]
    [InlineData(0.001, 1.0, 6.9077552789821370521, -1000.0, 6.9067547786485535186)]
    [InlineData(0.999, 0.0, 6.9077552789821370521, 1000.0, -6.9067547786485535186)]
    public void Binary_cross_entropy_matches_independent_values(double p, double t, double value, double probabilityPartial, double targetPartial)
    {
        // The decimal literals are not exact doubles: the tolerances allow for that (relative 1e-12 for p near 1).
        Assert.Equal(value, Losses.BinaryCrossEntropy(p, t), Math.Abs(value) * 1e-12);
        Assert.Equal(probabilityPartial, Losses.BinaryCrossEntropyProbabilityDerivative(p, t), Math.Abs(probabilityPartial) * 1e-12);
        Assert.Equal(targetPartial, Losses.BinaryCrossEntropyTargetDerivative(p, t), Math.Abs(targetPartial) * 1e-12);
    }

    [Theory]
    // p, t, loss, ∂/∂p, ∂/∂t at the ends of [0, 1], worked by hand from PyTorch's rules:
    // loss = (t − 1)·max(log1p(−p), −100) − t·max(ln p, −100), ∂/∂p = (p − t)/max(p(1 − p), 1e-12),
    // ∂/∂t = max(log1p(−p), −100) − max(ln p, −100). ln 0 = −∞ is clamped to −100.
    [InlineData(0.0, 1.0, 100.0, -1e12, 100.0)]   // confidently wrong: ln p clamped
    [InlineData(1.0, 0.0, 100.0, 1e12, -100.0)]   // confidently wrong: ln(1 − p) clamped
    [InlineData(0.0, 0.0, 0.0, 0.0, 100.0)]       // confidently right
    [InlineData(1.0, 1.0, 0.0, 0.0, -100.0)]
    [InlineData(0.0, 0.5, 50.0, -5e11, 100.0)]
    [InlineData(1e-50, 1.0, 100.0, -1e12, 100.0)] // ln 1e-50 = −115.1, clamped; p(1 − p) = 1e-50 < 1e-12
    public void Binary_cross_entropy_is_finite_at_0_and_1_with_PyTorchs_clamps(double p, double t, double value, double probabilityPartial, double targetPartial)
    {
        Assert.Equal(value, Losses.BinaryCrossEntropy(p, t));
        Assert.Equal(probabilityPartial, Losses.BinaryCrossEntropyProbabilityDerivative(p, t), Math.Abs(probabilityPartial) * 1e-15);
        Assert.Equal(targetPartial, Losses.BinaryCrossEntropyTargetDerivative(p, t));
    }

    [Fact]
    public void Binary_cross_entropy_uses_an_accurate_log1p_for_small_probabilities()
    {
        // t = 0: loss = −ln(1 − p) = p + p²/2 + ... = 1e-17 for p = 1e-17; Math.Log(1 − p) would give 0.
        Assert.Equal(1e-17, Losses.BinaryCrossEntropy(1e-17, 0.0), 1e-32);
    }

    [Theory]
    [InlineData(0.5, 1.0)]
    [InlineData(0.12, 0.0)]
    [InlineData(0.83, 0.3)]
    [InlineData(0.02, 1.0)]
    [InlineData(0.97, 0.0)]
    public void Binary_cross_entropy_partials_match_central_differences(double p, double t)
    {
        double h = 1e-7; // keeps p ± h inside (0, 1)
        double byProbability = FiniteDifference.Central(x => Losses.BinaryCrossEntropy(x, t), p, h);
        double byTarget = FiniteDifference.Central(x => Losses.BinaryCrossEntropy(p, x), t, h);
        double declaredProbability = Losses.BinaryCrossEntropyProbabilityDerivative(p, t);
        Assert.Equal(byProbability, declaredProbability, 1e-6 * Math.Max(1, Math.Abs(declaredProbability)));
        Assert.Equal(byTarget, Losses.BinaryCrossEntropyTargetDerivative(p, t), 1e-6);
    }

    [Fact]
    public void Binary_cross_entropy_propagates_NaN_and_gives_NaN_outside_the_unit_interval()
    {
        Assert.True(double.IsNaN(Losses.BinaryCrossEntropy(double.NaN, 1)));
        Assert.True(double.IsNaN(Losses.BinaryCrossEntropy(0.5, double.NaN)));
        Assert.True(double.IsNaN(Losses.BinaryCrossEntropyProbabilityDerivative(double.NaN, 1)));
        Assert.True(double.IsNaN(Losses.BinaryCrossEntropyProbabilityDerivative(0.5, double.NaN)));
        Assert.True(double.IsNaN(Losses.BinaryCrossEntropyTargetDerivative(double.NaN, 1)));
        Assert.True(double.IsNaN(Losses.BinaryCrossEntropy(-0.1, 1)));
        Assert.True(double.IsNaN(Losses.BinaryCrossEntropy(1.1, 0)));
    }

    // ---- Binary cross-entropy with logits ---------------------------------------------------------------

    [Theory]
    // x, t, ln(1 + e^x) − x·t, σ(x) − t: python3 mpmath at 50 digits, rounded to 20 digits.
    [InlineData(0.8, 1.0, 0.37110066594777772601, -0.31002551887238755737)]
    [InlineData(-1.2, 0.3, 0.62328246733803118919, -0.068524783499017642931)]
    [InlineData(2.5, 0.0, 2.5788897342925496233, 0.92414181997875644881)]
    [InlineData(-3.0, 1.0, 3.0485873515737420588, -0.95257412682243321912)]
    [InlineData(40.0, 1.0, 4.2483542552915889863e-18, -4.2483542552915889773e-18)]  // σ(40) − 1 = −σ(−40), though σ(40) rounds to 1
    [InlineData(-40.0, 0.0, 4.2483542552915889863e-18, 4.2483542552915889773e-18)]
    public void Binary_cross_entropy_with_logits_matches_independent_values(double x, double t, double value, double logitPartial)
    {
        Assert.Equal(value, Losses.BinaryCrossEntropyWithLogits(x, t), Math.Abs(value) * 1e-14);
        Assert.Equal(logitPartial, Losses.BinaryCrossEntropyWithLogitsLogitDerivative(x, t), Math.Abs(logitPartial) * 1e-14);
        Assert.Equal(-x, Losses.BinaryCrossEntropyWithLogitsTargetDerivative(x, t));
    }

    [Theory]
    // x, t, loss: max(x, 0) − x·t + log1p(e^−|x|) with e^−1000 = 0 in doubles: exact for these margins.
    [InlineData(1000.0, 1.0, 0.0)]
    [InlineData(1000.0, 0.0, 1000.0)]
    [InlineData(-1000.0, 0.0, 0.0)]
    [InlineData(-1000.0, 1.0, 1000.0)]
    [InlineData(1000.0, 0.25, 750.0)]
    public void Binary_cross_entropy_with_logits_is_finite_and_exact_at_plus_and_minus_1000(double x, double t, double value)
    {
        Assert.Equal(value, Losses.BinaryCrossEntropyWithLogits(x, t));
        Assert.Equal((x > 0 ? 1.0 : 0.0) - t, Losses.BinaryCrossEntropyWithLogitsLogitDerivative(x, t));
    }

    [Theory]
    [InlineData(-2.0, 1.0)]
    [InlineData(0.0, 0.0)]
    [InlineData(0.4, 0.7)]
    [InlineData(6.0, 1.0)]
    public void Binary_cross_entropy_with_logits_agrees_with_binary_cross_entropy_of_the_sigmoid(double x, double t)
    {
        Assert.Equal(Losses.BinaryCrossEntropy(Activations.Sigmoid(x), t), Losses.BinaryCrossEntropyWithLogits(x, t), 1e-13);
    }

    [Theory]
    [InlineData(-7.0, 1.0)]
    [InlineData(-0.5, 0.2)]
    [InlineData(0.0, 1.0)]
    [InlineData(1.3, 0.0)]
    [InlineData(9.0, 0.6)]
    public void Binary_cross_entropy_with_logits_partials_match_central_differences(double x, double t)
    {
        Assert.Equal(FiniteDifference.Central(v => Losses.BinaryCrossEntropyWithLogits(v, t), x), Losses.BinaryCrossEntropyWithLogitsLogitDerivative(x, t), 1e-8);
        Assert.Equal(FiniteDifference.Central(v => Losses.BinaryCrossEntropyWithLogits(x, v), t), Losses.BinaryCrossEntropyWithLogitsTargetDerivative(x, t), 1e-8);
    }

    [Fact]
    public void Binary_cross_entropy_with_logits_propagates_NaN()
    {
        Assert.True(double.IsNaN(Losses.BinaryCrossEntropyWithLogits(double.NaN, 1)));
        Assert.True(double.IsNaN(Losses.BinaryCrossEntropyWithLogits(0.5, double.NaN)));
        Assert.True(double.IsNaN(Losses.BinaryCrossEntropyWithLogitsLogitDerivative(double.NaN, 1)));
        Assert.True(double.IsNaN(Losses.BinaryCrossEntropyWithLogitsTargetDerivative(double.NaN, 1)));
    }

    [Theory]
    [InlineData(nameof(Losses.BinaryCrossEntropy), "probability", nameof(Losses.BinaryCrossEntropyProbabilityDerivative), nameof(Losses.BinaryCrossEntropyTargetDerivative))]
    [InlineData(nameof(Losses.BinaryCrossEntropyWithLogits), "logit", nameof(Losses.BinaryCrossEntropyWithLogitsLogitDerivative), nameof(Losses.BinaryCrossEntropyWithLogitsTargetDerivative))]
    public void Cross_entropies_declare_partials_for_both_parameters(string loss, string first, string firstPartial, string targetPartial)
    {
        var declared = typeof(Losses).GetMethod(loss, [typeof(double), typeof(double)])!.GetCustomAttributes<DerivativeAttribute>()
            .ToDictionary(a => a.Parameter!, a => a.DerivativeMethod);
        Assert.Equal(2, declared.Count);
        Assert.Equal(firstPartial, declared[first]);
        Assert.Equal(targetPartial, declared["target"]);
    }
}
