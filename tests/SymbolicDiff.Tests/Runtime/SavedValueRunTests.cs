using SymbolicDiff.Runtime;

namespace SymbolicDiff.Tests.Runtime;

/// <summary>
/// <see cref="SavedValues{T}"/>'s calls for a run of values (<c>saved.Push(a, b, c)</c>, <c>saved.Pop(out a, out b, out c)</c>),
/// which generated loops use for an iteration's consecutive saves and restores (Differentiation/SavedRuns.cs): each must
/// do exactly what as many single pushes or pops do, on both sides of every segment edge, mixed with single calls, the
/// stack's contents checked against a list.
/// </summary>
public class SavedValueRunTests
{
    [Fact]
    public void Runs_mixed_with_single_calls_across_segment_edges_keep_the_order_of_single_calls()
    {
        var model = new List<double>();
        var saved = new SavedValues<double>(stackalloc double[5]); // small, so that runs often meet an edge
        var random = new Random(11);
        for (int step = 0; step < 40_000; step++)
        {
            int length = random.Next(1, 9);
            bool push = model.Count < length || random.Next(100) < 53;
            if (push)
            {
                var values = Enumerable.Range(0, length).Select(_ => random.NextDouble()).ToArray();
                PushRun(ref saved, values);
                model.AddRange(values);
            }
            else
            {
                var popped = PopRun(ref saved, length);
                Assert.Equal(model.Skip(model.Count - length).ToArray(), popped); // in the order they were pushed
                model.RemoveRange(model.Count - length, length);
            }

            Assert.Equal(model.Count, saved.Count);
        }

        // What is left comes back one at a time, last first.
        for (int k = model.Count - 1; k >= 0; k--)
        {
            Assert.Equal(model[k], saved.Pop());
        }

        saved.Dispose();
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void A_run_pushed_is_popped_by_single_pops_in_reverse_and_single_pushes_by_a_run_in_order(int length)
    {
        // Every starting fill of a 4-value buffer, so that the run starts before, at and after the edge.
        Span<float> buffer = stackalloc float[4];
        for (int before = 0; before <= 6; before++)
        {
            var saved = new SavedValues<float>(buffer);
            for (int k = 0; k < before; k++)
            {
                saved.Push(-k);
            }

            var values = Enumerable.Range(1, length).Select(k => (float)k).ToArray();
            PushRun(ref saved, values);
            for (int k = length - 1; k >= 0; k--)
            {
                Assert.Equal(values[k], saved.Pop());
            }

            foreach (float value in values)
            {
                saved.Push(value);
            }

            Assert.Equal(values, PopRun(ref saved, length));
            Assert.Equal(before, saved.Count);
            saved.Dispose();
        }
    }

    private static void PushRun<T>(ref SavedValues<T> saved, T[] v)
        where T : unmanaged
    {
        switch (v.Length)
        {
            case 1: saved.Push(v[0]); break;
            case 2: saved.Push(v[0], v[1]); break;
            case 3: saved.Push(v[0], v[1], v[2]); break;
            case 4: saved.Push(v[0], v[1], v[2], v[3]); break;
            case 5: saved.Push(v[0], v[1], v[2], v[3], v[4]); break;
            case 6: saved.Push(v[0], v[1], v[2], v[3], v[4], v[5]); break;
            case 7: saved.Push(v[0], v[1], v[2], v[3], v[4], v[5], v[6]); break;
            default: saved.Push(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]); break;
        }
    }

    private static T[] PopRun<T>(ref SavedValues<T> saved, int length)
        where T : unmanaged
    {
        T a, b, c, d, e, f, g, h;
        switch (length)
        {
            case 1: return new[] { saved.Pop() };
            case 2: saved.Pop(out a, out b); return new[] { a, b };
            case 3: saved.Pop(out a, out b, out c); return new[] { a, b, c };
            case 4: saved.Pop(out a, out b, out c, out d); return new[] { a, b, c, d };
            case 5: saved.Pop(out a, out b, out c, out d, out e); return new[] { a, b, c, d, e };
            case 6: saved.Pop(out a, out b, out c, out d, out e, out f); return new[] { a, b, c, d, e, f };
            case 7: saved.Pop(out a, out b, out c, out d, out e, out f, out g); return new[] { a, b, c, d, e, f, g };
            default: saved.Pop(out a, out b, out c, out d, out e, out f, out g, out h); return new[] { a, b, c, d, e, f, g, h };
        }
    }
}
