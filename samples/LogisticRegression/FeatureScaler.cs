/// <summary>
/// Standardises both features to mean 0 and standard deviation 1. Fitted on the training set only, so that
/// nothing about the test set leaks into the model; the same transform is then applied to both sets.
/// </summary>
internal sealed class FeatureScaler
{
    private FeatureScaler(double mean1, double std1, double mean2, double std2)
    {
        Mean1 = mean1;
        Std1 = std1;
        Mean2 = mean2;
        Std2 = std2;
    }

    public double Mean1 { get; }
    public double Std1 { get; }
    public double Mean2 { get; }
    public double Std2 { get; }

    public static FeatureScaler Fit(IReadOnlyList<Example> training)
    {
        (double mean1, double std1) = MeanAndStd(training.Select(e => e.X1));
        (double mean2, double std2) = MeanAndStd(training.Select(e => e.X2));
        return new FeatureScaler(mean1, std1, mean2, std2);
    }

    public Example[] Transform(IEnumerable<Example> examples) =>
        examples.Select(e => e with { X1 = (e.X1 - Mean1) / Std1, X2 = (e.X2 - Mean2) / Std2 }).ToArray();

    private static (double Mean, double Std) MeanAndStd(IEnumerable<double> values)
    {
        double[] v = values.ToArray();
        double mean = v.Average();
        // Population standard deviation, like scikit-learn's StandardScaler.
        double std = Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / v.Length);
        // A constant feature carries no information; dividing by 1 just centres it instead of producing NaN.
        return (mean, std > 0 ? std : 1);
    }
}
