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
        var declared = typeof(Losses).GetMethod(loss)!.GetCustomAttributes<DerivativeAttribute>()
            .ToDictionary(a => a.Parameter!, a => a.DerivativeMethod);
        Assert.Equal(2, declared.Count);
        Assert.Equal(predictionPartial, declared["prediction"]);
        Assert.Equal(targetPartial, declared["target"]);
    }
}
