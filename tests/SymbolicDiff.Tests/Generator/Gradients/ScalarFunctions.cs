using SymbolicDiff;

namespace SymbolicDiff.Tests.Generator.Gradients;

// Scalar functions differentiated at build time by the real generator (the test project references it
// as an analyzer). FiniteDifferenceTests discovers every [Differentiable] method of ScalarFunctions by
// reflection and checks MWithGradient against central finite differences, so a method added here is
// tested automatically. Between them the methods cover every construct the generator supports: each
// Math function, Pow with constant and variable exponents, reassignment, every compound assignment and
// ++/--, const locals and fields, Math.PI and Math.E, expression and block bodies, nested calls, deep
// chains, the runtime primitives, user [Derivative] functions with and without the value parameter,
// non-differentiated parameters and subsets, and names that collide with the generator's own.
//
// A method needing a domain other than [-2, 2] for every parameter is listed in
// FiniteDifferenceTests.Domains.

public static partial class ScalarFunctions
{
    private const double Gain = 0.75;

    // ---- Each System.Math function ------------------------------------------------------------------

    /// <summary>Exp at the root of an expression body (its value is the result itself).</summary>
    [Differentiable]
    public static double ExpOfLinear(double x, double y) => Math.Exp(0.5 * x - y);

    /// <summary>Log, twice, one of a product. Domain: positive.</summary>
    [Differentiable]
    public static double LogOfProduct(double x, double y) => Math.Log(x * y) + 3 * Math.Log(x);

    /// <summary>Sqrt inside an expression (the generator hoists it into a temporary to reuse its value).</summary>
    [Differentiable]
    public static double SqrtOfNorm(double x, double y) => 2 * Math.Sqrt(x * x + y * y + 1) - y;

    /// <summary>Sqrt at the root of a local's initializer.</summary>
    [Differentiable]
    public static double SqrtAtRoot(double x, double y)
    {
        double r = Math.Sqrt(1 + x * x * y * y);
        return r * x;
    }

    /// <summary>Pow with constant exponents, including the special cases 1 and 0.</summary>
    [Differentiable]
    public static double PowConstantExponents(double x) =>
        Math.Pow(x, 3) - 2 * Math.Pow(x, 2) + Math.Pow(x, 1) + Math.Pow(x, 0) + Math.Pow(x + 3, -1.5);

    /// <summary>Pow with fractional and negative constant exponents. Domain: positive.</summary>
    [Differentiable]
    public static double PowFractionalExponents(double x, double y) => Math.Pow(x, 2.5) * Math.Pow(y, -0.5);

    /// <summary>Pow with a variable exponent, in both arguments. Domain: positive.</summary>
    [Differentiable]
    public static double PowVariableExponent(double x, double y) => Math.Pow(x, y) + Math.Pow(2 * y, x);

    /// <summary>Pow with a variable exponent at the root (the value is the result).</summary>
    [Differentiable]
    public static double PowVariableExponentAtRoot(double x, double y) => Math.Pow(x, y * y);

    /// <summary>Pow whose exponent is a non-double, non-differentiated parameter.</summary>
    [Differentiable]
    public static double IntegerExponentParameter(double x, int n) => Math.Pow(x, n) + n * x;

    [Differentiable]
    public static double SinCos(double x, double y) => Math.Sin(x) * Math.Cos(y) - Math.Cos(x * y);

    /// <summary>Tan nested and at the root of a local. On [-2, 2] the arguments stay within [-1, 1].</summary>
    [Differentiable]
    public static double TanOf(double x)
    {
        double t = Math.Tan(0.5 * x);
        return t * t + Math.Tan(x * x / 8);
    }

    [Differentiable]
    public static double TanhOf(double x, double y)
    {
        double t = Math.Tanh(x - 2 * y);
        return t * Math.Tanh(y);
    }

    /// <summary>Abs, away from its kinks (random points hit |x − y| &lt; 1e-5 with negligible probability).</summary>
    [Differentiable]
    public static double AbsOf(double x, double y) => Math.Abs(x - y) * x + Math.Abs(y);

    // ---- Statements --------------------------------------------------------------------------------

    [Differentiable]
    public static double Reassignment(double x, double y)
    {
        double t = x * y;
        t = t + x;
        t = Math.Sin(t);
        t = Math.Exp(t) + t * t + y;
        return t;
    }

    [Differentiable]
    public static double CompoundAssignments(double x, double y)
    {
        double s = x;
        s += y;
        s -= 0.5 * x;
        s *= y;
        s /= 1 + x * x;
        s++;
        s--;
        s++;
        ++s;
        --s;
        s *= s;
        s += Math.Exp(-s);
        return s;
    }

    /// <summary>Parameters assigned to: the gradient is with respect to the values passed in.</summary>
    [Differentiable]
    public static double ReassignsParameters(double x, double y)
    {
        x = x * 2;
        x += y;
        y *= x;
        y--;
        return x * y;
    }

    // This method and two below are meant to have a zero partial: warning SD0017 says so, and is
    // suppressed around them on purpose (which also shows that #pragma works for it).
#pragma warning disable SD0017

    /// <summary>A parameter overwritten before use: the result does not depend on the value passed in.</summary>
    [Differentiable]
    public static double OverwritesParameter(double x, double y)
    {
        x = 3;
        return x * y;
    }
#pragma warning restore SD0017

    /// <summary>A local declared first and assigned later; several declarators in one declaration; a nested block.</summary>
    [Differentiable]
    public static double DeclaredThenAssigned(double x, double y)
    {
        double t;
        double u = 1, v = x * y;
        t = u + v * v;
        {
            double inner = t * x;
            t = inner - y;
        }

        return t / (1 + x * x);
    }

    [Differentiable]
    public static double ConstLocalsAndField(double x, double y)
    {
        const double scale = 2.5;
        const int power = 3;
        double t = scale * Math.Pow(x, power) + power * y;
        return Gain * t - scale;
    }

    /// <summary>Literal forms: int literals, a float literal, an exponent literal, a cast of a constant. Float 0.1f widens exactly.</summary>
    [Differentiable]
    public static double LiteralForms(double x) => 0.1f * x + 3 * x / 4 + 1e-3 * x * x + (double)2 - 7;

    /// <summary>Math.PI and Math.E. Domain: positive (for the log).</summary>
    [Differentiable]
    public static double MathConstants(double r, double h) => Math.PI * r * r * h + Math.E * Math.Log(h) - Math.PI;

    // ---- Expressions --------------------------------------------------------------------------------

    [Differentiable]
    public static double NestedCalls(double x, double y) => Math.Exp(Math.Sin(x * y));

    [Differentiable]
    public static double DeepNestedExpression(double x) => Math.Log(1 + Math.Exp(Math.Tanh(Math.Sin(Math.Cos(x) * x))));

    [Differentiable]
    public static double DeepChain(double x, double y)
    {
        double a = Math.Cos(x) * y;
        double b = Math.Sin(a);
        double c = Math.Tanh(b + x);
        double d = Math.Exp(c);
        double e = Math.Log(1 + d);
        double f = Math.Sqrt(e + y * y);
        double g = f / (1 + e);
        double h = Activations.Sigmoid(g - x);
        double i = h * h + g;
        double j = Math.Pow(i, 2) - Math.Cos(i);
        return j * b;
    }

    /// <summary>One parameter used many times, in every kind of position.</summary>
    [Differentiable]
    public static double ParameterUsedManyTimes(double x) =>
        x * x * x + x / (1 + x * x) - x * Math.Sin(x) + Math.Exp(-x * x) + x - (x - x * x) * (x + 1) / (2 + x * x);

    /// <summary>Division by variables, including a quotient at the root of a local. Domain: [0.5, 2].</summary>
    [Differentiable]
    public static double DivisionByVariable(double x, double y)
    {
        double q = x / y;
        return q + y / (x * x + 1) - 1 / y + x / (x + y);
    }

    [Differentiable]
    public static double UnaryMinusAndParentheses(double x, double y) =>
        -(x - y) * -(-x + 2) - (-(-y)) + -x / (1 + (y * y)) - (x - (y - (x - y)));

    // ---- Which parameters are differentiated ---------------------------------------------------------

    /// <summary>k is held constant: the gradient has X only.</summary>
    [Differentiable(nameof(x))]
    public static double NonDifferentiatedParameter(double x, double k) => k * Math.Sin(k * x) + k * k;

    /// <summary>A subset of six parameters, named out of declaration order: the gradient is (Value, B, D).</summary>
    [Differentiable(nameof(d), nameof(b))]
    public static double SubsetOfSix(double a, double b, double c, double d, double e, double f) =>
        a * b + c * Math.Exp(d) - e / (1 + f * f) + b * d;

#pragma warning disable SD0017

    /// <summary>A differentiated parameter the result does not depend on: its partial is exactly 0.</summary>
    [Differentiable]
    public static double IgnoresParameter(double x, double unused) => x * x + 1;

    [Differentiable]
    public static double ReturnsParameter(double x, double y)
    {
        return y;
    }
#pragma warning restore SD0017

    [Differentiable]
    public static double ReturnsParameterExpressionBodied(double x) => x;

    [Differentiable]
    public static double SevenParameters(double a, double b, double c, double d, double e, double f, double g)
    {
        double s = a * b;
        s += c * d;
        s -= e / (1 + f * f);
        s *= Math.Cos(g);
        return s * s + a - g;
    }

    /// <summary>Parameters named with keywords.</summary>
    [Differentiable]
    public static double KeywordParameters(double @double, double @class) => @double * @class + Math.Sin(@double) * @class;

    // ---- Runtime primitives ------------------------------------------------------------------------

    /// <summary>A 2-2-1 sigmoid network with squared error: 9 of 12 parameters differentiated.</summary>
    [Differentiable(nameof(w11), nameof(w12), nameof(w21), nameof(w22), nameof(b1), nameof(b2), nameof(v1), nameof(v2), nameof(c))]
    public static double TwoLayerNetwork(
        double x1, double x2, double w11, double w12, double w21, double w22, double b1, double b2, double v1, double v2, double c, double y)
    {
        double h1 = Activations.Sigmoid(w11 * x1 + w12 * x2 + b1);
        double h2 = Activations.Sigmoid(w21 * x1 + w22 * x2 + b2);
        double o = Activations.Sigmoid(v1 * h1 + v2 * h2 + c);
        return Losses.MeanSquaredError(o, y);
    }

    /// <summary>Sigmoids inside a loss call (hoisted); both of the loss's partials are needed.</summary>
    [Differentiable]
    public static double SquaredErrorOfSigmoids(double x, double y) =>
        Losses.MeanSquaredError(Activations.Sigmoid(x * y), Activations.Sigmoid(x - y));

    /// <summary>Named arguments out of order; the target depends on a differentiated parameter.</summary>
    [Differentiable]
    public static double HalfSquaredErrorNamedArguments(double p, double t) =>
        Losses.HalfSquaredError(target: t * p, prediction: Math.Sin(p));

    // ---- User functions with [Derivative] ----------------------------------------------------------

    /// <summary>Softplus, whose derivative (the sigmoid) takes no value parameter.</summary>
    [Differentiable]
    public static double SoftplusLayer(double x, double w) => CustomPrimitives.Softplus(w * x - 1) + CustomPrimitives.Softplus(x);

    /// <summary>Cube, derivative 3x², no value parameter.</summary>
    [Differentiable]
    public static double CubeOfSum(double x, double y) => CustomPrimitives.Cube(x + 2 * y) - y;

    /// <summary>Derivatives that take the function's value: 2ˣ (one parameter) and hypot (two), inside an expression.</summary>
    [Differentiable]
    public static double CustomWithValue(double x, double y) => CustomPrimitives.TwoToThe(x * y) + CustomPrimitives.Hypot(x, y + 3);

    /// <summary>A value-taking derivative at the root.</summary>
    [Differentiable]
    public static double HypotAtRoot(double a, double b) => CustomPrimitives.Hypot(a + 3, b);

    /// <summary>A function with a partial declared for one parameter only, passed a constant for the other.</summary>
    [Differentiable(nameof(x))]
    public static double PartialDeclaredForOneParameter(double x, double k) => CustomPrimitives.Scale(x * x, k) + CustomPrimitives.Scale(x, 2.0);

    // ---- Names that collide with the generator's own ------------------------------------------------

    /// <summary>
    /// Locals named as the generator names its temporaries (exp for a hoisted Math.Exp, shared for a common
    /// subexpression, dNameCollisions_dx for the adjoint of x, x_1 for the second value of x).
    /// </summary>
    [Differentiable]
    public static double NameCollisions(double x, double y)
    {
        double shared = x * y;
        double dNameCollisions_dx = Math.Exp(shared);
        double exp = Math.Exp(x) + dNameCollisions_dx;
        double x_1 = exp * shared + 1;
        x = x_1 * x;
        return x + Math.Exp(y) * Math.Exp(y) * shared;
    }
}

/// <summary>User functions that declare their derivatives, as a user of the library would.</summary>
public static class CustomPrimitives
{
    /// <summary>A numerically stable softplus ln(1 + eˣ).</summary>
    [Derivative(nameof(SoftplusDerivative))]
    public static double Softplus(double x) => x > 0 ? x + Math.Log(1 + Math.Exp(-x)) : Math.Log(1 + Math.Exp(x));

    public static double SoftplusDerivative(double x) => Activations.Sigmoid(x);

    [Derivative(nameof(CubeDerivative))]
    public static double Cube(double x) => x * x * x;

    public static double CubeDerivative(double x) => 3 * x * x;

    [Derivative(nameof(TwoToTheDerivative))]
    public static double TwoToThe(double x) => Math.Pow(2, x);

    /// <summary>d/dx 2ˣ = 2ˣ ln 2, from the value.</summary>
    public static double TwoToTheDerivative(double x, double value) => value * Math.Log(2);

    [Derivative(nameof(a), nameof(HypotDerivativeA))]
    [Derivative(nameof(b), nameof(HypotDerivativeB))]
    public static double Hypot(double a, double b) => Math.Sqrt(a * a + b * b);

    internal static double HypotDerivativeA(double a, double b, double value) => a / value;

    internal static double HypotDerivativeB(double a, double b, double value) => b / value;

    /// <summary>k·x, with a partial declared for x only.</summary>
    [Derivative(nameof(x), nameof(ScaleDerivativeX))]
    public static double Scale(double x, double k) => k * x;

    public static double ScaleDerivativeX(double x, double k) => k;
}
