using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Automation.Activities.Fhir.Synthetic;

/// <summary>One in-memory NDJSON buffer per file for a range of patients; reused from range to range.</summary>
internal sealed class ChunkBuffers
{
    private static readonly JsonWriterOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private readonly ArrayBufferWriter<byte>[] buffers;
    private readonly Utf8JsonWriter[] writers;
    private readonly long[] counts;

    public ChunkBuffers()
    {
        var n = NdjsonFiles.All.Count;
        buffers = new ArrayBufferWriter<byte>[n];
        writers = new Utf8JsonWriter[n];
        counts = new long[n];
        for (var i = 0; i < n; i++)
        {
            buffers[i] = new ArrayBufferWriter<byte>(64 * 1024);
            writers[i] = new Utf8JsonWriter(buffers[i], Options);
        }
    }

    /// <summary>Lines written per file since the last <see cref="Clear"/>.</summary>
    public long Count(NdjsonFile file) => counts[(int)file];

    /// <summary>The bytes written for a file since the last <see cref="Clear"/>.</summary>
    public ReadOnlyMemory<byte> Written(NdjsonFile file) => buffers[(int)file].WrittenMemory;

    /// <summary>Starts a line: the writer to write exactly one JSON object with.</summary>
    public Utf8JsonWriter Begin(NdjsonFile file) => writers[(int)file];

    /// <summary>Ends the line begun with <see cref="Begin"/>.</summary>
    public void End(NdjsonFile file)
    {
        var i = (int)file;
        writers[i].Flush();
        writers[i].Reset(buffers[i]);
        var span = buffers[i].GetSpan(1);
        span[0] = (byte)'\n';
        buffers[i].Advance(1);
        counts[i]++;
    }

    /// <summary>Forgets what was written, keeping the memory.</summary>
    public void Clear()
    {
        for (var i = 0; i < buffers.Length; i++)
        {
            buffers[i].ResetWrittenCount();
            writers[i].Reset(buffers[i]);
            counts[i] = 0;
        }
    }
}
