namespace Automation.Activities.Fhir.Sources;

/// <summary>Streams a file's lines as byte spans with their offsets, in 1 MiB reads.</summary>
internal static class LineScanner
{
    public delegate void LineHandler(long offset, ReadOnlySpan<byte> line);

    public static void Scan(string path, LineHandler handler)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var buffer = new byte[1 << 20];
        var filled = 0;
        long bufferStart = 0;
        while (true)
        {
            var read = stream.Read(buffer, filled, buffer.Length - filled);
            filled += read;
            var start = 0;
            for (var i = 0; i < filled; i++)
            {
                if (buffer[i] == (byte)'\n')
                {
                    Emit(buffer.AsSpan(start, i - start), bufferStart + start, handler);
                    start = i + 1;
                }
            }

            if (read == 0)
            {
                Emit(buffer.AsSpan(start, filled - start), bufferStart + start, handler);
                return;
            }

            // Keep the partial last line; grow the buffer when one line fills it.
            var rest = filled - start;
            if (start == 0 && rest == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }
            else
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, rest);
                bufferStart += start;
            }

            filled = rest;
        }
    }

    private static void Emit(ReadOnlySpan<byte> line, long offset, LineHandler handler)
    {
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        if (!line.IsWhiteSpace())
        {
            handler(offset, line);
        }
    }

    private static bool IsWhiteSpace(this ReadOnlySpan<byte> line)
    {
        foreach (var b in line)
        {
            if (b is not ((byte)' ' or (byte)'\t'))
            {
                return false;
            }
        }

        return true;
    }
}
