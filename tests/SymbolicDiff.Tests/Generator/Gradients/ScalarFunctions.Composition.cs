namespace SymbolicDiff.Tests.Generator.Gradients;

/// <summary>[Differentiable] methods calling other [Differentiable] methods: in the same type and in another type.</summary>
public static partial class ScalarFunctions
{
    [Differentiable]
    public static double SquaredNorm(double a, double b) => a * a + b * b;

    /// <summary>Calls a helper of its own type twice, and one of another type (which differentiates one parameter only).</summary>
    [Differentiable]
    public static double ComposedHelpers(double x, double y)
    {
        double r = SquaredNorm(x, y * 2) + Math.Sin(SquaredNorm(y, 1));
        return Helpers.Scaled(r, 3) * x;
    }

    /// <summary>A helper call inside a branch.</summary>
    [Differentiable]
    public static double HelperInABranch(double x, double y)
    {
        if (x > 0)
        {
            return SquaredNorm(x, y) * y;
        }

        return x > -1 ? Helpers.Scaled(x * y, 2) : y;
    }
}

/// <summary>Everything at once, as a user's function would mix it: a branch, helper calls, a custom derivative, a count.</summary>
public static partial class ScalarFunctions
{
    [Differentiable]
    public static double EverythingTogether(double x, double w, double b)
    {
        int layers = 2;
        double z = x * w + b;
        double h = z > 0 ? CustomPrimitives.Softplus(z) : Activations.Tanh(z) * 0.5;
        if (Math.Abs(h) < 3)
        {
            h += SquaredNorm(h, w) / layers;
        }
        else
        {
            return Helpers.Scaled(h, 0.1) + b;
        }

        return Losses.BinaryCrossEntropyWithLogits(h - 1, 0.25) + Math.Max(w, b);
    }
}

/// <summary>Helpers in another type.</summary>
public static partial class Helpers
{
    /// <summary>Differentiated with respect to <c>value</c> only: passing a varying scale would be SD0012.</summary>
    [Differentiable(nameof(input))]
    public static double Scaled(double input, double scale) => Math.Tanh(input / 10) * scale;
}
