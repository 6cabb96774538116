namespace Automation.Activities.Fhir.Synthetic;

/// <summary>The open output files, one buffered stream per <see cref="NdjsonFile"/>; appends chunks in order.</summary>
internal sealed class NdjsonFileSet : IAsyncDisposable
{
    private readonly FileStream[] streams;
    private readonly long[] counts;

    public NdjsonFileSet(string directory)
    {
        Directory.CreateDirectory(directory);
        streams = NdjsonFiles.All
            .Select(f => new FileStream(Path.Combine(directory, NdjsonFiles.FileName(f)), FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20))
            .ToArray();
        counts = new long[streams.Length];
    }

    /// <summary>Appends the first <paramref name="used"/> chunks, file by file, chunk by chunk.</summary>
    public void Append(ChunkBuffers[] chunks, int used)
    {
        foreach (var file in NdjsonFiles.All)
        {
            for (var c = 0; c < used; c++)
            {
                streams[(int)file].Write(chunks[c].Written(file).Span);
                counts[(int)file] += chunks[c].Count(file);
            }
        }
    }

    public SyntheticSummary Summary() =>
        new(NdjsonFiles.All.Select(f => KeyValuePair.Create(NdjsonFiles.FileName(f), counts[(int)f])).ToArray());

    public async ValueTask DisposeAsync()
    {
        foreach (var stream in streams)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }
}
