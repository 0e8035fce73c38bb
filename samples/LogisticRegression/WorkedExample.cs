using SymbolicDiff;
using static System.FormattableString;

/// <summary>
/// Part 1: one sigmoid neuron with a single input, printed step by step as a textbook would, from the trace the
/// generator writes (<c>Neuron.LossDerivation</c>), then checked against the chain rule worked by hand.
/// </summary>
internal static class WorkedExample
{
    private const double X = 0.5;
    private const double W = 2;
    private const double B = -1;
    private const double Y = 1;
    private const double LearningRate = 0.5;

    // Hand and generated gradients are computed by different operation orders, so allow rounding noise.
    private const double AgreementTolerance = 1e-12;

    public static void Print(TextWriter output)
    {
        output.WriteLine("Part 1 - one sigmoid neuron, differentiated by the generator, explained step by step");
        output.WriteLine(Invariant($"  inputs: x = {X}, w = {W}, b = {B}, target y = {Y}"));
        output.WriteLine();

        // The generated trace: the forward sweep (each value, its formula and number), the backward sweep (each
        // local partial, each adjoint as the chain-rule product that formed it), and the gradient.
        Derivation mse = Neuron.LossDerivation(X, W, B, Y);
        Derivation half = Neuron.HalfLossDerivation(X, W, B, Y);
        output.WriteLine("  mean squared error L = (a - y)^2, as PyTorch's F.mse_loss (generated: Neuron.LossDerivation)");
        PrintIndented(output, mse.ToString());
        output.WriteLine();
        output.WriteLine("  half squared error L = 1/2 (a - y)^2, the textbook form (generated: Neuron.HalfLossDerivation)");
        PrintIndented(output, half.ToString());
        output.WriteLine();

        // The same chain worked by hand from the derivative rules, deliberately not from the runtime or the
        // trace, so that the comparison checks the generator against independent arithmetic.
        double z = X * W + B;
        double a = 1 / (1 + Math.Exp(-z));
        double dMseDa = 2 * (a - Y);
        double dHalfDa = a - Y;
        double dADz = a * (1 - a);
        double dZDw = X;
        const double dZDb = 1;
        output.WriteLine("  chain rule by hand: dL/dw = dL/da * da/dz * dz/dw,  dL/db = dL/da * da/dz * dz/db");
        output.WriteLine(Invariant($"    with z = {z}, a = 1 / (1 + e^-z) = {a}, da/dz = a(1 - a) = {dADz}, dz/dw = x = {dZDw}, dz/db = 1"));
        output.WriteLine("    mean squared error, dL/da = 2(a - y)");
        PrintComparison(output, "dL/dw", dMseDa, dADz, dZDw, mse.Gradient[0].Value);
        PrintComparison(output, "dL/db", dMseDa, dADz, dZDb, mse.Gradient[1].Value);
        output.WriteLine("    half squared error, dL/da = a - y");
        PrintComparison(output, "dL/dw", dHalfDa, dADz, dZDw, half.Gradient[0].Value);
        PrintComparison(output, "dL/db", dHalfDa, dADz, dZDb, half.Gradient[1].Value);
        output.WriteLine(Invariant($"    generated loss values: {mse.Value} and {half.Value}"));
        output.WriteLine();

        // One step of plain gradient descent on the mean squared error; moving against the gradient
        // must lower the loss for a small enough step.
        double dLdw = mse.Gradient[0].Value, dLdb = mse.Gradient[1].Value;
        double newW = W - LearningRate * dLdw;
        double newB = B - LearningRate * dLdb;
        double newA = Activations.Sigmoid(X * newW + newB);
        double newLoss = Neuron.Loss(X, newW, newB, Y);
        output.WriteLine(Invariant($"  one gradient-descent step on the mean squared error, learning rate lr = {LearningRate}"));
        output.WriteLine(Invariant($"    w <- w - lr * dL/dw = {W} - {LearningRate} * ({dLdw}) = {newW}"));
        output.WriteLine(Invariant($"    b <- b - lr * dL/db = {B} - {LearningRate} * ({dLdb}) = {newB}"));
        output.WriteLine(Invariant($"    new a = {newA:0.######}, new loss = {newLoss:0.######} (was {mse.Value}, lower by {mse.Value - newLoss:0.######})"));
    }

    private static void PrintIndented(TextWriter output, string text)
    {
        foreach (string line in text.TrimEnd().Split('\n'))
        {
            output.WriteLine("    " + line.TrimEnd('\r'));
        }
    }

    private static void PrintComparison(TextWriter output, string name, double dLDa, double dADz, double dZDp, double generated)
    {
        double byHand = dLDa * dADz * dZDp;
        string verdict = Math.Abs(byHand - generated) <= AgreementTolerance ? "agree" : "DISAGREE";
        output.WriteLine(Invariant($"      {name} by hand = ({dLDa}) * {dADz} * {dZDp} = {byHand},  generated = {generated}  -> {verdict}"));
    }
}
