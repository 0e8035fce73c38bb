using System;
using System.Buffers;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace SymbolicDiff.Runtime;

/// <summary>
/// The stack of values a generated gradient saves in its forward sweep because the backward sweep needs
/// them after they were overwritten (a running maximum, a buffer rewritten for every row of a batch).
/// It starts in a buffer the caller provides (stack memory) and goes on in arrays rented from
/// <see cref="ArrayPool{T}.Shared"/> when that is full, each twice as long as the one before, so that the
/// steady state allocates nothing.
/// </summary>
/// <remarks>
/// For generated code. Values come back last in, first out, exactly as the backward sweep revisits the
/// forward sweep's assignments. A full buffer is kept as it is and the next one is started (a segment),
/// rather than copied into a larger one: a sweep that saves n values writes each once and reads it once,
/// where copying on growth would move up to n more (the LSTM's 270,000 values a call, 2 MB, moved once
/// more at the last doubling). Segments emptied by <see cref="Pop()"/> stay rented until <see cref="Dispose"/>,
/// so that pushing and popping across a segment's edge does not rent again. Call <see cref="Dispose"/> at the
/// end to return the rented arrays; arrays not returned (after an exception) are simply collected.
/// </remarks>
/// <typeparam name="T">The real type of the gradient: <see cref="double"/> or <see cref="float"/>.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public ref partial struct SavedValues<T>
    where T : unmanaged
{
    // Segment 0 is the caller's buffer; segment k ≥ 1 is _rented[k - 1]. Every segment below the current one is full.
    private readonly Span<T> _initial;
    private Span<T> _items;
    private T[]?[]? _rented;
    private int _segment;
    private int _count;
    private int _below;

    /// <summary>Starts an empty stack in <paramref name="initialBuffer"/> (typically <c>stackalloc T[128]</c>).</summary>
    /// <param name="initialBuffer">Storage used until it is full.</param>
    public SavedValues(Span<T> initialBuffer)
    {
        _initial = initialBuffer;
        _items = initialBuffer;
        _rented = null;
        _segment = 0;
        _count = 0;
        _below = 0;
    }

    /// <summary>The number of values saved and not yet taken back.</summary>
    public readonly int Count => _below + _count;

    /// <summary>Saves <paramref name="value"/>.</summary>
    /// <param name="value">The value about to be overwritten.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(T value)
    {
        if (_count == _items.Length)
        {
            NextSegment();
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
            PreviousSegment();
        }

        return _items[--_count];
    }

    /// <summary>
    /// Saves every element of <paramref name="values"/>, first to last, as that many calls of <see cref="Push(T)"/> would:
    /// a buffer's state at a checkpoint, copied in blocks rather than element by element.
    /// </summary>
    /// <param name="values">The values about to be overwritten.</param>
    public void Push(ReadOnlySpan<T> values)
    {
        while (values.Length > 0)
        {
            if (_count == _items.Length)
            {
                NextSegment();
            }

            int taken = Math.Min(values.Length, _items.Length - _count);
            values.Slice(0, taken).CopyTo(_items.Slice(_count));
            _count += taken;
            values = values.Slice(taken);
        }
    }

    /// <summary>
    /// Takes back the last <c>destination.Length</c> values saved, into <paramref name="destination"/> in the order they
    /// were pushed: the counterpart of <see cref="Push(ReadOnlySpan{T})"/>, and the same as filling
    /// <paramref name="destination"/> from its last element to its first with <see cref="Pop()"/>.
    /// </summary>
    /// <param name="destination">Where the values go: element k receives the k-th of the last <c>destination.Length</c> values pushed.</param>
    /// <exception cref="InvalidOperationException">Fewer values are saved than <paramref name="destination"/> holds.</exception>
    public void Pop(Span<T> destination)
    {
        int remaining = destination.Length;
        if (remaining > Count)
        {
            ThrowEmpty(); // before taking any: a failed pop leaves the stack as it was
        }

        while (remaining > 0)
        {
            if (_count == 0)
            {
                PreviousSegment();
            }

            int taken = Math.Min(remaining, _count);
            _items.Slice(_count - taken, taken).CopyTo(destination.Slice(remaining - taken));
            _count -= taken;
            remaining -= taken;
        }
    }

    /// <summary>Returns the rented arrays to the pool, if any were needed.</summary>
    public void Dispose()
    {
        var rented = _rented;
        this = default;
        if (rented is null)
        {
            return;
        }

        foreach (var segment in rented)
        {
            if (segment is not null)
            {
                ArrayPool<T>.Shared.Return(segment);
            }
        }

        ArrayPool<T[]?>.Shared.Return(rented, clearArray: true);
    }

    // Out of line, so that Push and Pop, called once per saved value in the generated loops, inline to a compare,
    // a store or load, and an increment.
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowEmpty() =>
        throw new InvalidOperationException("No saved value left: the backward sweep popped more values than the forward sweep saved.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void NextSegment()
    {
        // 32 segments, each at least twice the one before from 16 on, hold more values than an array can.
        _rented ??= ArrayPool<T[]?>.Shared.Rent(32);
        var next = _rented[_segment] ??= ArrayPool<T>.Shared.Rent(Math.Max(16, _items.Length * 2));
        _below += _count;
        _segment++;
        _items = next;
        _count = 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PreviousSegment()
    {
        if (_segment == 0)
        {
            ThrowEmpty();
        }

        _segment--;
        _items = _segment == 0 ? _initial : _rented![_segment - 1];
        _count = _items.Length;
        _below -= _count;
        if (_count == 0)
        {
            ThrowEmpty(); // an empty buffer from the caller, and nothing in it
        }
    }
}
