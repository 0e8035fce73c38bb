using SymbolicDiff;
using static SymbolicDiff.Tests.Runtime.SpanTestData;

namespace SymbolicDiff.Tests.Runtime;

public class VectorsTests
{
    [Fact]
    public void Dot_of_exactly_representable_vectors_is_exact()
    {
        // 0.5·4 − 1.25·0.5 − 2·2.5 + 3.75·1 = 2 − 0.625 − 5 + 3.75 = 0.125, by hand; every product and sum is exact.
        Assert.Equal(0.125, Vectors.Dot([0.5, -1.25, 2.0, 3.75], [4.0, 0.5, -2.5, 1.0]));
        Assert.Equal(0.125f, Vectors.Dot([0.5f, -1.25f, 2.0f, 3.75f], [4.0f, 0.5f, -2.5f, 1.0f]));
    }

    [Fact]
    public void Dot_matches_independent_values()
    {
        // python3 mpmath at 50 digits from the exact binary values of the inputs, rounded to 20 digits.
        double[] left = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7];
        double[] right = [1.1, -2.3, 3.7, -0.9, 0.05, 7.0, -1.0];
        Assert.Equal(3.9249999999999998987, Vectors.Dot(left, right), 1e-15);
        Assert.Equal(3.9250002484768637956f, Vectors.Dot(ToFloat(left), ToFloat(right)), 1e-6f);

        // 1,000 elements; Σ|left·right| = 12487.2838, so a few ulps of the sum are about 1e-11.
        Assert.Equal(-122.58820000000003235, Vectors.Dot(LongA(), LongB()), 1e-10);
    }

    [Fact]
    public void Dot_of_empty_vectors_is_zero()
    {
        Assert.Equal(0.0, Vectors.Dot(ReadOnlySpan<double>.Empty, ReadOnlySpan<double>.Empty));
        Assert.Equal(0.0f, Vectors.Dot(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty));
    }

    [Fact]
    public void Dot_propagates_NaN()
    {
        Assert.True(double.IsNaN(Vectors.Dot([1.0, double.NaN], [1.0, 2.0])));
        Assert.True(float.IsNaN(Vectors.Dot([1.0f, 2.0f], [float.NaN, 2.0f])));
    }

    [Fact]
    public void Dot_gradients_match_central_differences()
    {
        double[] left = [0.3, -1.7, 2.2, 0.9, -0.4];
        double[] right = [1.5, 0.25, -3.1, 0.7, 2.0];

        var byLeft = new double[left.Length];
        Vectors.DotLeftGradient(left, right, 1.0, byLeft);
        AssertClose(FiniteDifference.CentralGradient(l => Vectors.Dot(l, right), left), byLeft, 1e-9);
        Assert.Equal(right, byLeft); // ∂(l·r)/∂l = r exactly

        var byRight = new double[right.Length];
        Vectors.DotRightGradient(left, right, 1.0, byRight);
        AssertClose(FiniteDifference.CentralGradient(r => Vectors.Dot(left, r), right), byRight, 1e-9);
        Assert.Equal(left, byRight);
    }

    [Fact]
    public void Float_dot_gradients_match_central_differences()
    {
        float[] left = [0.3f, -1.7f, 2.2f, 0.9f, -0.4f];
        float[] right = [1.5f, 0.25f, -3.1f, 0.7f, 2.0f];

        var byLeft = new float[left.Length];
        Vectors.DotLeftGradient(left, right, 1.0f, byLeft);
        AssertClose(ToDouble(FiniteDifference.CentralGradient(l => Vectors.Dot(l, right), left)), ToDouble(byLeft), 1e-3);
        Assert.Equal(right, byLeft);

        var byRight = new float[right.Length];
        Vectors.DotRightGradient(left, right, 1.0f, byRight);
        AssertClose(ToDouble(FiniteDifference.CentralGradient(r => Vectors.Dot(left, r), right)), ToDouble(byRight), 1e-3);
        Assert.Equal(left, byRight);
    }

    [Fact]
    public void Dot_gradients_add_seed_times_the_partial_to_what_is_there()
    {
        double[] left = [0.3, -1.7, 2.2, 0.9];
        double[] right = [1.5, 0.25, -3.1, 0.7];

        // Pre-filled with 1s and seeded with 2.5: 1 + 2.5·right (each a single multiply-add, exact here to an ulp).
        double[] gradient = [1, 1, 1, 1];
        Vectors.DotLeftGradient(left, right, 2.5, gradient);
        AssertClose(right.Select(r => 1 + 2.5 * r).ToArray(), gradient, 1e-15);

        // A second call accumulates again; a seed of 0 changes nothing.
        Vectors.DotRightGradient(left, right, -2.0, gradient);
        AssertClose(right.Zip(left, (r, l) => 1 + 2.5 * r - 2.0 * l).ToArray(), gradient, 1e-15);
        double[] before = (double[])gradient.Clone();
        Vectors.DotLeftGradient(left, right, 0.0, gradient);
        Assert.Equal(before, gradient);

        float[] floatGradient = [1, 1, 1, 1];
        Vectors.DotRightGradient(ToFloat(left), ToFloat(right), 2.5f, floatGradient);
        AssertClose(left.Select(l => 1 + 2.5 * l).ToArray(), ToDouble(floatGradient), 1e-6);
    }

    [Fact]
    public void Mismatched_lengths_name_the_parameter()
    {
        double[] three = [1, 2, 3];
        double[] two = [1, 2];
        Assert.Equal("right", Assert.Throws<ArgumentException>(() => Vectors.Dot(three, two)).ParamName);
        Assert.Equal("right", Assert.Throws<ArgumentException>(() => Vectors.Dot(ToFloat(three), ToFloat(two))).ParamName);
        Assert.Equal("right", Assert.Throws<ArgumentException>(() => Vectors.DotLeftGradient(three, two, 1, new double[3])).ParamName);
        Assert.Equal("right", Assert.Throws<ArgumentException>(() => Vectors.DotRightGradient(three, two, 1, new double[3])).ParamName);

        Assert.Equal("gradient", Assert.Throws<ArgumentException>(() => Vectors.DotLeftGradient(three, three, 1, new double[2])).ParamName);
        Assert.Equal("gradient", Assert.Throws<ArgumentException>(() => Vectors.DotRightGradient(three, three, 1, new double[4])).ParamName);
        Assert.Equal("gradient", Assert.Throws<ArgumentException>(() => Vectors.DotLeftGradient(ToFloat(three), ToFloat(three), 1, new float[2])).ParamName);
        Assert.Equal("gradient", Assert.Throws<ArgumentException>(() => Vectors.DotRightGradient(ToFloat(three), ToFloat(three), 1, new float[0])).ParamName);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(10_000)]
    public void Dot_and_its_gradients_do_not_allocate(int length)
    {
        double[] left = Values(length, 1), right = Values(length, 2), gradient = new double[length];
        float[] leftF = ToFloat(left), rightF = ToFloat(right), gradientF = new float[length];
        double sink = 0;

        Assert.Equal(0, AllocatedBytes(() => sink += Vectors.Dot(left, right)));
        Assert.Equal(0, AllocatedBytes(() => Vectors.DotLeftGradient(left, right, 0.5, gradient)));
        Assert.Equal(0, AllocatedBytes(() => Vectors.DotRightGradient(left, right, 0.5, gradient)));
        Assert.Equal(0, AllocatedBytes(() => sink += Vectors.Dot(leftF, rightF)));
        Assert.Equal(0, AllocatedBytes(() => Vectors.DotLeftGradient(leftF, rightF, 0.5f, gradientF)));
        Assert.Equal(0, AllocatedBytes(() => Vectors.DotRightGradient(leftF, rightF, 0.5f, gradientF)));
        Assert.True(double.IsFinite(sink));
    }

    private static double[] ToDouble(float[] values) => values.Select(v => (double)v).ToArray();
}
