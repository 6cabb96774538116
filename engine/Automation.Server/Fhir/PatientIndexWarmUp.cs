using Automation.Activities.Fhir.Sources;

namespace Automation.Server.Fhir;

/// <summary>
/// Builds the NDJSON patient directory's index in the background as the server starts, so the first journey run or
/// audience entry does not stall while every file is indexed (seconds for 100,000 patients). It starts after the demo
/// has written its patients. A FHIR server source needs nothing; a directory that does not exist yet is left for later, and
/// one that fails to index is logged (reads then report why).
/// </summary>
internal sealed partial class PatientIndexWarmUp(IPatientDataSource source, ILogger<PatientIndexWarmUp> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (source is not NdjsonPatientDataSource directory)
        {
            return;
        }

        try
        {
            var started = TimeProvider.System.GetTimestamp();
            if (await directory.WarmUpAsync().WaitAsync(stoppingToken).ConfigureAwait(false) is { } patients)
            {
                LogIndexed(patients, (long)TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
            }
        }
        catch (FhirSourceException exception)
        {
            LogNotIndexed(exception.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Patient directory indexed: {Patients} patients in {Milliseconds} ms")]
    private partial void LogIndexed(int patients, long milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Patient directory not indexed: {Reason}")]
    private partial void LogNotIndexed(string reason);
}
