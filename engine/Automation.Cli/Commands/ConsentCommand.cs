using System.CommandLine;
using Automation.Activities.Consent.Records;
using Automation.Activities.Consent.Registry;
using Automation.Activities.Fhir.Sources;

namespace Automation.Cli.Commands;

/// <summary>
/// <c>automation consent check --population DIR --patient ID --purpose marketing|treatment --channel email|sms
/// [--db sqlite|postgres [--connection CS]] [--at ISO]</c>: prints <c>Granted</c> or <c>Denied</c>, then the rule and
/// the evidence. Exit 0 granted, 1 denied, 2 bad input (unknown patient, unreadable population).
/// </summary>
internal static class ConsentCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var population = new Option<DirectoryInfo>("--population") { Description = "The NDJSON population directory (see 'synth').", Required = true };
        var patient = new Option<string>("--patient") { Description = "The patient id (p0000001 or Patient/p0000001).", Required = true };
        var purpose = new Option<string>("--purpose") { Description = "marketing (FHIR HMARKT) or treatment (TREAT: appointment and care reminders).", Required = true };
        purpose.AcceptOnlyFromAmong(ConsentPurposes.Marketing, ConsentPurposes.Treatment);
        var channel = new Option<string>("--channel") { Description = "email or sms.", DefaultValueFactory = _ => ConsentChannels.Email };
        channel.AcceptOnlyFromAmong(ConsentChannels.Email, ConsentChannels.Sms);
        var db = new Option<string?>("--db") { Description = "Also read opt-in/opt-out records from this store: sqlite or postgres." };
        db.AcceptOnlyFromAmong("sqlite", "postgres");
        var connection = StoreOptions.Connection();
        var at = new Option<DateTimeOffset?>("--at") { Description = "Decide as of this instant (ISO 8601); default now." };
        var check = new Command("check", "Decides whether a patient may be contacted for a purpose on a channel, and why.") { population, patient, purpose, channel, db, connection, at };
        check.SetAction(async (parseResult, cancellationToken) =>
        {
            var directory = parseResult.GetValue(population)!;
            if (!directory.Exists)
            {
                await error.WriteLineAsync($"--population: the directory {directory.FullName} does not exist.").ConfigureAwait(false);
                return CliApplication.Invalid;
            }

            var patientId = parseResult.GetValue(patient)!;
            patientId = patientId.StartsWith("Patient/", StringComparison.Ordinal) ? patientId["Patient/".Length..] : patientId;
            Automation.Activities.Fhir.Patients.PatientContext? context;
            try
            {
                context = await new NdjsonPatientDataSource(directory.FullName).GetPatientContextAsync(patientId, cancellationToken).ConfigureAwait(false);
            }
            catch (FhirSourceException exception)
            {
                await error.WriteLineAsync($"--population: {exception.Message}").ConfigureAwait(false);
                return CliApplication.Invalid;
            }

            if (context is null)
            {
                await error.WriteLineAsync($"--patient: no patient '{patientId}' in {directory.FullName}.").ConfigureAwait(false);
                return CliApplication.Invalid;
            }

            IReadOnlyList<ConsentRecord> records = [];
            if (parseResult.GetValue(db) is { } provider)
            {
                var store = ConsentRecordStoreFactory.Create(provider, parseResult.GetValue(connection) ?? StoreOptions.DefaultConnection(provider));
                try
                {
                    await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
                    records = await store.ListAsync(patientId, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    if (store is IAsyncDisposable disposable)
                    {
                        await disposable.DisposeAsync().ConfigureAwait(false);
                    }
                }
            }

            var decision = ConsentEvaluator.Decide(parseResult.GetValue(purpose)!, parseResult.GetValue(channel)!, context.Consents, records,
                parseResult.GetValue(at) ?? DateTimeOffset.UtcNow);
            await output.WriteLineAsync(decision.Outcome).ConfigureAwait(false);
            await output.WriteLineAsync("rule: " + decision.Rule).ConfigureAwait(false);
            await output.WriteLineAsync("evidence: " + decision.Evidence switch
            {
                null => "none",
                { Source: ConsentEvidence.FhirConsent } e => $"Consent/{e.Id} version {e.Version ?? "unversioned"}",
                var e => $"record {e.Id}",
            }).ConfigureAwait(false);
            return decision.Granted ? CliApplication.Ok : CliApplication.Failed;
        });
        return new Command("consent", "Consent registry commands.") { check };
    }
}
