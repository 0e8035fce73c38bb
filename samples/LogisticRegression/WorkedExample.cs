using SymbolicDiff;
using static System.FormattableString;

/// <summary>
/// Part 1: one sigmoid neuron with a single input, differentiated by hand with the chain rule and by the
/// generated methods, printed step by step as a textbook would.
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
        output.WriteLine("Part 1 - one sigmoid neuron, differentiated by hand and by the generator");
        output.WriteLine(Invariant($"  inputs: x = {X}, w = {W}, b = {B}, target y = {Y}"));
        output.WriteLine();

        // Forward pass, written out so every intermediate value can be printed.
        double z = X * W + B;
        double a = Activations.Sigmoid(z);
        double mse = Losses.MeanSquaredError(a, Y);
        double half = Losses.HalfSquaredError(a, Y);
        output.WriteLine("  forward pass");
        output.WriteLine(Invariant($"    z = x*w + b = {X}*{W} + ({B}) = {z}"));
        output.WriteLine(Invariant($"    a = sigmoid(z) = 1 / (1 + e^-z) = {a}"));
        output.WriteLine(Invariant($"    L = (a - y)^2       = {mse}   (mean squared error, as PyTorch's F.mse_loss)"));
        output.WriteLine(Invariant($"    L = 1/2 (a - y)^2   = {half}  (half squared error, the textbook form)"));
        output.WriteLine();

        // Local partials from the derivative rules, deliberately computed here rather than taken from
        // the runtime, so that the comparison below checks the generator against independent arithmetic.
        double dMseDa = 2 * (a - Y);
        double dHalfDa = a - Y;
        double dADz = a * (1 - a);
        double dZDw = X;
        const double dZDb = 1;
        output.WriteLine("  local partial derivatives");
        output.WriteLine(Invariant($"    dL/da = 2(a - y) = {dMseDa}   (mean squared error)"));
        output.WriteLine(Invariant($"    dL/da = a - y    = {dHalfDa}  (half squared error)"));
        output.WriteLine(Invariant($"    da/dz = a(1 - a) = {dADz}"));
        output.WriteLine(Invariant($"    dz/dw = x        = {dZDw}"));
        output.WriteLine(Invariant($"    dz/db = 1"));
        output.WriteLine();

        output.WriteLine("  chain rule: dL/dw = dL/da * da/dz * dz/dw,  dL/db = dL/da * da/dz * dz/db");
        Neuron.LossGradient mseGradient = Neuron.LossWithGradient(X, W, B, Y);
        Neuron.HalfLossGradient halfGradient = Neuron.HalfLossWithGradient(X, W, B, Y);
        output.WriteLine("    mean squared error (generated: Neuron.LossWithGradient)");
        PrintComparison(output, "dL/dw", dMseDa, dADz, dZDw, mseGradient.W);
        PrintComparison(output, "dL/db", dMseDa, dADz, dZDb, mseGradient.B);
        output.WriteLine("    half squared error (generated: Neuron.HalfLossWithGradient)");
        PrintComparison(output, "dL/dw", dHalfDa, dADz, dZDw, halfGradient.W);
        PrintComparison(output, "dL/db", dHalfDa, dADz, dZDb, halfGradient.B);
        output.WriteLine(Invariant($"    generated loss values: {mseGradient.Value} and {halfGradient.Value}"));
        output.WriteLine();

        // One step of plain gradient descent on the mean squared error; moving against the gradient
        // must lower the loss for a small enough step.
        double newW = W - LearningRate * mseGradient.W;
        double newB = B - LearningRate * mseGradient.B;
        double newA = Activations.Sigmoid(X * newW + newB);
        double newLoss = Neuron.Loss(X, newW, newB, Y);
        output.WriteLine(Invariant($"  one gradient-descent step on the mean squared error, learning rate lr = {LearningRate}"));
        output.WriteLine(Invariant($"    w <- w - lr * dL/dw = {W} - {LearningRate} * ({mseGradient.W}) = {newW}"));
        output.WriteLine(Invariant($"    b <- b - lr * dL/db = {B} - {LearningRate} * ({mseGradient.B}) = {newB}"));
        output.WriteLine(Invariant($"    new a = {newA:0.######}, new loss = {newLoss:0.######} (was {mseGradient.Value}, lower by {mseGradient.Value - newLoss:0.######})"));
    }

    private static void PrintComparison(TextWriter output, string name, double dLDa, double dADz, double dZDp, double generated)
    {
        double byHand = dLDa * dADz * dZDp;
        string verdict = Math.Abs(byHand - generated) <= AgreementTolerance ? "agree" : "DISAGREE";
        output.WriteLine(Invariant($"      {name} by hand = ({dLDa}) * {dADz} * {dZDp} = {byHand},  generated = {generated}  -> {verdict}"));
    }
}
