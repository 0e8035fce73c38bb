namespace SymbolicDiff.Tests.Generator.Slices;

/// <summary>
/// The three-row least-squares problem both slice test classes differentiate, worked out by hand once: rows (1, 0),
/// (0.5, −1), (2, 1) of d = 2; w = (1, 2); y = (0.5, −1, 3): z = (1, −1.5, 4), errors e = (0.5, −0.5, 1),
/// L = (0.25 + 0.25 + 1) / 3 = 0.5; ∂L/∂w = (2/3) Σ_r e_r x_r = (1.5, 1); ∂L/∂x_r = (2/3) e_r w.
/// </summary>
internal static class RowProblem
{
    public static readonly double[] W = { 1, 2 };
    public static readonly double[] Features = { 1, 0, 0.5, -1, 2, 1 };
    public static readonly double[] Y = { 0.5, -1, 3 };

    public const double Loss = 0.5;
    public static readonly double[] LossByW = { 1.5, 1.0 };
    public static readonly double[] LossByFeatures = { 1 / 3.0, 2 / 3.0, -1 / 3.0, -2 / 3.0, 2 / 3.0, 4 / 3.0 };
}
