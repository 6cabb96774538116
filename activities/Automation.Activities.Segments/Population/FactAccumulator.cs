using Automation.Activities.Segments.Facts;

namespace Automation.Activities.Segments.Population;

/// <summary>Collects one file's entries for the current patient and stores them as an array when the patient changes
/// (files group a patient's lines; a patient seen again later gets the new entries appended).</summary>
internal sealed class FactAccumulator<T>(PatientFacts[] patients, Func<PatientFacts, T[]> get, Action<PatientFacts, T[]> set)
    where T : struct
{
    private readonly List<T> buffer = [];
    private int current = -1;

    public List<T> Current => buffer;

    public void Switch(int patient)
    {
        if (patient == current)
        {
            return;
        }

        Flush();
        current = patient;
    }

    public void Add(int patient, T entry)
    {
        Switch(patient);
        buffer.Add(entry);
    }

    public void Flush()
    {
        if (current >= 0 && buffer.Count > 0)
        {
            var facts = patients[current];
            var existing = get(facts);
            set(facts, existing.Length == 0 ? [.. buffer] : [.. existing, .. buffer]);
        }

        buffer.Clear();
    }
}
