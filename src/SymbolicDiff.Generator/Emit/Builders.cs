using System;
using System.Text;

namespace SymbolicDiff.Generator.Emit;

/// <summary>
/// Reusable <see cref="StringBuilder"/>s, a few per thread, for the short texts Emit builds by the thousand (each
/// expression, each comment, each comment's quoted expressions): a new builder each time was a good part of what
/// emitting a method allocated. Taken and handed back like a stack, so the printers may call each other freely.
/// </summary>
internal static class Builders
{
    // Larger builders are not kept: one long expression must not pin its memory for the rest of the run.
    private const int MaxKeptCapacity = 4096;
    private const int Kept = 4;

    [ThreadStatic]
    private static StringBuilder?[]? _kept;

    [ThreadStatic]
    private static int _count;

    public static StringBuilder Acquire()
    {
        var kept = _kept;
        if (kept is null || _count == 0)
        {
            return new StringBuilder(256);
        }

        var builder = kept[--_count]!;
        kept[_count] = null;
        return builder.Clear();
    }

    // One file's builder per thread, up to this size (a few generated files of the largest methods).
    private const int MaxKeptFileCapacity = 1 << 20;

    [ThreadStatic]
    private static StringBuilder? _file;

    /// <summary>A builder for a whole generated file: the one this thread used last, cleared, or a new one.</summary>
    public static StringBuilder AcquireFile()
    {
        var builder = _file;
        _file = null;
        return builder?.Clear() ?? new StringBuilder(8192);
    }

    /// <summary>Hands a file's builder back once its text has been taken.</summary>
    public static void ReleaseFile(StringBuilder builder)
    {
        if (builder.Capacity <= MaxKeptFileCapacity)
        {
            _file = builder;
        }
    }

    /// <summary>The text built, with <paramref name="builder"/> handed back for the next use.</summary>
    public static string Release(StringBuilder builder)
    {
        string text = builder.ToString();
        var kept = _kept ??= new StringBuilder?[Kept];
        if (builder.Capacity <= MaxKeptCapacity && _count < kept.Length)
        {
            kept[_count++] = builder;
        }

        return text;
    }
}
