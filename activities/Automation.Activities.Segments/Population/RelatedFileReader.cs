using System.Text.Json;

using Automation.Activities.Segments.Facts;

namespace Automation.Activities.Segments.Population;

/// <summary>Reads one NDJSON resource file into one kind of fact. Each reader writes a different field of
/// <see cref="PatientFacts"/>, so files can be read in parallel.</summary>
internal abstract class RelatedFileReader(string fileName)
{
    public string FileName { get; } = fileName;

    public void Read(string path, PatientFacts[] patients, Dictionary<string, int> byId, CancellationToken cancellationToken)
    {
        var resolver = new PatientResolver(byId);
        var values = new Utf8Values();
        var sink = CreateSink(patients);
        NdjsonLines.Read(path, line =>
        {
            using var document = JsonDocument.Parse(line);
            ReadLine(document.RootElement, resolver, values, sink);
        }, cancellationToken);
        sink.Flush();
    }

    protected abstract ISink CreateSink(PatientFacts[] patients);

    protected abstract void ReadLine(JsonElement root, PatientResolver resolver, Utf8Values values, ISink sink);

    protected static JsonElement? FirstCoding(JsonElement root, string concept) =>
        root.TryGetProperty(concept, out var c) && c.ValueKind == JsonValueKind.Object && c.TryGetProperty("coding", out var codings) && codings.ValueKind == JsonValueKind.Array && codings.GetArrayLength() > 0
            ? codings[0]
            : null;

    protected static bool TextEquals(JsonElement root, string property, ReadOnlySpan<byte> value) =>
        root.TryGetProperty(property, out var element) && element.ValueKind == JsonValueKind.String && element.ValueEquals(value);

    protected interface ISink
    {
        void Flush();
    }

    protected sealed class Sink<T>(FactAccumulator<T> accumulator) : ISink
        where T : struct
    {
        public FactAccumulator<T> Accumulator { get; } = accumulator;

        public void Flush() => Accumulator.Flush();
    }
}
