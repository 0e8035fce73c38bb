namespace SymbolicDiff.Tests.Generator.Gradients;

/// <summary>int and long locals (counts, flags) and numeric fields: read as constants, no derivative of their own.</summary>
public static partial class ScalarFunctions
{
    private static readonly double s_gain = 1.25;
    private const int Repeats = 3;

    private static int Offset => 2;

    [Differentiable]
    public static double IntegerLocals(double x, double y)
    {
        int n = Repeats;
        long m = n * 2 + Offset;
        n += 1;
        int half = n / 3;          // integer division, as in C#: 4 / 3 == 1
        if (x > 0)
        {
            n = n % 3;
        }

        double s = x * n + y / m - half;
        return s * s_gain + (x < y ? n : m) * y;
    }

    [Differentiable]
    public static double DivisionByAnIntegerLocal(double x, int k)
    {
        int d = k + 1;
        return x / d + x / k;
    }

    /// <summary>An int parameter assigned again, in a branch too: each assignment a new version, read as a real once.</summary>
    [Differentiable]
    public static double IntegerParameterReassigned(double x, int n)
    {
        n += 2;
        if (x > 0)
        {
            n = n * 3 % 5;
        }

        return x * n + x / (n + 1);
    }
}
