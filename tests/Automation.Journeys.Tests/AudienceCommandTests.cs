// The command line is an executable with its own Program, as the server is: its types come in under an alias.
extern alias cli;

using System.Text.RegularExpressions;
using cli::Automation.Cli;
using Automation.Engine.Persistence;
using Automation.Persistence.Identity;
using Automation.Server.Journeys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Task = System.Threading.Tasks.Task;

namespace Automation.Journeys.Tests;

/// <summary>
/// <c>automation audience enter</c> against the real server (its HTTP API, an operator's API key): the enrollment
/// journey's audience entered in batches of two, its progress drawn until the run completes, and refused requests
/// reported with the field at fault. The command only speaks HTTP, so one store is enough.
/// </summary>
public sealed partial class AudienceCommandTests : JourneyTestBase
{
    private const string Journey = "enrollment";
    private const string Segment = "turning-65-not-medicare";

    private protected override JourneyStore Store { get; } = new SqliteJourneyStore();

    [Fact]
    public async Task AudienceEnter_DrawsTheRunsProgressUntilItCompletes_WithTheCountsTheServerRecorded()
    {
        // Six members (m6 without marketing consent: kept out at entry); old (70) is not in the segment.
        Clock.SetUtcNow(T0.AddHours(9));
        for (var i = 1; i <= 6; i++)
        {
            Population.AddRange([Ehr.Patient($"m{i}", $"Member{i}", $"m{i}@example.org", $"1962-0{i}-15"), Ehr.Consent($"c-m{i}", $"m{i}", i == 6 ? "TREAT" : "HMARKT")]);
        }

        Population.AddRange([Ehr.Patient("old", "Old", "old@example.org", "1956-01-15"), Ehr.Consent("c-old", "old", "HMARKT")]);
        await StartAsync(new() { ["Automation:Journeys:AudienceBatchSize"] = "2" });

        var (code, output, error) = await CliAsync("audience", "enter", Journey, "--segment", Segment, "--api-key", await ApiKeyAsync("operator"), "--interval-ms", "50");

        Assert.True(code == CliApplication.Ok, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var runId = Assert.Single(Regex.Match(lines[0], $"^run (\\S+): 6 members in segment {Segment}$").Groups.Values.Skip(1)).Value;
        var progress = lines[1..^1];
        Assert.NotEmpty(progress);
        Assert.All(progress, line => Assert.Matches(ProgressLine(), line));
        Assert.Equal("[##############################] 100% 6/6 members, 5 entered, 0 already in the journey, 1 kept out by the consent screen", progress[^1]);
        Assert.Equal("completed: 5 entered, 0 already in the journey, 1 kept out by the consent screen", lines[^1]);

        var run = await Server.Services.GetRequiredService<IWorkflowStore>().GetAudienceRunAsync(runId);
        Assert.Equal(("completed", 6L, 5L, 0L, 1L), (run!.Status, run.Position, run.Entered, run.Skipped, run.Excluded));
        Assert.Equal(["m1", "m2", "m3", "m4", "m5"], (await InstancesAsync(Journey)).Select(i => i.CorrelationId).Order());

        // The same run again: nothing new enters, and the command says so.
        (code, output, error) = await CliAsync("audience", "enter", Journey, "--segment", Segment, "--run-id", runId, "--api-key", await ApiKeyAsync("operator"), "--interval-ms", "50");
        Assert.True(code == CliApplication.Ok, error);
        Assert.EndsWith("completed: 5 entered, 0 already in the journey, 1 kept out by the consent screen", output.TrimEnd(), StringComparison.Ordinal);
        Assert.Equal(5, (await InstancesAsync(Journey)).Count);
    }

    [Fact]
    public async Task AudienceEnter_RefusedRequests_NameTheFieldAtFault_AndStartNoRun()
    {
        Population.AddRange([Ehr.Patient("m1", "Member1", "m1@example.org", "1962-01-15"), Ehr.Consent("c-m1", "m1", "HMARKT")]);
        await StartAsync();
        var operatorKey = await ApiKeyAsync("operator");

        var unknownSegment = await CliAsync("audience", "enter", Journey, "--segment", "no-such-segment", "--api-key", operatorKey);
        var unknownJourney = await CliAsync("audience", "enter", "no-such-journey", "--segment", Segment, "--api-key", operatorKey);
        var otherSegmentsRun = await CliAsync("audience", "enter", Journey, "--segment", Segment, "--run-id", "overdue-12-months~20261201", "--api-key", operatorKey);
        var enrollmentRun = await EnterAudienceAsync(Journey, Segment);
        var anotherJourneysRun = await CliAsync("audience", "enter", "re-engagement", "--segment", Segment, "--run-id", enrollmentRun.RunId, "--api-key", operatorKey);
        var auditorKey = await CliAsync("audience", "enter", Journey, "--segment", Segment, "--api-key", await ApiKeyAsync("auditor"));
        var noKey = await CliAsync("audience", "enter", Journey, "--segment", Segment);
        var plainHttpToAnotherMachine = await CliAsync("audience", "enter", Journey, "--segment", Segment, "--api-key", operatorKey, "--server", "http://automation.example.org");

        Assert.Equal((CliApplication.Invalid, "segment"), (unknownSegment.Code, FieldOf(unknownSegment.Error)));
        Assert.Contains("no-such-segment", unknownSegment.Error, StringComparison.Ordinal);
        Assert.Equal((CliApplication.Invalid, "definitionId"), (unknownJourney.Code, FieldOf(unknownJourney.Error)));
        Assert.Equal((CliApplication.Invalid, "runId"), (otherSegmentsRun.Code, FieldOf(otherSegmentsRun.Error)));
        Assert.Equal((CliApplication.Invalid, "runId"), (anotherJourneysRun.Code, FieldOf(anotherJourneysRun.Error)));
        Assert.Contains("belongs to the journey 'enrollment'", anotherJourneysRun.Error, StringComparison.Ordinal);
        Assert.Equal((CliApplication.Invalid, "--api-key"), (auditorKey.Code, FieldOf(auditorKey.Error)));
        Assert.Contains("(403)", auditorKey.Error, StringComparison.Ordinal);
        Assert.Equal((CliApplication.Invalid, "--api-key"), (noKey.Code, FieldOf(noKey.Error)));
        Assert.Equal((CliApplication.Invalid, "--server"), (plainHttpToAnotherMachine.Code, FieldOf(plainHttpToAnotherMachine.Error)));
        Assert.Equal([enrollmentRun.RunId], (await Server.Services.GetRequiredService<IWorkflowStore>().ListAudienceRunsAsync(null, 10)).Select(r => r.RunId));
    }

    [Fact]
    public async Task AudienceEnter_ARunThatFailsBeforeItEntersAnyone_EndsFailed_AndTheCommandSaysHowToResume()
    {
        // The run's own lookup of the journey (the second one; the first is the request's check) fails, as a database
        // gone away would make it.
        Population.AddRange([Ehr.Patient("m1", "Member1", "m1@example.org", "1962-01-15"), Ehr.Consent("c-m1", "m1", "HMARKT")]);
        await StartAsync(testServices: services => services.Replace(ServiceDescriptor.Singleton(provider =>
            ActivatorUtilities.CreateInstance<AudienceService>(provider, SecondDefinitionLookupFails.Wrap(provider.GetRequiredService<IWorkflowStore>())))));

        var (code, output, error) = await CliAsync("audience", "enter", Journey, "--segment", Segment, "--api-key", await ApiKeyAsync("operator"), "--interval-ms", "50");

        Assert.True(code == CliApplication.Failed, output + error);
        var runId = Regex.Match(output, @"^run (\S+):").Groups[1].Value;
        Assert.StartsWith($"failed: IOException: the definition lookup failed (test); it resumes from its saved position with --run-id {runId}", error, StringComparison.Ordinal);
        var run = await Server.Services.GetRequiredService<IWorkflowStore>().GetAudienceRunAsync(runId);
        Assert.Equal(("failed", 0L), (run!.Status, run.Entered));
        Assert.Empty(await InstancesAsync(Journey));
    }

    [GeneratedRegex(@"^\[[#.]{30}\] +\d{1,3}% \d/6 members, \d entered, \d already in the journey, \d kept out by the consent screen$")]
    private static partial Regex ProgressLine();

    private static string FieldOf(string error) => error[..error.IndexOf(':', StringComparison.Ordinal)];

    private async Task<(int Code, string Output, string Error)> CliAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        string[] arguments = args.Contains("--server") ? args : [.. args, "--server", "http://localhost/"];
        // A run that never ends would keep the command watching: fail instead of hanging.
        var code = await CliApplication.RunAsync(arguments, output, error, transport: Server.Server.CreateHandler()).WaitAsync(TimeSpan.FromSeconds(60));
        return (code, output.ToString(), error.ToString());
    }

    // Made as an admin's POST /api/api-keys makes it (the admin's bearer token would be checked against the real clock,
    // not the fake one that issued it).
    private async Task<string> ApiKeyAsync(string role)
    {
        var (_, key) = await Server.Services.GetRequiredService<AccountService>().CreateApiKeyAsync("cli-" + role + "-" + Guid.NewGuid().ToString("N")[..6], role, CancellationToken.None);
        return key;
    }
}

/// <summary>A view of the workflow store whose second published-definition lookup fails; every other call goes through.</summary>
internal class SecondDefinitionLookupFails : System.Reflection.DispatchProxy
{
    private IWorkflowStore inner = null!;
    private int lookups;

    public static IWorkflowStore Wrap(IWorkflowStore store)
    {
        var proxy = Create<IWorkflowStore, SecondDefinitionLookupFails>();
        ((SecondDefinitionLookupFails)(object)proxy).inner = store;
        return proxy;
    }

    protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name == nameof(IWorkflowStore.FindDefinitionAsync) && Interlocked.Increment(ref lookups) == 2)
        {
            return Task.FromException<Automation.Engine.Definitions.WorkflowDefinition?>(new IOException("the definition lookup failed (test)"));
        }

        try
        {
            return targetMethod.Invoke(inner, args);
        }
        catch (System.Reflection.TargetInvocationException exception) when (exception.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(exception.InnerException).Throw();
            throw;
        }
    }
}
