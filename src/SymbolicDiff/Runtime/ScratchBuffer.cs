using System;
using System.Buffers;
using System.ComponentModel;

namespace SymbolicDiff.Runtime;

/// <summary>
/// Zeroed working storage of a given length for generated code (the adjoint of a local buffer): the
/// caller's stack buffer when it is long enough, else an array rented from <see cref="ArrayPool{T}.Shared"/>.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public ref struct ScratchBuffer<T>
    where T : unmanaged
{
    private T[]? _rented;

    /// <summary>Provides <paramref name="length"/> zeroed elements.</summary>
    /// <param name="length">How many elements are needed; not negative.</param>
    /// <param name="stackBuffer">Storage to use when it holds <paramref name="length"/> elements (typically <c>stackalloc T[128]</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative.</exception>
    public ScratchBuffer(int length, Span<T> stackBuffer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length <= stackBuffer.Length)
        {
            _rented = null;
            Span = stackBuffer.Slice(0, length);
        }
        else
        {
            _rented = ArrayPool<T>.Shared.Rent(length);
            Span = _rented.AsSpan(0, length);
        }

        // Not Span.Clear(): it can leave the vector registers' upper halves dirty, and the Math calls after it slow (see Zeroing).
        Zeroing.Clear(Span);
    }

    /// <summary>The storage: exactly the length asked for, zeroed at the start.</summary>
    public Span<T> Span { get; private set; }

    /// <summary>Returns a rented array to the pool, if one was needed.</summary>
    public void Dispose()
    {
        var rented = _rented;
        _rented = null;
        Span = default;
        if (rented is not null)
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }
}
