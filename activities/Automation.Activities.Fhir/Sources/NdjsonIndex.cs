using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace Automation.Activities.Fhir.Sources;

/// <summary>
/// Where every resource of an NDJSON directory is, in compact form, so a million patients fit in a few hundred
/// megabytes: a line is one packed 64-bit location (file, offset, length); a patient's lines are a slice of one array
/// sorted by patient (compressed-row layout), and appointments are found by a 64-bit hash of their id (checked against
/// the resource read). Resources of patients not in <c>Patient.ndjson</c> are not indexed.
/// </summary>
internal sealed class NdjsonIndex : IDisposable
{
    private const int FileBits = 4;
    private const int LengthBits = 24;
    private const int OffsetBits = 64 - FileBits - LengthBits;

    private readonly Dictionary<string, int> patientOrdinals;
    private readonly string[] patientIds;
    private readonly ulong[] patientLines;
    private readonly int[] relatedStarts;
    private readonly ulong[] relatedLines;
    private readonly int[] engagementStarts;
    private readonly ulong[] engagementLines;
    private readonly Dictionary<ulong, ulong> appointmentsByIdHash;

    private NdjsonIndex(Builder builder)
    {
        Paths = builder.Paths;
        FileTypes = builder.FileTypes;
        Handles = builder.Handles;
        Files = builder.Files;
        patientOrdinals = builder.PatientOrdinals;
        patientIds = [.. builder.PatientIds];
        patientLines = [.. builder.PatientLines];
        (relatedStarts, relatedLines) = builder.Related.ToRows(patientIds.Length);
        (engagementStarts, engagementLines) = builder.Engagement.ToRows(patientIds.Length);
        appointmentsByIdHash = builder.AppointmentsByIdHash;
    }

    /// <summary>The files, by file number.</summary>
    public List<string> Paths { get; }

    /// <summary>The resource type of each file (<c>Engagement</c> for our behavioural events).</summary>
    public List<string> FileTypes { get; }

    /// <summary>Open read handles, by file number.</summary>
    public List<SafeFileHandle> Handles { get; }

    /// <summary>File numbers by resource type.</summary>
    public Dictionary<string, byte> Files { get; }

    /// <summary>Patients, in file order.</summary>
    public IReadOnlyList<string> PatientIds => patientIds;

    /// <summary>Indexes a directory (one pass over every file).</summary>
    /// <param name="directory">The NDJSON directory.</param>
    /// <param name="relatedTypes">The resource types that belong to a patient.</param>
    /// <param name="keys">Reads a line's id and patient id.</param>
    /// <returns>The index.</returns>
    public static NdjsonIndex Build(string directory, IReadOnlyList<string> relatedTypes, Func<ReadOnlySpan<byte>, string, (string? Id, string? Patient)> keys)
    {
        var builder = new Builder();
        var patientFile = Path.Combine(directory, "Patient.ndjson");
        if (File.Exists(patientFile))
        {
            var file = builder.Open(patientFile, "Patient");
            LineScanner.Scan(patientFile, (offset, line) =>
            {
                if (keys(line, "Patient").Id is { } id && !builder.PatientOrdinals.ContainsKey(id))
                {
                    builder.PatientOrdinals[id] = builder.PatientIds.Count;
                    builder.PatientIds.Add(id);
                    builder.PatientLines.Add(Pack(file, offset, line.Length));
                }
            });
        }

        foreach (var type in relatedTypes)
        {
            var path = Path.Combine(directory, type + ".ndjson");
            if (!File.Exists(path))
            {
                continue;
            }

            var file = builder.Open(path, type);
            LineScanner.Scan(path, (offset, line) =>
            {
                var (id, patient) = keys(line, type);
                var packed = Pack(file, offset, line.Length);
                if (type == "Appointment" && id is not null)
                {
                    builder.AppointmentsByIdHash.TryAdd(HashOf(id), packed);
                }

                if (patient is not null && builder.PatientOrdinals.TryGetValue(patient, out var ordinal))
                {
                    builder.Related.Add(ordinal, packed);
                }
            });
        }

        var engagement = Path.Combine(directory, "Engagement.ndjson");
        if (File.Exists(engagement))
        {
            var file = builder.Open(engagement, "Engagement");
            LineScanner.Scan(engagement, (offset, line) =>
            {
                if (EngagementPatient(line) is { } patient && builder.PatientOrdinals.TryGetValue(patient, out var ordinal))
                {
                    builder.Engagement.Add(ordinal, Pack(file, offset, line.Length));
                }
            });
        }

        return new NdjsonIndex(builder);
    }

    /// <summary>The location of a patient's own resource.</summary>
    public bool TryGetPatient(string patientId, out ulong line)
    {
        if (patientOrdinals.TryGetValue(patientId, out var ordinal))
        {
            line = patientLines[ordinal];
            return true;
        }

        line = 0;
        return false;
    }

    /// <summary>The locations of a patient's other resources, in file order per type.</summary>
    public ReadOnlySpan<ulong> Related(string patientId) =>
        patientOrdinals.TryGetValue(patientId, out var ordinal) ? relatedLines.AsSpan(relatedStarts[ordinal], relatedStarts[ordinal + 1] - relatedStarts[ordinal]) : [];

    /// <summary>The locations of a patient's engagement events.</summary>
    public ReadOnlySpan<ulong> Engagement(string patientId) =>
        patientOrdinals.TryGetValue(patientId, out var ordinal) ? engagementLines.AsSpan(engagementStarts[ordinal], engagementStarts[ordinal + 1] - engagementStarts[ordinal]) : [];

    /// <summary>The location of the appointment whose id hashes like <paramref name="id"/> (the caller checks the id).</summary>
    public bool TryGetAppointment(string id, out ulong line) => appointmentsByIdHash.TryGetValue(HashOf(id), out line);

    /// <summary>The file number of a packed location.</summary>
    public static int FileOf(ulong line) => (int)(line >> (OffsetBits + LengthBits));

    private static long OffsetOf(ulong line) => (long)((line >> LengthBits) & ((1UL << OffsetBits) - 1));

    private static int LengthOf(ulong line) => (int)(line & ((1UL << LengthBits) - 1));

    /// <summary>Reads the line at a packed location.</summary>
    public byte[] Read(ulong line)
    {
        var buffer = new byte[LengthOf(line)];
        RandomAccess.Read(Handles[FileOf(line)], buffer, OffsetOf(line));
        return buffer;
    }

    /// <summary>Reads the lines at several packed locations, in order. Lines that follow one another in a file (a
    /// patient's resources of one type usually do) are read with one system call.</summary>
    /// <param name="lines">The locations.</param>
    /// <returns>Each line's bytes.</returns>
    public List<ReadOnlyMemory<byte>> ReadMany(ReadOnlySpan<ulong> lines)
    {
        var result = new List<ReadOnlyMemory<byte>>(lines.Length);
        for (var first = 0; first < lines.Length;)
        {
            // A run: same file, each line starting within a line terminator's reach of the previous one's end.
            var last = first;
            while (last + 1 < lines.Length && FileOf(lines[last + 1]) == FileOf(lines[first])
                   && OffsetOf(lines[last + 1]) - (OffsetOf(lines[last]) + LengthOf(lines[last])) is >= 0 and <= 2)
            {
                last++;
            }

            var start = OffsetOf(lines[first]);
            var buffer = new byte[OffsetOf(lines[last]) + LengthOf(lines[last]) - start];
            RandomAccess.Read(Handles[FileOf(lines[first])], buffer, start);
            for (var i = first; i <= last; i++)
            {
                result.Add(buffer.AsMemory((int)(OffsetOf(lines[i]) - start), LengthOf(lines[i])));
            }

            first = last + 1;
        }

        return result;
    }

    /// <summary>Closes the files.</summary>
    public void Dispose()
    {
        foreach (var handle in Handles)
        {
            handle.Dispose();
        }
    }

    private static ulong Pack(int file, long offset, int length)
    {
        if (length >= 1 << LengthBits || offset >= 1L << OffsetBits)
        {
            throw new FhirSourceException($"An NDJSON line at byte {offset} is {length} bytes long; the index holds lines up to {(1 << LengthBits) - 1} bytes in files up to {1L << OffsetBits} bytes.");
        }

        return ((ulong)file << (OffsetBits + LengthBits)) | ((ulong)offset << LengthBits) | (uint)length;
    }

    // FNV-1a: ids are short, and a collision only costs a scan (the caller checks the id it reads).
    private static ulong HashOf(string id)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in id)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }

    // Engagement.ndjson is our own format: {"patient":"Patient/p1",...}.
    private static string? EngagementPatient(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("patient"u8) && reader.Read() && reader.TokenType == JsonTokenType.String)
            {
                var patient = reader.GetString()!;
                return patient.StartsWith("Patient/", StringComparison.Ordinal) ? patient["Patient/".Length..] : patient;
            }
        }

        return null;
    }

    private sealed class Builder
    {
        public List<string> Paths { get; } = [];
        public List<string> FileTypes { get; } = [];
        public List<SafeFileHandle> Handles { get; } = [];
        public Dictionary<string, byte> Files { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, int> PatientOrdinals { get; } = new(StringComparer.Ordinal);
        public List<string> PatientIds { get; } = [];
        public List<ulong> PatientLines { get; } = [];
        public RowBuilder Related { get; } = new();
        public RowBuilder Engagement { get; } = new();
        public Dictionary<ulong, ulong> AppointmentsByIdHash { get; } = [];

        public int Open(string path, string type)
        {
            if (Paths.Count >= 1 << FileBits)
            {
                throw new FhirSourceException($"The NDJSON index holds at most {1 << FileBits} files.");
            }

            var file = (byte)Paths.Count;
            Paths.Add(path);
            FileTypes.Add(type);
            Files[type] = file;
            Handles.Add(File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess));
            return file;
        }
    }

    /// <summary>(patient, location) pairs collected in any order, then laid out by patient with a counting sort. Pairs
    /// are kept in fixed-size chunks, so millions of them never need a doubled array while the list grows.</summary>
    private sealed class RowBuilder
    {
        private const int ChunkSize = 1 << 20;
        private readonly List<(int[] Ordinals, ulong[] Lines)> chunks = [];
        private int filled = ChunkSize;

        public void Add(int ordinal, ulong line)
        {
            if (filled == ChunkSize)
            {
                chunks.Add((new int[ChunkSize], new ulong[ChunkSize]));
                filled = 0;
            }

            chunks[^1].Ordinals[filled] = ordinal;
            chunks[^1].Lines[filled] = line;
            filled++;
        }

        public (int[] Starts, ulong[] Lines) ToRows(int patients)
        {
            var count = chunks.Count == 0 ? 0 : ((chunks.Count - 1) * ChunkSize) + filled;
            var starts = new int[patients + 1];
            ForEach(count, (ordinal, _) => starts[ordinal + 1]++);
            for (var i = 0; i < patients; i++)
            {
                starts[i + 1] += starts[i];
            }

            var next = starts[..^1];
            var rows = new ulong[count];
            ForEach(count, (ordinal, line) => rows[next[ordinal]++] = line);
            chunks.Clear();
            return (starts, rows);
        }

        private void ForEach(int count, Action<int, ulong> action)
        {
            for (var i = 0; i < count; i++)
            {
                var (ordinals, lines) = chunks[i / ChunkSize];
                action(ordinals[i % ChunkSize], lines[i % ChunkSize]);
            }
        }
    }
}
