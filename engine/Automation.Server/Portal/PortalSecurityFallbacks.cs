using System.Security.Cryptography;
using Automation.Engine.Audit;
using Automation.Engine.Security;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Automation.Server.Portal;

/// <summary>
/// Stand-ins for the security services the server's key hosting and audit log register (the audit branch): only added
/// when nothing else registered them. Keys come from the same settings (<c>Automation:Security:TokenKey</c>,
/// <c>PatientHashKey</c>, <c>PhiKeys:{id}</c> + <c>ActivePhiKey</c>, base64) or are generated per process; audit
/// entries are kept in memory. Delete this file once that hosting is merged.
/// </summary>
internal static class PortalSecurityFallbacks
{
    public static IServiceCollection AddPortalSecurityFallbacks(this IServiceCollection services, IConfiguration configuration)
    {
        var security = configuration.GetSection("Automation:Security");
        services.TryAddSingleton(provider => new SignedTokens(Key(security["TokenKey"], 32, "TokenKey"), provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(_ => new PatientIdHasher(Key(security["PatientHashKey"], 32, "PatientHashKey")));
        services.TryAddSingleton(_ =>
        {
            var keys = security.GetSection("PhiKeys").GetChildren().ToDictionary(k => k.Key, k => Key(k.Value, 32, "PhiKeys:" + k.Key));
            return keys.Count == 0 ? PhiProtector.CreateEphemeral() : new PhiProtector(keys, security["ActivePhiKey"] ?? keys.Keys.Single());
        });
        services.TryAddSingleton<IAuditLog>(provider => new InMemoryAuditLog(provider.GetRequiredService<TimeProvider>()));
        return services;
    }

    private static byte[] Key(string? base64, int minimum, string name)
    {
        if (string.IsNullOrEmpty(base64))
        {
            return RandomNumberGenerator.GetBytes(minimum);
        }

        var key = Convert.FromBase64String(base64);
        return key.Length >= minimum ? key : throw new InvalidOperationException($"Automation:Security:{name} must be at least {minimum} bytes (base64).");
    }

    /// <summary>Keeps audit entries in memory for this process only (see the type summary).</summary>
    private sealed class InMemoryAuditLog(TimeProvider timeProvider) : IAuditLog
    {
        private readonly List<AuditRecord> records = [];

        public Task<IReadOnlyList<AuditRecord>> AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default)
        {
            lock (records)
            {
                var added = entries.Select(e => new AuditRecord(records.Count + 1, timeProvider.GetUtcNow(), e, "", "")).ToList();
                records.AddRange(added);
                return Task.FromResult<IReadOnlyList<AuditRecord>>(added);
            }
        }

        public Task<IReadOnlyList<AuditRecord>> ReadAsync(long afterSequence, int take, CancellationToken cancellationToken = default)
        {
            lock (records)
            {
                return Task.FromResult<IReadOnlyList<AuditRecord>>(records.Where(r => r.Sequence > afterSequence).Take(take).ToList());
            }
        }
    }
}
