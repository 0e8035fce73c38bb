using SymbolicDiff.Tests.Runtime;

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

    /// <summary>
    /// Forward mode along one direction, checked against the hand-worked gradient above dotted with it and against
    /// central differences of <paramref name="loss"/> along it.
    /// </summary>
    public static void AssertForwardMode(
        Func<double[], double[], double[], double[], (double Value, double Derivative)> withDerivative, Func<double[], double[], double> loss)
    {
        double[] directionW = { 0.5, -1 };
        double[] directionF = { 1, 2, -1, 0.5, 0.25, -2 };
        var (value, derivative) = withDerivative(W, Features, directionW, directionF);

        Assert.Equal(Loss, value, 12);
        double byHand = 1.5 * 0.5 + 1.0 * -1 + (1 / 3.0) * 1 + (2 / 3.0) * 2 + (-1 / 3.0) * -1 + (-2 / 3.0) * 0.5 + (2 / 3.0) * 0.25 + (4 / 3.0) * -2;
        Assert.Equal(byHand, derivative, 12);

        const double h = 1e-6;
        double FAlong(double t) => loss(W.Select((x, i) => x + t * directionW[i]).ToArray(), Features.Select((x, i) => x + t * directionF[i]).ToArray());
        Assert.Equal((FAlong(h) - FAlong(-h)) / (2 * h), derivative, 6);
    }

    /// <summary>
    /// Both blocks of a Hessian-vector product along (<paramref name="vW"/>, <paramref name="vF"/>) against central
    /// differences of the generated gradient (<paramref name="gradient"/>: w, features, ∂L/∂w, ∂L/∂features) along it.
    /// </summary>
    public static void AssertCentralHessianVectorProduct(
        Action<double[], double[], double[], double[]> gradient, double[] vW, double[] vF, double[] hvW, double[] hvF)
    {
        const double h = 1e-6;
        (double[] W, double[] F) GradientAt(double t)
        {
            var gW = new double[2];
            var gF = new double[6];
            gradient(W.Select((x, i) => x + t * vW[i]).ToArray(), Features.Select((x, i) => x + t * vF[i]).ToArray(), gW, gF);
            return (gW, gF);
        }

        var (plusW, plusF) = GradientAt(h);
        var (minusW, minusF) = GradientAt(-h);
        SpanTestData.AssertClose(plusW.Select((p, i) => (p - minusW[i]) / (2 * h)).ToArray(), hvW, 1e-6);
        SpanTestData.AssertClose(plusF.Select((p, i) => (p - minusF[i]) / (2 * h)).ToArray(), hvF, 1e-6);
    }
}
