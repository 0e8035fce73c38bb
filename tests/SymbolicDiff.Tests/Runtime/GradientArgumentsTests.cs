using SymbolicDiff.Runtime;

namespace SymbolicDiff.Tests.Runtime;

/// <summary>
/// The generated gradients' argument checks go through GradientArguments: an overlap test inlined instead of a call of
/// MemoryExtensions.Overlaps, the messages built out of line, and the outputs' lengths compared in one branch. The
/// overlap test must answer as MemoryExtensions.Overlaps does for every pair of slices, and a gradient must still name
/// the output that is wrong, whichever of the lengths compared at once it is.
/// </summary>
public class GradientArgumentsTests
{
    [Fact]
    public void Overlap_answers_as_MemoryExtensions_for_every_pair_of_slices_of_one_array()
    {
        // Every (start, length) pair of a 6-element array against every other: empty slices (at the start, inside, at
        // the end), equal, adjacent, nested and partly shared slices, in both orders.
        double[] values = new double[6];
        float[] singles = new float[6];
        int compared = 0, overlapping = 0;
        for (int start = 0; start <= values.Length; start++)
        {
            for (int length = 0; start + length <= values.Length; length++)
            {
                for (int otherStart = 0; otherStart <= values.Length; otherStart++)
                {
                    for (int otherLength = 0; otherStart + otherLength <= values.Length; otherLength++)
                    {
                        bool expected = values.AsSpan(start, length).Overlaps(values.AsSpan(otherStart, otherLength));
                        Assert.Equal(expected, GradientArguments.Overlap(values.AsSpan(start, length), values.AsSpan(otherStart, otherLength)));
                        Assert.Equal(expected, GradientArguments.Overlap(singles.AsSpan(start, length), singles.AsSpan(otherStart, otherLength)));
                        compared++;
                        overlapping += expected ? 1 : 0;
                    }
                }
            }
        }

        // 28 slices of a 6-element array (21 non-empty, 7 empty), so 784 pairs; an empty slice overlaps nothing, and two
        // non-empty ones [a, b) and [c, d) are apart when b ≤ c (or d ≤ a): a < b ≤ c < d picks four of the 7 bounds
        // 0..6 (b < c, C(7, 4) = 35) or three (b = c, C(7, 3) = 35), 70 each way, so 441 − 140 = 301 overlap.
        Assert.Equal(784, compared);
        Assert.Equal(301, overlapping);
    }

    [Fact]
    public void Overlap_is_false_for_separate_arrays_and_true_for_the_same_one()
    {
        double[] first = { 1, 2, 3 }, second = { 4, 5, 6 };
        Assert.False(GradientArguments.Overlap(first, second));
        Assert.False(GradientArguments.Overlap(second, first));
        Assert.True(GradientArguments.Overlap(first, first));
        Assert.True(GradientArguments.Overlap(first.AsSpan(2), first.AsSpan(0, 3)));
        Assert.False(GradientArguments.Overlap(ReadOnlySpan<double>.Empty, first));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Each_output_of_the_wrong_length_is_named_although_the_lengths_are_compared_at_once(int wrong)
    {
        // The MLP's four outputs are compared in one branch; inside it, each length again, so the exception names the
        // wrong one and both lengths. Parameters: w1 5 × 3 = 15, b1 5, w2 4 × 5 = 20, b2 4.
        var (features, labels, w1, b1, w2, b2) = MlpPoint();
        string[] names = { "dW1", "dB1", "dW2", "dB2" };
        string[] parameters = { "w1", "b1", "w2", "b2" };
        int[] lengths = { 15, 5, 20, 4 };
        var outputs = lengths.Select((length, i) => new double[i == wrong ? length - 1 : length]).ToArray();

        var exception = Assert.Throws<ArgumentException>(() => MlpModel.BatchLossWithGradient(
            features, labels, w1, b1, w2, b2, outputs[0], outputs[1], outputs[2], outputs[3]));

        Assert.Equal(names[wrong], exception.ParamName);
        Assert.StartsWith($"{names[wrong]} must have the length of {parameters[wrong]} ({lengths[wrong]}), not {lengths[wrong] - 1}.", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_output_overlapping_an_input_or_another_output_is_named()
    {
        var (features, labels, w1, b1, w2, b2) = MlpPoint();
        double[] dW1 = new double[15], dB1 = new double[5], dW2 = new double[20], dB2 = new double[4];

        // dW2 is the input w2 itself.
        var input = Assert.Throws<ArgumentException>(() => MlpModel.BatchLossWithGradient(features, labels, w1, b1, w2, b2, dW1, dB1, w2, dB2));
        Assert.Equal("dW2", input.ParamName);
        Assert.StartsWith("dW2 must not overlap an input (features, w1, b1, w2, b2)", input.Message, StringComparison.Ordinal);

        // dB2 is the last 4 elements of the output dW2.
        var output = Assert.Throws<ArgumentException>(() => MlpModel.BatchLossWithGradient(
            features, labels, w1, b1, w2, b2, dW1, dB1, dW2, dW2.AsSpan(16, 4)));
        Assert.Equal("dB2", output.ParamName);
        Assert.StartsWith("dB2 must not overlap another gradient output (dW1, dB1, dW2)", output.Message, StringComparison.Ordinal);

        // dB2 right after dW2 in one array shares nothing: accepted, and the same gradient as separate arrays.
        double[] both = new double[24];
        double value = MlpModel.BatchLossWithGradient(features, labels, w1, b1, w2, b2, dW1, dB1, both.AsSpan(0, 20), both.AsSpan(20, 4));
        Assert.Equal(MlpModel.BatchLossWithGradient(features, labels, w1, b1, w2, b2, dW1, dB1, dW2, dB2), value);
        Assert.Equal([.. dW2, .. dB2], both);
    }

    /// <summary>7 rows of 3 inputs, 5 hidden units, 4 classes.</summary>
    private static (double[] Features, int[] Labels, double[] W1, double[] B1, double[] W2, double[] B2) MlpPoint()
    {
        var random = new Random(12);
        double[] Uniform(int count) => Enumerable.Range(0, count).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        return (Uniform(21), Enumerable.Range(0, 7).Select(_ => random.Next(4)).ToArray(), Uniform(15), Uniform(5), Uniform(20), Uniform(4));
    }
}
