using System.Runtime.CompilerServices;

namespace SymbolicDiff.Runtime;

// A run of saves and a run of restores as one call each: the pushes of one loop iteration's values
// (saved.Push(forget, ingate, outgate, tanh);) and the pops that declare them again in the backward iteration
// (saved.Pop(out double forget, out double ingate, out double outgate, out double tanh);). One room check per run
// instead of one per value, and stores or loads at constant offsets. Each does exactly what as many calls of
// Push(T) or Pop() would: the values go on the stack first to last, and come back last to first, so the
// first out parameter receives the first value of the run. Where the current segment has no room for the whole
// run, the values go one at a time, across the segment's edge, as single calls would put them. A push's single
// calls are out of line, so that a generated loop holds only the check and the stores; a pop's stay inline, since
// passing its out locals to a call would keep them in memory on the fast path too (measured: 1.5 % of the LSTM's
// gradient).
public ref partial struct SavedValues<T>
{
    /// <summary>Saves 2 values, first to last, as 2 calls of <see cref="Push(T)"/> would.</summary>
    /// <param name="a">The first value saved.</param>
    /// <param name="b">The second value saved.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(T a, T b)
    {
        int count = _count;
        if (_items.Length - count >= 2)
        {
            var run = _items.Slice(count, 2);
            run[0] = a; run[1] = b;
            _count = count + 2;
            return;
        }

        PushOneByOne(a, b);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PushOneByOne(T a, T b)
    {
        Push(a); Push(b);
    }

    /// <summary>Saves 3 values, first to last, as 3 calls of <see cref="Push(T)"/> would.</summary>
    /// <param name="a">The first value saved.</param>
    /// <param name="b">The second value saved.</param>
    /// <param name="c">The third value saved.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(T a, T b, T c)
    {
        int count = _count;
        if (_items.Length - count >= 3)
        {
            var run = _items.Slice(count, 3);
            run[0] = a; run[1] = b; run[2] = c;
            _count = count + 3;
            return;
        }

        PushOneByOne(a, b, c);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PushOneByOne(T a, T b, T c)
    {
        Push(a); Push(b); Push(c);
    }

    /// <summary>Saves 4 values, first to last, as 4 calls of <see cref="Push(T)"/> would.</summary>
    /// <param name="a">The first value saved.</param>
    /// <param name="b">The second value saved.</param>
    /// <param name="c">The third value saved.</param>
    /// <param name="d">The fourth value saved.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(T a, T b, T c, T d)
    {
        int count = _count;
        if (_items.Length - count >= 4)
        {
            var run = _items.Slice(count, 4);
            run[0] = a; run[1] = b; run[2] = c; run[3] = d;
            _count = count + 4;
            return;
        }

        PushOneByOne(a, b, c, d);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PushOneByOne(T a, T b, T c, T d)
    {
        Push(a); Push(b); Push(c); Push(d);
    }

    /// <summary>Saves 5 values, first to last, as 5 calls of <see cref="Push(T)"/> would.</summary>
    /// <param name="a">The first value saved.</param>
    /// <param name="b">The second value saved.</param>
    /// <param name="c">The third value saved.</param>
    /// <param name="d">The fourth value saved.</param>
    /// <param name="e">The fifth value saved.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(T a, T b, T c, T d, T e)
    {
        int count = _count;
        if (_items.Length - count >= 5)
        {
            var run = _items.Slice(count, 5);
            run[0] = a; run[1] = b; run[2] = c; run[3] = d; run[4] = e;
            _count = count + 5;
            return;
        }

        PushOneByOne(a, b, c, d, e);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PushOneByOne(T a, T b, T c, T d, T e)
    {
        Push(a); Push(b); Push(c); Push(d); Push(e);
    }

    /// <summary>Saves 6 values, first to last, as 6 calls of <see cref="Push(T)"/> would.</summary>
    /// <param name="a">The first value saved.</param>
    /// <param name="b">The second value saved.</param>
    /// <param name="c">The third value saved.</param>
    /// <param name="d">The fourth value saved.</param>
    /// <param name="e">The fifth value saved.</param>
    /// <param name="f">The sixth value saved.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(T a, T b, T c, T d, T e, T f)
    {
        int count = _count;
        if (_items.Length - count >= 6)
        {
            var run = _items.Slice(count, 6);
            run[0] = a; run[1] = b; run[2] = c; run[3] = d; run[4] = e; run[5] = f;
            _count = count + 6;
            return;
        }

        PushOneByOne(a, b, c, d, e, f);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PushOneByOne(T a, T b, T c, T d, T e, T f)
    {
        Push(a); Push(b); Push(c); Push(d); Push(e); Push(f);
    }

    /// <summary>Saves 7 values, first to last, as 7 calls of <see cref="Push(T)"/> would.</summary>
    /// <param name="a">The first value saved.</param>
    /// <param name="b">The second value saved.</param>
    /// <param name="c">The third value saved.</param>
    /// <param name="d">The fourth value saved.</param>
    /// <param name="e">The fifth value saved.</param>
    /// <param name="f">The sixth value saved.</param>
    /// <param name="g">The seventh value saved.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(T a, T b, T c, T d, T e, T f, T g)
    {
        int count = _count;
        if (_items.Length - count >= 7)
        {
            var run = _items.Slice(count, 7);
            run[0] = a; run[1] = b; run[2] = c; run[3] = d; run[4] = e; run[5] = f; run[6] = g;
            _count = count + 7;
            return;
        }

        PushOneByOne(a, b, c, d, e, f, g);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PushOneByOne(T a, T b, T c, T d, T e, T f, T g)
    {
        Push(a); Push(b); Push(c); Push(d); Push(e); Push(f); Push(g);
    }

    /// <summary>Saves 8 values, first to last, as 8 calls of <see cref="Push(T)"/> would.</summary>
    /// <param name="a">The first value saved.</param>
    /// <param name="b">The second value saved.</param>
    /// <param name="c">The third value saved.</param>
    /// <param name="d">The fourth value saved.</param>
    /// <param name="e">The fifth value saved.</param>
    /// <param name="f">The sixth value saved.</param>
    /// <param name="g">The seventh value saved.</param>
    /// <param name="h">The eighth value saved.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(T a, T b, T c, T d, T e, T f, T g, T h)
    {
        int count = _count;
        if (_items.Length - count >= 8)
        {
            var run = _items.Slice(count, 8);
            run[0] = a; run[1] = b; run[2] = c; run[3] = d; run[4] = e; run[5] = f; run[6] = g; run[7] = h;
            _count = count + 8;
            return;
        }

        PushOneByOne(a, b, c, d, e, f, g, h);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PushOneByOne(T a, T b, T c, T d, T e, T f, T g, T h)
    {
        Push(a); Push(b); Push(c); Push(d); Push(e); Push(f); Push(g); Push(h);
    }

    /// <summary>
    /// Takes back the last 2 values saved, in the order they were saved: the counterpart of <see cref="Push(T, T)"/>,
    /// and the same as 2 calls of <see cref="Pop()"/> into <paramref name="b"/> first and <paramref name="a"/> last.
    /// </summary>
    /// <param name="a">Receives the first of the last 2 values saved.</param>
    /// <param name="b">Receives the second of the last 2 values saved.</param>
    /// <exception cref="System.InvalidOperationException">Fewer than 2 values are saved.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Pop(out T a, out T b)
    {
        int start = _count - 2;
        if (start >= 0)
        {
            var run = _items.Slice(start, 2);
            a = run[0]; b = run[1];
            _count = start;
            return;
        }

        b = Pop(); a = Pop();
    }

    /// <summary>
    /// Takes back the last 3 values saved, in the order they were saved: the counterpart of <see cref="Push(T, T, T)"/>,
    /// and the same as 3 calls of <see cref="Pop()"/> into <paramref name="c"/> first and <paramref name="a"/> last.
    /// </summary>
    /// <param name="a">Receives the first of the last 3 values saved.</param>
    /// <param name="b">Receives the second of the last 3 values saved.</param>
    /// <param name="c">Receives the third of the last 3 values saved.</param>
    /// <exception cref="System.InvalidOperationException">Fewer than 3 values are saved.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Pop(out T a, out T b, out T c)
    {
        int start = _count - 3;
        if (start >= 0)
        {
            var run = _items.Slice(start, 3);
            a = run[0]; b = run[1]; c = run[2];
            _count = start;
            return;
        }

        c = Pop(); b = Pop(); a = Pop();
    }

    /// <summary>
    /// Takes back the last 4 values saved, in the order they were saved: the counterpart of <see cref="Push(T, T, T, T)"/>,
    /// and the same as 4 calls of <see cref="Pop()"/> into <paramref name="d"/> first and <paramref name="a"/> last.
    /// </summary>
    /// <param name="a">Receives the first of the last 4 values saved.</param>
    /// <param name="b">Receives the second of the last 4 values saved.</param>
    /// <param name="c">Receives the third of the last 4 values saved.</param>
    /// <param name="d">Receives the fourth of the last 4 values saved.</param>
    /// <exception cref="System.InvalidOperationException">Fewer than 4 values are saved.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Pop(out T a, out T b, out T c, out T d)
    {
        int start = _count - 4;
        if (start >= 0)
        {
            var run = _items.Slice(start, 4);
            a = run[0]; b = run[1]; c = run[2]; d = run[3];
            _count = start;
            return;
        }

        d = Pop(); c = Pop(); b = Pop(); a = Pop();
    }

    /// <summary>
    /// Takes back the last 5 values saved, in the order they were saved: the counterpart of <see cref="Push(T, T, T, T, T)"/>,
    /// and the same as 5 calls of <see cref="Pop()"/> into <paramref name="e"/> first and <paramref name="a"/> last.
    /// </summary>
    /// <param name="a">Receives the first of the last 5 values saved.</param>
    /// <param name="b">Receives the second of the last 5 values saved.</param>
    /// <param name="c">Receives the third of the last 5 values saved.</param>
    /// <param name="d">Receives the fourth of the last 5 values saved.</param>
    /// <param name="e">Receives the fifth of the last 5 values saved.</param>
    /// <exception cref="System.InvalidOperationException">Fewer than 5 values are saved.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Pop(out T a, out T b, out T c, out T d, out T e)
    {
        int start = _count - 5;
        if (start >= 0)
        {
            var run = _items.Slice(start, 5);
            a = run[0]; b = run[1]; c = run[2]; d = run[3]; e = run[4];
            _count = start;
            return;
        }

        e = Pop(); d = Pop(); c = Pop(); b = Pop(); a = Pop();
    }

    /// <summary>
    /// Takes back the last 6 values saved, in the order they were saved: the counterpart of <see cref="Push(T, T, T, T, T, T)"/>,
    /// and the same as 6 calls of <see cref="Pop()"/> into <paramref name="f"/> first and <paramref name="a"/> last.
    /// </summary>
    /// <param name="a">Receives the first of the last 6 values saved.</param>
    /// <param name="b">Receives the second of the last 6 values saved.</param>
    /// <param name="c">Receives the third of the last 6 values saved.</param>
    /// <param name="d">Receives the fourth of the last 6 values saved.</param>
    /// <param name="e">Receives the fifth of the last 6 values saved.</param>
    /// <param name="f">Receives the sixth of the last 6 values saved.</param>
    /// <exception cref="System.InvalidOperationException">Fewer than 6 values are saved.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Pop(out T a, out T b, out T c, out T d, out T e, out T f)
    {
        int start = _count - 6;
        if (start >= 0)
        {
            var run = _items.Slice(start, 6);
            a = run[0]; b = run[1]; c = run[2]; d = run[3]; e = run[4]; f = run[5];
            _count = start;
            return;
        }

        f = Pop(); e = Pop(); d = Pop(); c = Pop(); b = Pop(); a = Pop();
    }

    /// <summary>
    /// Takes back the last 7 values saved, in the order they were saved: the counterpart of <see cref="Push(T, T, T, T, T, T, T)"/>,
    /// and the same as 7 calls of <see cref="Pop()"/> into <paramref name="g"/> first and <paramref name="a"/> last.
    /// </summary>
    /// <param name="a">Receives the first of the last 7 values saved.</param>
    /// <param name="b">Receives the second of the last 7 values saved.</param>
    /// <param name="c">Receives the third of the last 7 values saved.</param>
    /// <param name="d">Receives the fourth of the last 7 values saved.</param>
    /// <param name="e">Receives the fifth of the last 7 values saved.</param>
    /// <param name="f">Receives the sixth of the last 7 values saved.</param>
    /// <param name="g">Receives the seventh of the last 7 values saved.</param>
    /// <exception cref="System.InvalidOperationException">Fewer than 7 values are saved.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Pop(out T a, out T b, out T c, out T d, out T e, out T f, out T g)
    {
        int start = _count - 7;
        if (start >= 0)
        {
            var run = _items.Slice(start, 7);
            a = run[0]; b = run[1]; c = run[2]; d = run[3]; e = run[4]; f = run[5]; g = run[6];
            _count = start;
            return;
        }

        g = Pop(); f = Pop(); e = Pop(); d = Pop(); c = Pop(); b = Pop(); a = Pop();
    }

    /// <summary>
    /// Takes back the last 8 values saved, in the order they were saved: the counterpart of <see cref="Push(T, T, T, T, T, T, T, T)"/>,
    /// and the same as 8 calls of <see cref="Pop()"/> into <paramref name="h"/> first and <paramref name="a"/> last.
    /// </summary>
    /// <param name="a">Receives the first of the last 8 values saved.</param>
    /// <param name="b">Receives the second of the last 8 values saved.</param>
    /// <param name="c">Receives the third of the last 8 values saved.</param>
    /// <param name="d">Receives the fourth of the last 8 values saved.</param>
    /// <param name="e">Receives the fifth of the last 8 values saved.</param>
    /// <param name="f">Receives the sixth of the last 8 values saved.</param>
    /// <param name="g">Receives the seventh of the last 8 values saved.</param>
    /// <param name="h">Receives the eighth of the last 8 values saved.</param>
    /// <exception cref="System.InvalidOperationException">Fewer than 8 values are saved.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Pop(out T a, out T b, out T c, out T d, out T e, out T f, out T g, out T h)
    {
        int start = _count - 8;
        if (start >= 0)
        {
            var run = _items.Slice(start, 8);
            a = run[0]; b = run[1]; c = run[2]; d = run[3]; e = run[4]; f = run[5]; g = run[6]; h = run[7];
            _count = start;
            return;
        }

        h = Pop(); g = Pop(); f = Pop(); e = Pop(); d = Pop(); c = Pop(); b = Pop(); a = Pop();
    }
}
