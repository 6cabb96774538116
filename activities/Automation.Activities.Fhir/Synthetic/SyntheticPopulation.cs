namespace Automation.Activities.Fhir.Synthetic;

/// <summary>Generates a deterministic synthetic patient population as FHIR Bulk Data NDJSON (one file per resource type)
/// plus <c>Engagement.ndjson</c>; see the README section "Synthetic population" for the mixes and formats.</summary>
/// <remarks>Memory is bounded: patients are generated in fixed-size chunks on all cores into reused buffers, and the
/// chunks are appended to the files in patient order while the next batch is generated. The output depends only on the
/// options, never on the number of cores.</remarks>
public sealed class SyntheticPopulation
{
    private const int ChunkSize = 1000;

    /// <summary>Writes the population into <see cref="SyntheticOptions.OutputDirectory"/>, replacing existing files.</summary>
    /// <param name="options">What to generate.</param>
    /// <param name="ct">Cancels the run (partial files remain).</param>
    /// <returns>The number of lines written per file.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The patient count is not positive.</exception>
    public async Task<SyntheticSummary> WriteAsync(SyntheticOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.PatientCount);
        var idWidth = Math.Max(7, options.PatientCount.ToString(System.Globalization.CultureInfo.InvariantCulture).Length);
        var generator = new PatientGenerator(options.Seed, idWidth, options.Today.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
        var workers = Math.Max(1, Environment.ProcessorCount);
        var batchChunks = workers * 2;
        var current = NewBuffers(batchChunks);
        var spare = NewBuffers(batchChunks);
        var files = new NdjsonFileSet(options.OutputDirectory);
        await using (files.ConfigureAwait(false))
        {
            var pending = Task.CompletedTask;
            for (long first = 1; first <= options.PatientCount; first += (long)ChunkSize * batchChunks)
            {
                var batchFirst = first;
                var used = (int)Math.Min(batchChunks, ((options.PatientCount - first) / ChunkSize) + 1);
                await Task.Run(
                    () => Parallel.For(0, used, new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = workers }, c =>
                    {
                        var buffers = current[c];
                        buffers.Clear();
                        var from = batchFirst + ((long)c * ChunkSize);
                        var to = Math.Min(options.PatientCount, from + ChunkSize - 1);
                        for (var index = from; index <= to; index++)
                        {
                            generator.Generate(buffers, index);
                        }
                    }),
                    ct).ConfigureAwait(false);
                await pending.ConfigureAwait(false);
                var toWrite = current;
                pending = Task.Run(() => files.Append(toWrite, used), ct);
                (current, spare) = (spare, current);
            }

            await pending.ConfigureAwait(false);
        }

        return files.Summary();
    }

    private static ChunkBuffers[] NewBuffers(int count) => Enumerable.Range(0, count).Select(_ => new ChunkBuffers()).ToArray();
}
