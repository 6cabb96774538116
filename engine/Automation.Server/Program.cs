using System.Text.Json.Serialization;
using Automation.Designer;
using Automation.Server.Audit;
using Automation.Server.Authentication;
using Automation.Server.Authorization;
using Automation.Server.Demo;
using Automation.Server.Elsa;
using Automation.Server.Endpoints;
using Automation.Server.Fhir;
using Automation.Server.Hosting;
using Automation.Server.Journeys;
using Automation.Server.Reports;
using Automation.Server.Portal;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

var builder = WebApplication.CreateBuilder(args);
builder.AddAutomationServer();
builder.AddPortalServer();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseMiddleware<RequestSizeLimitMiddleware>();
app.UseRateLimiter();
app.UseAuthentication();
app.UseAuthorization();
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
app.MapOpenApi().RequireAuthorization(Policies.ReadWorkflows);
app.MapAuthEndpoints();
app.MapAuditEndpoints();
app.MapWorkflowEndpoints();
app.MapJourneyEndpoints();
app.MapSegmentEndpoints();
app.MapReportEndpoints();
app.MapAudienceEndpoints();
if (app.Configuration.GetValue<bool>("Automation:Demo:Enabled"))
{
    app.MapDemoMailEndpoints();
}

app.MapSubscriptionEndpoints();
app.MapTrackingEndpoints();
app.MapPreferenceEndpoints();
app.MapPortalEndpoints();
app.MapRecipientEndpoints();
app.MapElsaApi();
app.MapDesigner();
app.MapGet("/", () => Results.Redirect(DesignerEndpoints.BasePath + "/")).ExcludeFromDescription();
app.Lifetime.ApplicationStarted.Register(() => app.Logger.LogInformation("Automation server listening on {Urls}", string.Join(", ", app.Urls)));
await app.RunAsync();

/// <summary>The server's entry point (public for integration tests).</summary>
public partial class Program;
