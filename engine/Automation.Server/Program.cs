using System.Text.Json.Serialization;
using Automation.Designer;
using Automation.Server.Authentication;
using Automation.Server.Authorization;
using Automation.Server.Elsa;
using Automation.Server.Endpoints;
using Automation.Server.Fhir;
using Automation.Server.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

var builder = WebApplication.CreateBuilder(args);
builder.AddAutomationServer();
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
app.MapWorkflowEndpoints();
app.MapJourneyEndpoints();
app.MapSegmentEndpoints();
app.MapSubscriptionEndpoints();
app.MapElsaApi();
app.MapDesigner();
app.MapGet("/", () => Results.Redirect(DesignerEndpoints.BasePath + "/")).ExcludeFromDescription();
app.Lifetime.ApplicationStarted.Register(() => app.Logger.LogInformation("Automation server listening on {Urls}", string.Join(", ", app.Urls)));
await app.RunAsync();

/// <summary>The server's entry point (public for integration tests).</summary>
public partial class Program;
