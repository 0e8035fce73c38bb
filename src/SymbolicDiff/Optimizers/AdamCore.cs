using System;

namespace SymbolicDiff.Optimizers;

/// <summary>The state and update of <see cref="Adam"/> and <see cref="AdamW"/>, which differ only in how they decay weights.</summary>
internal sealed class AdamCore
{
    private double[]? _firstMoment;
    private double[]? _secondMoment;
    private int _parameterCount = -1;

    public AdamCore(double learningRate, double beta1, double beta2, double epsilon)
    {
        LearningRate = OptimizerGuard.LearningRate(learningRate, nameof(learningRate));
        Beta1 = OptimizerGuard.UnitInterval(beta1, nameof(beta1), "decay rate beta1");
        Beta2 = OptimizerGuard.UnitInterval(beta2, nameof(beta2), "decay rate beta2");
        Epsilon = OptimizerGuard.PositiveFinite(epsilon, nameof(epsilon), "epsilon");
    }

    public double LearningRate { get; set; }

    public double Beta1 { get; }

    public double Beta2 { get; }

    public double Epsilon { get; }

    public long StepCount { get; private set; }

    /// <summary>
    /// One step: g ← g + <paramref name="l2WeightDecay"/>·θ (Adam's weight decay), θ ← θ·(1 − lr·<paramref name="decoupledWeightDecay"/>)
    /// (AdamW's), then the Adam update from the moments.
    /// </summary>
    public void Step(Span<double> parameters, ReadOnlySpan<double> gradients, double l2WeightDecay, double decoupledWeightDecay)
    {
        OptimizerGuard.Spans(parameters, gradients, _parameterCount);

        if (_firstMoment is null || _secondMoment is null || _firstMoment.Length != parameters.Length)
        {
            // Only on a first step (after construction or Reset with another count): otherwise the
            // length check above has already failed.
            _firstMoment = new double[parameters.Length];
            _secondMoment = new double[parameters.Length];
        }

        _parameterCount = parameters.Length;
        long t = ++StepCount;

        double beta1 = Beta1, beta2 = Beta2, epsilon = Epsilon, learningRate = LearningRate;
        double biasCorrection1 = 1.0 - Math.Pow(beta1, t);
        double biasCorrection2 = 1.0 - Math.Pow(beta2, t);
        double shrink = 1.0 - learningRate * decoupledWeightDecay;
        double[] m = _firstMoment, v = _secondMoment;

        for (int i = 0; i < parameters.Length; i++)
        {
            double theta = parameters[i];
            double g = l2WeightDecay == 0 ? gradients[i] : gradients[i] + l2WeightDecay * theta;
            if (decoupledWeightDecay != 0)
            {
                theta *= shrink;
            }

            double mi = beta1 * m[i] + (1.0 - beta1) * g;
            double vi = beta2 * v[i] + (1.0 - beta2) * g * g;
            m[i] = mi;
            v[i] = vi;

            double mHat = mi / biasCorrection1;
            double vHat = vi / biasCorrection2;
            parameters[i] = theta - learningRate * mHat / (Math.Sqrt(vHat) + epsilon);
        }
    }

    public void Reset()
    {
        if (_firstMoment is not null)
        {
            Array.Clear(_firstMoment);
        }

        if (_secondMoment is not null)
        {
            Array.Clear(_secondMoment);
        }

        _parameterCount = -1;
        StepCount = 0;
    }
}
