namespace SymbolicDiff.Tests.Runtime;

/// <summary>Inputs and checks shared by the tests of the span primitives.</summary>
internal static class SpanTestData
{
    /// <summary>
    /// 1,000 values in [−5, 4.99] from an integer formula, divided once, so that Python computes the same
    /// doubles for the reference values: ((i·7919) mod 1000 − 500) / 100. 1,000 is no multiple of the
    /// runtime's 256-element chunks or of a SIMD width, so every tail is exercised.
    /// </summary>
    public static double[] LongA() => Enumerable.Range(0, 1000).Select(i => ((i * 7919) % 1000 - 500) / 100.0).ToArray();

    /// <summary>1,000 values in [−9.96, 9.96]: ((i·104729) mod 997 − 498) / 50.</summary>
    public static double[] LongB() => Enumerable.Range(0, 1000).Select(i => ((i * 104729) % 997 - 498) / 50.0).ToArray();

    /// <summary>1,000 targets in [0, 1]: ((i·31) mod 101) / 100.</summary>
    public static double[] LongTargets() => Enumerable.Range(0, 1000).Select(i => ((i * 31) % 101) / 100.0).ToArray();

    /// <summary>Deterministic values in [−3, 3) for the allocation and length tests.</summary>
    public static double[] Values(int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => random.NextDouble() * 6 - 3).ToArray();
    }

    /// <summary>Deterministic targets in [0, 1).</summary>
    public static double[] Targets(int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => random.NextDouble()).ToArray();
    }

    public static float[] ToFloat(double[] values) => values.Select(v => (float)v).ToArray();

    /// <summary>The bytes one call of <paramref name="action"/> allocates once warm (see <see cref="Allocations.PerCall(Action, int)"/>).</summary>
    public static long AllocatedBytes(Action action) => Allocations.PerCall(action);

    /// <summary>Asserts that each element is within <paramref name="relative"/>·max(1, |expected|) of the expected one.</summary>
    public static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double relative)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            double tolerance = relative * Math.Max(1, Math.Abs(expected[i]));
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: expected {expected[i]:R}, got {actual[i]:R} (tolerance {tolerance:R})");
        }
    }
}
