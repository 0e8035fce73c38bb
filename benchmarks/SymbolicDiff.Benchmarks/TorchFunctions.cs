using TorchSharp;
using static TorchSharp.torch;

namespace SymbolicDiff.Benchmarks;

/// <summary>
/// The four benchmarked functions with TorchSharp autograd, as a PyTorch user writes them: each differentiated
/// argument becomes a 0-dimensional float64 tensor that requires grad, the function is built from tensor
/// operations, <c>backward()</c> runs the tape, and the value and gradients are read back as doubles. Everything
/// one call needs is inside it, tensor creation included, so it does what a generated <c>MWithGradient</c> call does.
/// Every native tensor a call makes (inputs, intermediates, gradients) is freed by a dispose scope before it returns.
/// </summary>
public static class TorchFunctions
{
    private static Tensor Leaf(double value) => tensor(value, ScalarType.Float64, requires_grad: true);

    private static Tensor Constant(double value) => tensor(value, ScalarType.Float64);

    private static double Grad(Tensor leaf) => leaf.grad!.item<double>();

    /// <summary>The worked-example neuron: <c>mse_loss(sigmoid(x·w + b), y)</c>, differentiated in w and b.</summary>
    public static (double Value, double W, double B) Neuron(double x, double w, double b, double y)
    {
        using var scope = NewDisposeScope();
        Tensor tw = Leaf(w), tb = Leaf(b);
        Tensor z = tw * x + tb;
        Tensor a = sigmoid(z);
        Tensor loss = nn.functional.mse_loss(a, Constant(y));
        loss.backward();
        return (loss.item<double>(), Grad(tw), Grad(tb));
    }

    /// <summary>Rosenbrock's function (1 − x)² + 100 (y − x²)², differentiated in x and y.</summary>
    public static (double Value, double X, double Y) Rosenbrock(double x, double y)
    {
        using var scope = NewDisposeScope();
        Tensor tx = Leaf(x), ty = Leaf(y);
        Tensor u = 1 - tx;
        Tensor v = ty - tx * tx;
        Tensor result = u * u + 100 * v * v;
        result.backward();
        return (result.item<double>(), Grad(tx), Grad(ty));
    }

    /// <summary>The 5-dimensional Gaussian log-density, differentiated in the point (five scalar leaves).</summary>
    public static double GaussianLogDensity(double x1, double x2, double x3, double x4, double x5, double mu, double sigma,
        Span<double> gradient)
    {
        using var scope = NewDisposeScope();
        Tensor t1 = Leaf(x1), t2 = Leaf(x2), t3 = Leaf(x3), t4 = Leaf(x4), t5 = Leaf(x5);
        Tensor d1 = (t1 - mu) / sigma;
        Tensor d2 = (t2 - mu) / sigma;
        Tensor d3 = (t3 - mu) / sigma;
        Tensor d4 = (t4 - mu) / sigma;
        Tensor d5 = (t5 - mu) / sigma;
        Tensor squares = d1 * d1 + d2 * d2 + d3 * d3 + d4 * d4 + d5 * d5;
        Tensor result = -0.5 * squares - 5 * Math.Log(sigma) - 2.5 * Math.Log(2 * Math.PI);
        result.backward();
        gradient[0] = Grad(t1);
        gradient[1] = Grad(t2);
        gradient[2] = Grad(t3);
        gradient[3] = Grad(t4);
        gradient[4] = Grad(t5);
        return result.item<double>();
    }

    /// <summary>The softplus/sigmoid chain: h = softplus(x·w), s = σ(h − 1), softplus(s·w)·s, differentiated in x and w.</summary>
    public static (double Value, double X, double W) SoftplusSigmoidChain(double x, double w)
    {
        using var scope = NewDisposeScope();
        Tensor tx = Leaf(x), tw = Leaf(w);
        Tensor h = nn.functional.softplus(tx * tw);
        Tensor s = sigmoid(h - 1);
        Tensor result = nn.functional.softplus(s * tw) * s;
        result.backward();
        return (result.item<double>(), Grad(tx), Grad(tw));
    }
}
