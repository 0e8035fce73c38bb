using System.Reflection;

namespace SymbolicDiff.Tests.Samples;

/// <summary>
/// Runs a sample as `dotnet run` would: its entry point, with its data file copied beside it, and the process-wide
/// Console redirected (so callers belong to <see cref="ConsoleCollection"/>).
/// </summary>
internal static class SampleRunner
{
    public static (int ExitCode, string Output, string Error) Run(Assembly sample, params string[] args)
    {
        var entryPoint = sample.EntryPoint ?? throw new InvalidOperationException($"{sample.GetName().Name} has no entry point");
        var (originalOut, originalError) = (Console.Out, Console.Error);
        var (output, error) = (new StringWriter(), new StringWriter());
        try
        {
            Console.SetOut(output);
            Console.SetError(error);
            object? result = entryPoint.Invoke(null, new object[] { args });
            return (result is int code ? code : 0, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
        }
    }

    /// <summary>Asserts that <paramref name="path"/> is a PNG of the given size with real content, not an empty canvas.</summary>
    public static void AssertPng(string path, int width, int height)
    {
        Assert.True(File.Exists(path), $"no file at {path}");
        byte[] bytes = File.ReadAllBytes(path);
        byte[] signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        Assert.True(bytes.Length > 33 && bytes.AsSpan(0, 8).SequenceEqual(signature), $"{path} does not start with the PNG signature");
        // The first chunk is IHDR: width and height, big-endian, at bytes 16 and 20.
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        Assert.Equal(width, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        Assert.Equal(height, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
        // Axes, labels and curves compress to well over 10 KB at this size; a blank canvas is a few hundred bytes.
        Assert.True(bytes.Length > 10_000, $"{path} is only {bytes.Length} bytes");
    }

    /// <summary>Asserts that <paramref name="path"/> is a baseline or progressive JPEG of the given size with real content.</summary>
    public static void AssertJpeg(string path, int width, int height)
    {
        Assert.True(File.Exists(path), $"no file at {path}");
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 4 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF, $"{path} does not start with the JPEG SOI marker");
        Assert.True(bytes[^2] == 0xFF && bytes[^1] == 0xD9, $"{path} does not end with the JPEG EOI marker");

        // Walk the marker segments (each FF xx, then a big-endian length that counts itself) to the frame
        // header, SOF0..SOF2: precision, then height and width, big-endian.
        int i = 2;
        while (true)
        {
            Assert.True(i + 9 < bytes.Length && bytes[i] == 0xFF, $"{path}: no frame header before byte {i}");
            byte marker = bytes[i + 1];
            int length = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(i + 2));
            if (marker is 0xC0 or 0xC1 or 0xC2)
            {
                Assert.Equal(height, System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(i + 5)));
                Assert.Equal(width, System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(i + 7)));
                break;
            }

            i += 2 + length;
        }

        Assert.True(bytes.Length > 10_000, $"{path} is only {bytes.Length} bytes");
    }
}
