using SymbolicDiff;

namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// [Differentiable] methods with loops and vectors, compiled by the generator as part of this test project.
/// They take <c>double[]</c> (not spans) so that <see cref="VectorFiniteDifferenceTests"/> can call them and
/// their generated gradients through reflection; every one is checked against finite differences.
/// Each exercises one construct of the loop language; the comment says which, and what the backward sweep must save.
/// </summary>
public static partial class VectorFunctions
{
    /// <summary>A reduction: the adjoint is a second loop, nothing is saved.</summary>
    [Differentiable]
    public static double Dot(double[] w, double[] x)
    {
        double sum = 0;
        for (int i = 0; i < w.Length; i++)
        {
            sum += w[i] * x[i];
        }

        return sum;
    }

    /// <summary>
    /// A conditional whose untaken side would index out of range (x[i − 1] at i = 0): the backward sweep must not
    /// touch that element's adjoint either, so the contribution is guarded by the same condition.
    /// </summary>
    [Differentiable]
    public static double LaggedProducts(double[] x)
    {
        double total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double previous = i == 0 ? x[i] : x[i - 1];
            total += previous * x[i];
        }

        return total;
    }

    /// <summary>A conditional that reads the next element only where there is one.</summary>
    [Differentiable]
    public static double ForwardDifferences(double[] x)
    {
        double total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double step = i + 1 < x.Length ? x[i + 1] - x[i] : 0.0;
            total += step * step;
        }

        return total;
    }

    /// <summary>Locals declared inside the branches of an if in a loop, with the same name in both.</summary>
    [Differentiable]
    public static double BranchLocals(double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] > 0)
            {
                double t = x[i] * x[i];
                s += t * t;
            }
            else
            {
                double t = Math.Exp(x[i]);
                s += t;
            }
        }

        return s;
    }

    /// <summary>An early return inside a loop: the gradient of the path taken (the sum up to the first crossing).</summary>
    [Differentiable]
    public static double FirstCrossing(double[] x, double threshold)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += x[i] * x[i];
            if (s > threshold * threshold)
            {
                return s * threshold;
            }
        }

        return s;
    }

    /// <summary>An early return before a loop, and a loop inside an if.</summary>
    [Differentiable]
    public static double GuardedNorm(double[] x, double scale)
    {
        if (scale < -1)
        {
            return scale * scale;
        }

        double s = scale;
        if (scale > 0)
        {
            for (int i = 0; i < x.Length; i++)
            {
                s += scale * x[i] * x[i];
            }
        }

        return Math.Sqrt(s * s + 1) * scale;
    }

    /// <summary>
    /// A running index into a packed lower triangle (<c>int k = 0; … k++;</c>): Σᵢ (Σ_{j≤i} L[i][j]·x[j])², with L
    /// stored row by row. The backward sweep undoes each step, so k indexes the same element going back.
    /// </summary>
    [Differentiable]
    public static double PackedTriangle(double[] packed, double[] x)
    {
        double total = 0;
        int k = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double row = 0;
            for (int j = 0; j <= i; j++)
            {
                row += packed[k] * x[j];
                k++;
            }

            total += row * row;
        }

        return total;
    }

    /// <summary>A running index stepped by an amount (<c>k += stride</c>) and only in one branch.</summary>
    [Differentiable]
    public static double StridedPositives(double[] x, int stride)
    {
        double total = 0;
        int k = 0;
        int step = stride % 2 + 1;
        for (int i = 0; i < x.Length / 2; i++)
        {
            if (x[i] > 0)
            {
                total += x[k] * x[i];
                k += step;
            }
        }

        return total;
    }

    /// <summary>A helper over a vector, itself [Differentiable]: its generated code includes a vector-Jacobian product.</summary>
    [Differentiable]
    public static double SquaredNorm(double[] v)
    {
        double s = 0;
        for (int i = 0; i < v.Length; i++)
        {
            s += v[i] * v[i];
        }

        return s;
    }

    /// <summary>Calls a [Differentiable] helper over vectors twice: the backward sweep calls its vector-Jacobian products.</summary>
    [Differentiable]
    public static double NormalizedEnergy(double[] x, double[] w)
    {
        double e = SquaredNorm(x);
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += w[i] * x[i];
        }

        return s / (1 + e) + Math.Sqrt(SquaredNorm(w) + 1);
    }

    /// <summary>foreach, and a non-linear function of each element.</summary>
    [Differentiable]
    public static double SumOfSines(double[] x)
    {
        double total = 0;
        foreach (double v in x)
        {
            total += Math.Sin(v) * v;
        }

        return total;
    }

    /// <summary>A product: each step's partial reads the running product's earlier value, which is saved.</summary>
    [Differentiable]
    public static double Product(double[] x)
    {
        double p = 1;
        for (int i = 0; i < x.Length; i++)
        {
            p *= x[i];
        }

        return p;
    }

    /// <summary>Horner's rule: a loop-carried value in a non-linear update, differentiated in both the point and the coefficients.</summary>
    [Differentiable]
    public static double Polynomial(double[] coefficients, double x)
    {
        double p = 0;
        for (int i = coefficients.Length - 1; i >= 0; i--)
        {
            p = p * x + coefficients[i];
        }

        return p;
    }

    /// <summary>A running maximum (Max's derivative compares the earlier value), then log-sum-exp.</summary>
    [Differentiable]
    public static double LogSumExp(double[] x)
    {
        double m = x[0];
        for (int i = 1; i < x.Length; i++)
        {
            m = Math.Max(m, x[i]);
        }

        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum += Math.Exp(x[i] - m);
        }

        return m + Math.Log(sum);
    }

    /// <summary>A matrix-vector product over a flat array with a stride, into a local buffer, then a squared norm.</summary>
    [Differentiable("matrix")]
    public static double MatrixVectorNorm(double[] matrix, double[] x)
    {
        int columns = x.Length;
        int rows = matrix.Length / columns;
        double[] y = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            int row = r * columns;
            for (int c = 0; c < columns; c++)
            {
                y[r] += matrix[row + c] * x[c];
            }
        }

        double norm = 0;
        for (int r = 0; r < rows; r++)
        {
            norm += y[r] * y[r];
        }

        return norm;
    }

    /// <summary>A recurrent cell: one state overwritten each step through tanh, so each step's value is saved.</summary>
    [Differentiable("w", "u")]
    public static double Recurrent(double[] inputs, double w, double u)
    {
        double state = 0;
        int t = 0;
        while (t < inputs.Length)
        {
            state = Math.Tanh(w * state + u * inputs[t]);
            t++;
        }

        return state * state;
    }

    /// <summary>ReLU with ?: inside a loop, an inclusive bound, and -= and /=.</summary>
    [Differentiable]
    public static double ReluSum(double[] x, double scale)
    {
        double total = 0;
        for (int i = 0; i <= x.Length - 1; i++)
        {
            double a = x[i] * scale;
            total -= a > 0 ? -a : 0.01 * a;
        }

        total /= x.Length;
        return total;
    }

    /// <summary>A buffer rewritten for every row of a batch: its elements are saved before each overwrite.</summary>
    [Differentiable("weights", "bias")]
    public static double TwoLayerBatch(double[] features, double[] weights, double bias)
    {
        int d = weights.Length;
        int n = features.Length / d;
        Span<double> hidden = stackalloc double[d];
        double loss = 0;
        for (int r = 0; r < n; r++)
        {
            for (int j = 0; j < d; j++)
            {
                hidden[j] = Math.Tanh(weights[j] * features[r * d + j] + bias);
            }

            double output = 0;
            for (int j = 0; j < d; j++)
            {
                output += hidden[j] * hidden[j] * weights[j];
            }

            loss += (output - 1) * (output - 1);
        }

        return loss / n;
    }

    /// <summary>A scalar-only method with a loop: x to the n-th power by repeated multiplication.</summary>
    [Differentiable("x")]
    public static double Power(double x, int n)
    {
        double p = 1;
        for (int i = 0; i < n; i++)
        {
            p *= x;
        }

        return p;
    }

    /// <summary>Nested loops over all pairs (a quadratic form) with loop-local doubles.</summary>
    [Differentiable]
    public static double PairwiseEnergy(double[] x)
    {
        double energy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double xi = x[i];
            for (int j = i + 1; j < x.Length; j++)
            {
                double difference = xi - x[j];
                energy += Math.Exp(-difference * difference);
            }
        }

        return energy;
    }

    /// <summary>A buffer element written twice in one iteration, and read between the writes.</summary>
    [Differentiable]
    public static double OverwrittenTwice(double[] x)
    {
        double[] buffer = new double[x.Length];
        double total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            buffer[i] = Math.Sin(x[i]);
            total += buffer[i] * buffer[i];
            buffer[i] = Math.Cos(buffer[i] * x[i]);
            total += buffer[i] * x[i];
        }

        return total;
    }
}

/// <summary>Loop functions that call functions over vectors (declared vector-Jacobian products).</summary>
public static partial class VectorFunctions
{
    /// <summary>A buffer of predictions fed to the span MSE, plus a Dot of two parameters.</summary>
    [Differentiable("w", "x")]
    public static double MseOfSines(double[] w, double[] x, double[] targets)
    {
        double[] predictions = new double[targets.Length];
        for (int i = 0; i < targets.Length; i++)
        {
            predictions[i] = Math.Sin(w[i]) * x[i];
        }

        return Losses.MeanSquaredError(predictions, targets) + 0.5 * Vectors.Dot(w, x);
    }

    /// <summary>Softmax cross-entropy of a buffer rewritten per row: the buffer is saved, the product reads it again.</summary>
    [Differentiable("weights")]
    public static double SoftmaxRows(double[] weights, double[] inputs)
    {
        int classes = weights.Length;
        int rows = inputs.Length / classes;
        Span<double> logits = stackalloc double[classes];
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            for (int k = 0; k < classes; k++)
            {
                logits[k] = weights[k] * inputs[r * classes + k];
            }

            total += Losses.SoftmaxCrossEntropy(logits, r % classes);
        }

        return total;
    }

    /// <summary>The span binary cross-entropy over logits built in a loop (targets have no declared derivative: SD0012 if differentiated).</summary>
    [Differentiable("logitsScale")]
    public static double LogisticBatch(double[] logitsScale, double[] targets)
    {
        double[] logits = new double[targets.Length];
        for (int i = 0; i < targets.Length; i++)
        {
            logits[i] = logitsScale[i] * 3;
        }

        return Losses.BinaryCrossEntropyWithLogits(logits, targets);
    }
}

/// <summary>Loop functions that call other [Differentiable] methods: the backward sweep calls their gradients.</summary>
public static partial class VectorFunctions
{
    /// <summary>A scalar [Differentiable] helper.</summary>
    [Differentiable]
    public static double Unit(double x, double w, double b) => Activations.Sigmoid(x * w + b);

    /// <summary>The helper twice per element, with its arguments swapped, so each call's partials must be told apart.</summary>
    [Differentiable("w", "b")]
    public static double UnitsProduct(double[] x, double w, double b)
    {
        double total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            total += Unit(x[i], w, b) * Unit(x[i], b, w);
        }

        return total;
    }
}

/// <summary>if statements in loop methods: each branch's condition is recorded and replayed backwards.</summary>
public static partial class VectorFunctions
{
    /// <summary>ReLU written with if/else, and a clipped update nested inside.</summary>
    [Differentiable]
    public static double ReluWithIf(double[] x, double scale)
    {
        double total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double a = x[i] * scale;
            if (a > 0)
            {
                total += a * a;
                if (total > 2)
                {
                    total *= 0.5;
                }
            }
            else
            {
                total -= 0.1 * a;
            }
        }

        return total;
    }

    /// <summary>A running maximum written with if: the branch taken in each iteration is saved for the backward loop.</summary>
    [Differentiable]
    public static double MaxWithIf(double[] x)
    {
        double m = x[0];
        for (int i = 1; i < x.Length; i++)
        {
            if (x[i] > m)
            {
                m = x[i];
            }
        }

        return m * m;
    }

    /// <summary>An if outside any loop, in a vector method.</summary>
    [Differentiable]
    public static double ClippedDot(double[] w, double[] x)
    {
        double sum = 0;
        for (int i = 0; i < w.Length; i++)
        {
            sum += w[i] * x[i];
        }

        if (sum > 1)
        {
            sum = 1 + Math.Log(sum);
        }

        return sum;
    }
}

/// <summary>bool locals in loop methods: conditions recorded once and used by if and ?:.</summary>
public static partial class VectorFunctions
{
    /// <summary>A bool local per element, read by an if and a ?:.</summary>
    [Differentiable]
    public static double SignedSquares(double[] x, double scale)
    {
        double total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            bool positive = x[i] > 0;
            if (positive)
            {
                total += x[i] * x[i] * scale;
            }

            total += positive ? 0.0 : x[i] * scale;
        }

        return total;
    }
}

/// <summary>Math.Sign and ?: with integer literals in methods with loops, accepted as in loop-free methods.</summary>
public static partial class VectorFunctions
{
    /// <summary>Math.Sign has derivative 0: each term is |x[i]|³·scale, so ∂/∂x[i] = 3·Sign(x[i])·x[i]²·scale − 1.</summary>
    [Differentiable]
    public static double SignedCubes(double[] x, double scale)
    {
        double total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double s = Math.Sign(x[i]);
            total += s * x[i] * x[i] * x[i] * scale + Math.Sign(x[i] - 2) * x[i];
        }

        return total;
    }

    /// <summary>
    /// ?: with integer literals in a double context: a direction per element, and one chosen by the loop-carried
    /// total, whose value before each update the backward sweep needs.
    /// </summary>
    [Differentiable]
    public static double Zigzag(double[] x, double rate)
    {
        double total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double direction = x[i] > 0 ? 1 : -1;
            total = total * rate + direction * x[i] * x[i] + (total > 0 ? 2 : -3) * x[i] * rate;
        }

        return total;
    }
}

/// <summary>Stacked layers in a loop: a layer that selected its weights is still given a varying input.</summary>
public static partial class VectorFunctions
{
    /// <summary>Differentiated with respect to its weights only; its body is read in place where its input varies.</summary>
    [Differentiable(nameof(w), nameof(b))]
    public static double Layer(double x, double w, double b)
    {
        double z = x * w + b;
        return Math.Tanh(z);
    }

    /// <summary>Each element through two layers; the second layer's input is the first layer's output.</summary>
    [Differentiable]
    public static double StackedOverBatch(double[] x, double w1, double b1, double w2, double b2)
    {
        double total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double h = Layer(x[i], w1, b1);
            total += Layer(h, w2, b2) * x[i] + Layer(Layer(total, w1, 0.5), w2, b2);
        }

        return total;
    }

    /// <summary>The input held constant: the layer's own gradient is called, nothing is inlined.</summary>
    [Differentiable(nameof(w), nameof(b))]
    public static double LayerOverBatch(double[] x, double w, double b)
    {
        double total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            total += Layer(x[i], w, b);
        }

        return total;
    }

    /// <summary>
    /// An integer local assigned again inside the loop that declares it, in a branch too: each assignment is a new
    /// version (k, k_1, k_2), so the backward sweep reads the index the forward sweep used.
    /// </summary>
    [Differentiable]
    public static double IntegerVersionsInALoop(double[] x)
    {
        double total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            int k = i;
            k = 2 * k;
            if (x[i] > 0)
            {
                k += 1;
            }

            total += x[k / 2] * x[i] + k;
        }

        return total;
    }

    /// <summary>An integer parameter assigned before the loop it bounds: the loop runs from its new value.</summary>
    [Differentiable]
    public static double SumFromAnOffset(double[] x, int start)
    {
        start = start % 3;
        start++;
        double total = 0;
        for (int i = start; i < x.Length; i++)
        {
            total += x[i] * x[i - start];
        }

        return total;
    }

    /// <summary>A helper over a vector with a real parameter of its own.</summary>
    [Differentiable]
    public static double ScaledSquaredNorm(double[] v, double scale)
    {
        double total = 0;
        for (int i = 0; i < v.Length; i++)
        {
            total += scale * v[i] * v[i];
        }

        return total;
    }

    /// <summary>
    /// The helper called with reals that vary (a, a² and a + 1): its generated scalar product gives the partial,
    /// chained through each argument's own.
    /// </summary>
    [Differentiable]
    public static double HelperWithVaryingScale(double[] x, double a)
    {
        double s = a * a;
        double first = ScaledSquaredNorm(x, s);
        return first + ScaledSquaredNorm(x, a + 1) * a;
    }
}
