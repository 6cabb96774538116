using System.CommandLine;
using System.Security.Cryptography;
using Automation.Activities.Fhir.Sources;
using Automation.Activities.Fhir.Subscriptions;

namespace Automation.Cli.Commands;

/// <summary><c>automation fhir subscribe --server URL --name NAME --criteria C --endpoint URL [--backport-topic URL --payload id-only] [--secret S]</c>.</summary>
internal static class FhirCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var server = new Option<string>("--server") { Description = "The FHIR server's base URL.", Required = true };
        var name = new Option<string>("--name") { Description = "The subscription name (Fhir:Subscriptions:<name> on our side).", Required = true };
        var criteria = new Option<string>("--criteria") { Description = "The criteria, e.g. \"Appointment?status=booked\".", Required = true };
        var endpoint = new Option<string>("--endpoint") { Description = "Our server's base URL or the full rest-hook URL.", Required = true };
        var topic = new Option<string?>("--backport-topic") { Description = "Use the R5 Subscriptions Backport profile with this SubscriptionTopic." };
        var payload = new Option<string>("--payload") { Description = "Backport payload content: empty, id-only or full-resource.", DefaultValueFactory = _ => "id-only" };
        payload.AcceptOnlyFromAmong("empty", "id-only", "full-resource");
        var secret = new Option<string?>("--secret") { Description = "The shared secret; a new one is generated and printed when omitted." };
        var subscribe = new Command("subscribe", "Creates a rest-hook Subscription on a FHIR server that notifies this product.") { server, name, criteria, endpoint, topic, payload, secret };
        subscribe.SetAction(async (parseResult, cancellationToken) =>
        {
            var subscriptionName = parseResult.GetValue(name)!;
            if (!Uri.TryCreate(parseResult.GetValue(server), UriKind.Absolute, out var fhirServer) || !Uri.TryCreate(parseResult.GetValue(endpoint), UriKind.Absolute, out var hook))
            {
                await error.WriteLineAsync("--server and --endpoint must be absolute URLs.").ConfigureAwait(false);
                return CliApplication.Invalid;
            }

            if (!hook.AbsolutePath.Contains("/fhir/subscriptions/", StringComparison.Ordinal))
            {
                hook = new Uri(hook, $"/fhir/subscriptions/{Uri.EscapeDataString(subscriptionName)}");
            }

            var given = parseResult.GetValue(secret);
            var key = string.IsNullOrEmpty(given) ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)) : given;
            try
            {
                var created = await SubscriptionRegistrar.CreateAsync(fhirServer, new SubscriptionRequest
                {
                    Criteria = parseResult.GetValue(criteria)!,
                    Endpoint = hook,
                    Secret = key,
                    BackportTopic = parseResult.GetValue(topic),
                    Payload = parseResult.GetValue(payload)!,
                }, cancellationToken: cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"subscription: Subscription/{created.Id} status: {created.Status?.ToString().ToLowerInvariant()} endpoint: {hook}").ConfigureAwait(false);
                if (string.IsNullOrEmpty(given))
                {
                    await output.WriteLineAsync($"secret: {key}  (configure it as Fhir:Subscriptions:{subscriptionName}:Secret)").ConfigureAwait(false);
                }

                return CliApplication.Ok;
            }
            catch (FhirSourceException exception)
            {
                await error.WriteLineAsync(exception.Message).ConfigureAwait(false);
                return CliApplication.Failed;
            }
            catch (HttpRequestException exception)
            {
                await error.WriteLineAsync("The FHIR server could not be reached: " + exception.Message).ConfigureAwait(false);
                return CliApplication.Failed;
            }
        });
        return new Command("fhir", "FHIR server operations.") { subscribe };
    }
}
