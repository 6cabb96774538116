using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Automation.Activities.Fhir.Tests.Support;

/// <summary>
/// A FHIR R4 server for tests only: in-process Kestrel on a loopback port serving the test patients with search
/// (<c>_id</c>, <c>_lastUpdated</c>, <c>status</c>, the <c>patient</c>/<c>subject</c>/<c>beneficiary</c> references),
/// <c>_revinclude</c>, paging by <c>_count</c>, and failures on demand.
/// </summary>
internal sealed class FhirTestServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly List<Resource> resources;
    private readonly FhirJsonSerializer serializer = new();
    private int requests;

    private FhirTestServer(WebApplication app, List<Resource> resources)
    {
        this.app = app;
        this.resources = resources;
    }

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Resources created through POST.</summary>
    public IReadOnlyList<Resource> Created => resources;

    /// <summary>Adds a resource the server serves from now on (as if the EHR had just changed it).</summary>
    public void Add(Resource resource)
    {
        lock (resources)
        {
            resources.Add(resource);
        }
    }

    /// <summary>How many requests arrived.</summary>
    public int Requests => Volatile.Read(ref requests);

    /// <summary>Failures to answer before serving normally: each is (status, Retry-After seconds or null).</summary>
    public Queue<(int Status, int? RetryAfter)> Failures { get; } = new();

    /// <summary>When set, every request fails with 500.</summary>
    public bool Dead { get; set; }

    /// <summary>The bearer token required, when set.</summary>
    public string? RequiredToken { get; set; }

    /// <summary>When set, <c>/auth/token</c> issues tokens for client assertions signed with this key's private half.</summary>
    public System.Security.Cryptography.RSA? SmartClientKey { get; set; }

    /// <summary>How many tokens <c>/auth/token</c> issued.</summary>
    public int TokensIssued { get; private set; }

    public Uri TokenEndpoint => new(BaseUrl, "/auth/token");

    public static async Task<FhirTestServer> StartAsync(List<Resource> resources, int pageSize = 5)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FhirTestServer(app, resources);
        app.Use(async (context, next) =>
        {
            Interlocked.Increment(ref server.requests);
            if (context.Request.Path == "/auth/token")
            {
                await server.IssueTokenAsync(context);
                return;
            }

            if (server.RequiredToken is not null && context.Request.Headers.Authorization != "Bearer " + server.RequiredToken)
            {
                context.Response.StatusCode = 401;
                return;
            }

            if (server.Dead)
            {
                context.Response.StatusCode = 500;
                return;
            }

            lock (server.Failures)
            {
                if (server.Failures.TryDequeue(out var failure))
                {
                    context.Response.StatusCode = failure.Status;
                    if (failure.RetryAfter is { } seconds)
                    {
                        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    }

                    return;
                }
            }

            await next(context);
        });
        app.MapGet("/fhir/{type}/{id}", (string type, string id, HttpContext context) =>
            server.resources.FirstOrDefault(r => r.TypeName == type && r.Id == id) is { } found
                ? server.Json(context, found)
                : Results.NotFound());
        app.MapGet("/fhir/{type}", (string type, HttpContext context) => server.Search(type, context, pageSize));
        app.MapPost("/fhir/{type}", async (string type, HttpContext context) =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            var resource = new FhirJsonDeserializer(new DeserializerSettings().UsingMode(DeserializationMode.Recoverable)).DeserializeResource(body);
            resource.Id = type.ToLowerInvariant() + "-" + (server.resources.Count + 1);
            lock (server.resources)
            {
                server.resources.Add(resource);
            }

            context.Response.StatusCode = 201;
            context.Response.Headers.Location = $"{server.BaseUrl}{type}/{resource.Id}";
            context.Response.ContentType = "application/fhir+json";
            await context.Response.WriteAsync(server.serializer.SerializeToString(resource));
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = new Uri(address + "/fhir/");
        return server;
    }

    // SMART Backend Services token endpoint: checks the client assertion's signature, issuer and audience.
    private async System.Threading.Tasks.Task IssueTokenAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        var validation = await new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().ValidateTokenAsync(form["client_assertion"].ToString(), new Microsoft.IdentityModel.Tokens.TokenValidationParameters
        {
            ValidIssuer = "automation-client",
            ValidAudience = TokenEndpoint.ToString(),
            IssuerSigningKey = new Microsoft.IdentityModel.Tokens.RsaSecurityKey(SmartClientKey!.ExportParameters(false)),
        });
        if (form["grant_type"] != "client_credentials" || form["client_assertion_type"] != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" || !validation.IsValid)
        {
            context.Response.StatusCode = 401;
            return;
        }

        TokensIssued++;
        RequiredToken = "smart-token-" + TokensIssued;
        await context.Response.WriteAsJsonAsync(new Dictionary<string, object> { ["access_token"] = RequiredToken, ["token_type"] = "bearer", ["expires_in"] = 300 });
    }

    private IResult Search(string type, HttpContext context, int pageSize)
    {
        var query = context.Request.Query;
        List<Resource> all;
        lock (resources)
        {
            all = [.. resources]; // tests add resources while journeys read
        }

        var matches = all.Where(r => r.TypeName == type).ToList();

        if (query.TryGetValue("_id", out var ids))
        {
            matches = matches.Where(r => r.Id == ids.ToString()).ToList();
        }

        if (query.TryGetValue("_lastUpdated", out var lastUpdated) && lastUpdated.ToString() is ['g', 't', .. var since])
        {
            var after = DateTimeOffset.Parse(since, System.Globalization.CultureInfo.InvariantCulture);
            matches = matches.Where(r => r.Meta?.LastUpdated > after).ToList();
        }

        // Reference parameters (Consent?patient=p1, Observation?subject=Patient/p1, Coverage?beneficiary=...): an id or Type/id.
        foreach (var name in new[] { "patient", "subject", "beneficiary" })
        {
            if (query.TryGetValue(name, out var reference))
            {
                var wanted = reference.ToString().Contains('/', StringComparison.Ordinal) ? reference.ToString() : "Patient/" + reference;
                matches = matches.Where(r => References(r).Contains(wanted)).ToList();
            }
        }

        if (query.TryGetValue("status", out var status))
        {
            var wanted = status.ToString().Split(',');
            matches = matches.Where(r => r is Appointment a && wanted.Contains(a.Status?.ToString(), StringComparer.OrdinalIgnoreCase)).ToList();
        }

        if (type == "Patient" && query.TryGetValue("_revinclude", out var revIncludes))
        {
            var patientIds = matches.Select(m => "Patient/" + m.Id).ToHashSet();
            var included = revIncludes.Select(r => r!.Split(':')[0]).ToHashSet();
            matches.AddRange(all.Where(r => included.Contains(r.TypeName) && References(r).Any(patientIds.Contains)));
        }

        var offset = int.TryParse(query["_offset"], out var o) ? o : 0;
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Total = matches.Count };
        foreach (var resource in matches.Skip(offset).Take(pageSize))
        {
            bundle.Entry.Add(new Bundle.EntryComponent { Resource = resource, FullUrl = $"{BaseUrl}{resource.TypeName}/{resource.Id}" });
        }

        if (offset + pageSize < matches.Count)
        {
            var next = QueryString.Create(query.Where(q => q.Key != "_offset").SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v))))
                .Add("_offset", (offset + pageSize).ToString(System.Globalization.CultureInfo.InvariantCulture));
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = $"{BaseUrl}{type}{next}" });
        }

        return Json(context, bundle);
    }

    private static IEnumerable<string> References(Resource resource) => resource switch
    {
        Condition r => [r.Subject?.Reference ?? ""],
        Observation r => [r.Subject?.Reference ?? ""],
        MedicationRequest r => [r.Subject?.Reference ?? ""],
        Immunization r => [r.Patient?.Reference ?? ""],
        Appointment r => r.Participant.Select(p => p.Actor?.Reference ?? ""),
        Encounter r => [r.Subject?.Reference ?? ""],
        Coverage r => [r.Beneficiary?.Reference ?? ""],
        Hl7.Fhir.Model.Consent r => // qualified: Automation.Activities.Consent is a namespace too
            [r.Patient?.Reference ?? ""],
        _ => [],
    };

    private IResult Json(HttpContext context, Resource resource) =>
        Results.Text(serializer.SerializeToString(resource), "application/fhir+json");

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
