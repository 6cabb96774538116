namespace Automation.Activities.Fhir.Synthetic;

/// <summary>Generates every line of one patient, with a <see cref="Random"/> seeded from (seed, patient index) only, so
/// a patient's lines do not depend on which thread or chunk produced them.</summary>
internal sealed class PatientGenerator(int seed, int idWidth, DateTime todayUtc)
{
    public void Generate(ChunkBuffers buffers, long index)
    {
        var r = new Random(PatientSeed(seed, index));
        var p = ProfileSampler.Sample(index, idWidth, todayUtc, r);
        Span<DateOnly> onsets = stackalloc DateOnly[8];
        PatientWriter.Write(buffers, p, r);
        ConditionWriter.Write(buffers, p, r, onsets);
        ObservationWriter.Write(buffers, p, r);
        MedicationWriter.Write(buffers, p, r, onsets);
        ImmunizationWriter.Write(buffers, p, r);
        VisitWriter.Write(buffers, p, r);
        CoverageWriter.Write(buffers, p, r);
        ConsentWriter.Write(buffers, p, r);
        EngagementWriter.Write(buffers, p, r);
    }

    /// <summary>SplitMix64 of (seed, index): distinct seeds give unrelated populations (unlike <c>seed ^ index</c>).</summary>
    internal static int PatientSeed(int seed, long index)
    {
        unchecked
        {
            var z = ((ulong)(uint)seed << 32) ^ (ulong)index;
            z += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (int)(z & 0x7FFFFFFF);
        }
    }
}
