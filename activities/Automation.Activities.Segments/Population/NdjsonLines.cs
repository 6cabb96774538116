namespace Automation.Activities.Segments.Population;

/// <summary>Streams a file's non-empty lines as memory slices of a reused 4 MiB buffer (valid until the callback returns).</summary>
internal static class NdjsonLines
{
    public static void Read(string path, Action<ReadOnlyMemory<byte>> handle, CancellationToken cancellationToken)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var buffer = new byte[4 << 20];
        var filled = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var read = stream.Read(buffer, filled, buffer.Length - filled);
            filled += read;
            var start = 0;
            var span = buffer.AsSpan(0, filled);
            while (true)
            {
                var newline = span[start..].IndexOf((byte)'\n');
                if (newline < 0)
                {
                    break;
                }

                Emit(buffer.AsMemory(start, newline), handle);
                start += newline + 1;
            }

            if (read == 0)
            {
                Emit(buffer.AsMemory(start, filled - start), handle);
                return;
            }

            var rest = filled - start;
            if (start == 0 && rest == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2); // one line longer than the buffer
            }
            else
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, rest);
            }

            filled = rest;
        }
    }

    private static void Emit(ReadOnlyMemory<byte> line, Action<ReadOnlyMemory<byte>> handle)
    {
        var span = line.Span;
        var length = span.Length;
        while (length > 0 && span[length - 1] is (byte)'\r' or (byte)' ' or (byte)'\t')
        {
            length--;
        }

        if (length > 0)
        {
            handle(line[..length]);
        }
    }
}
