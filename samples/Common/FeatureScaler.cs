/// <summary>
/// Standardises each feature (column) to mean 0 and standard deviation 1. Fitted on the training set only, so
/// that nothing about the test set leaks into the model; the same transform is then applied to both sets.
/// </summary>
internal sealed class FeatureScaler
{
    private readonly double[] _means;
    private readonly double[] _stds;

    private FeatureScaler(double[] means, double[] stds)
    {
        _means = means;
        _stds = stds;
    }

    /// <summary>The number of features (columns).</summary>
    public int Count => _means.Length;

    /// <summary>The training mean of each feature.</summary>
    public IReadOnlyList<double> Means => _means;

    /// <summary>The training (population) standard deviation of each feature; 1 for a constant feature.</summary>
    public IReadOnlyList<double> Stds => _stds;

    /// <summary>Fits the means and standard deviations of the columns of <paramref name="rows"/> (all of one length).</summary>
    public static FeatureScaler Fit(IReadOnlyList<double[]> rows)
    {
        if (rows.Count == 0)
        {
            throw new ArgumentException("At least one row is needed to fit a scaler.", nameof(rows));
        }

        int count = rows[0].Length;
        var means = new double[count];
        var stds = new double[count];
        for (int c = 0; c < count; c++)
        {
            (means[c], stds[c]) = MeanAndStd(rows.Select(row => row[c]));
        }

        return new FeatureScaler(means, stds);
    }

    /// <summary>The standardised copy of one row: (x − mean) / std, feature by feature.</summary>
    public double[] Transform(IReadOnlyList<double> row)
    {
        if (row.Count != Count)
        {
            throw new ArgumentException($"The row has {row.Count} features; the scaler was fitted on {Count}.", nameof(row));
        }

        var scaled = new double[Count];
        for (int c = 0; c < Count; c++)
        {
            scaled[c] = (row[c] - _means[c]) / _stds[c];
        }

        return scaled;
    }

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
