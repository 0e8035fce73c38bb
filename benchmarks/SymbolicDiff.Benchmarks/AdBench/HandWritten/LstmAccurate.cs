namespace SymbolicDiff.Benchmarks.AdBench;

public static partial class AdBenchHandWritten
{
    /// <summary>
    /// <see cref="LstmObjective(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, int, Span{double}, Span{double})"/>
    /// with the derivatives the generated gradient takes, accurate in the tails: the runtime's
    /// <see cref="Activations.SigmoidDerivative(double, double)"/> (σ(1 − σ) up to z = 1, σ(z)·σ(−z) beyond, one more
    /// exponential) and <see cref="Activations.TanhDerivative(double, double)"/> (1 − tanh² up to |u| = 1, 4e/(1 + e)²
    /// with e = e^(−2|u|) beyond), each reading the pre-activation, which the backward pass computes again from the
    /// saved input and hidden value as the generated code does (the cell's from the saved gates). The reference for
    /// generated / hand-written at equal accuracy, as docs/performance.md argues for the MLP: the plain reference's
    /// σ(1 − σ) is 0 once σ rounds to 1 (z ≈ 37), and 1 − tanh² has relative error about 10⁻¹⁶/(1 − |tanh|).
    /// </summary>
    public static double LstmObjectiveAccurate(
        ReadOnlySpan<double> mainParams, ReadOnlySpan<double> extraParams, ReadOnlySpan<double> state,
        ReadOnlySpan<double> sequence, int layers, Span<double> dMainParams, Span<double> dExtraParams) =>
        LstmObjective<Accurate>(mainParams, extraParams, state, sequence, layers, dMainParams, dExtraParams);

    /// <summary>How the LSTM's hand-written gradient takes the activations' derivatives.</summary>
    private interface ILstmDerivatives
    {
        /// <summary>Whether the rules read the pre-activations (else the backward pass does not compute them).</summary>
        static abstract bool ReadsPreActivations { get; }

        /// <summary>σ′(z), given σ(z).</summary>
        static abstract double Sigmoid(double z, double sigmoid);

        /// <summary>tanh′(u), given tanh(u).</summary>
        static abstract double Tanh(double u, double tanh);
    }

    /// <summary>The runtime's derivatives, as the generated code calls or inlines them.</summary>
    private readonly struct Accurate : ILstmDerivatives
    {
        public static bool ReadsPreActivations => true;

        public static double Sigmoid(double z, double sigmoid) => Activations.SigmoidDerivative(z, sigmoid);

        public static double Tanh(double u, double tanh) => Activations.TanhDerivative(u, tanh);
    }
}
