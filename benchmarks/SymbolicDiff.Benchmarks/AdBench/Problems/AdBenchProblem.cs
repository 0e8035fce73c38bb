namespace SymbolicDiff.Benchmarks.AdBench;

/// <summary>
/// One random instance of an AD-benchmark objective, with every differentiated input concatenated into
/// <see cref="Parameters"/> (each method reads its arguments as slices of it, so perturbing an element perturbs that
/// input) and the gradient written into <see cref="Gradient"/> in the same layout. The benchmarks time the three
/// methods; the tests compare the two gradients with each other and with central finite differences of
/// <see cref="Objective"/>.
/// </summary>
public abstract class AdBenchProblem
{
    /// <summary>Every differentiated input, concatenated in the order of the objective's parameters.</summary>
    public double[] Parameters { get; protected init; } = [];

    /// <summary>The gradient the last <see cref="Generated"/> or <see cref="HandWritten"/> call wrote.</summary>
    public double[] Gradient { get; protected init; } = [];

    /// <summary>The objective's value at <see cref="Parameters"/>.</summary>
    public abstract double Objective();

    /// <summary>The generated value and gradient (into <see cref="Gradient"/>); returns the value.</summary>
    public abstract double Generated();

    /// <summary>The hand-written value and gradient (into <see cref="Gradient"/>); returns the value.</summary>
    public abstract double HandWritten();

    /// <summary>Uniform on [lo, hi).</summary>
    protected static double[] Uniform(Random random, int count, double lo, double hi)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = lo + (hi - lo) * random.NextDouble();
        }

        return values;
    }
}
