using System;
using System.Buffers;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace SymbolicDiff.Runtime;

/// <summary>
/// The stack of values a generated gradient saves in its forward sweep because the backward sweep needs
/// them after they were overwritten (a running maximum, a buffer rewritten for every row of a batch).
/// It starts in a buffer the caller provides (stack memory) and moves to an array rented from
/// <see cref="ArrayPool{T}.Shared"/> when that is full, so that the steady state allocates nothing.
/// </summary>
/// <remarks>
/// For generated code. Values come back last in, first out, exactly as the backward sweep revisits the
/// forward sweep's assignments. Call <see cref="Dispose"/> at the end to return a rented array; an array
/// not returned (after an exception) is simply collected.
/// </remarks>
/// <typeparam name="T">The real type of the gradient: <see cref="double"/> or <see cref="float"/>.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public ref struct SavedValues<T>
    where T : unmanaged
{
    private Span<T> _items;
    private T[]? _rented;
    private int _count;

    /// <summary>Starts an empty stack in <paramref name="initialBuffer"/> (typically <c>stackalloc T[128]</c>).</summary>
    /// <param name="initialBuffer">Storage used until it is full.</param>
    public SavedValues(Span<T> initialBuffer)
    {
        _items = initialBuffer;
        _rented = null;
        _count = 0;
    }

    /// <summary>The number of values saved and not yet taken back.</summary>
    public readonly int Count => _count;

    /// <summary>Saves <paramref name="value"/>.</summary>
    /// <param name="value">The value about to be overwritten.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(T value)
    {
        if (_count == _items.Length)
        {
            Grow();
        }

        _items[_count++] = value;
    }

    /// <summary>Takes back the value saved last.</summary>
    /// <returns>The value most recently pushed and not yet popped.</returns>
    /// <exception cref="InvalidOperationException">The stack is empty.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Pop()
    {
        if (_count == 0)
        {
            ThrowEmpty();
        }

        return _items[--_count];
    }

    /// <summary>Returns a rented array to the pool, if one was needed.</summary>
    public void Dispose()
    {
        var rented = _rented;
        this = default;
        if (rented is not null)
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    // Out of line, so that Push and Pop, called once per saved value in the generated loops, inline to a compare,
    // a store or load, and an increment.
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowEmpty() =>
        throw new InvalidOperationException("No saved value left: the backward sweep popped more values than the forward sweep saved.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow()
    {
        var larger = ArrayPool<T>.Shared.Rent(Math.Max(16, _items.Length * 2));
        _items.Slice(0, _count).CopyTo(larger);
        if (_rented is not null)
        {
            ArrayPool<T>.Shared.Return(_rented);
        }

        _rented = larger;
        _items = larger;
    }
}
