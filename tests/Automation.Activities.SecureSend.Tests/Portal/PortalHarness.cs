using System.Collections.Concurrent;
using System.Security.Cryptography;
using Automation.Activities.SecureSend.Portal;
using Automation.Engine.Audit;
using Automation.Engine.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Automation.Activities.SecureSend.Tests.Portal;

/// <summary>A mailbox and a pickup flow over one store, with a fake clock, keys made here, and captured codes and audit.</summary>
internal sealed class PortalHarness
{
    public static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-11-28T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    public PortalHarness(IPortalStore store, PhiProtector? protector = null)
    {
        Store = store;
        Protector = protector ?? PhiProtector.CreateEphemeral("k1");
        Tokens = new SignedTokens(RandomNumberGenerator.GetBytes(32), Clock);
        var auditor = new PortalAuditor(Audit, Hasher);
        Mailbox = new PortalMailbox(store, new PortalSealer(Protector), Tokens, auditor, Clock, Options);
        Pickup = new PortalPickup(store, new PortalSealer(Protector), Tokens, auditor, BirthDates, Codes, Clock, Options, NullLogger<PortalPickup>.Instance);
    }

    public FakeTimeProvider Clock { get; } = new(Start);

    public PortalOptions Options { get; } = new()
    {
        PublicBaseUrl = new Uri("https://portal.example.test/"),
        StoreConnectionString = "unused",
    };

    public IPortalStore Store { get; }

    public PhiProtector Protector { get; }

    public SignedTokens Tokens { get; }

    public RecordingAuditLog Audit { get; } = new();

    public PatientIdHasher Hasher { get; } = new(RandomNumberGenerator.GetBytes(32));

    public FakeBirthDates BirthDates { get; } = new();

    public CapturingCodeSender Codes { get; } = new();

    public PortalMailbox Mailbox { get; }

    public PortalPickup Pickup { get; }

    public static PortalMessage Message(string? id = null, string patientId = "p0000042", TimeSpan? lifetime = null) => new(
        id ?? "msg-" + Guid.NewGuid().ToString("N"),
        patientId,
        "instance-1",
        "jane.doe@example.test",
        "Your HbA1c result from Dr Ruiz",
        "<p>Your HbA1c was <b>8.4 %</b>; please book a diabetes review.</p>",
        "Your HbA1c was 8.4 %; please book a diabetes review.",
        Start + (lifetime ?? TimeSpan.FromDays(7)));

    /// <summary>Deposits a message and returns the token of its link.</summary>
    public async Task<string> DepositAsync(PortalMessage message)
    {
        BirthDates.Dates[message.PatientId] = new DateOnly(1961, 3, 14);
        var deposit = await Mailbox.DepositAsync(message);
        return deposit.PickupUrl.AbsolutePath["/portal/".Length..];
    }

    public IEnumerable<string> AuditResults(string messageId) =>
        Audit.Entries.Where(e => e.MessageId == messageId && e.Action == AuditActions.PortalAccess).Select(e => e.Result);
}

internal sealed class FakeBirthDates : IPatientBirthDates
{
    public ConcurrentDictionary<string, DateOnly> Dates { get; } = new();

    public bool Unreachable { get; set; }

    public Task<DateOnly?> FindBirthDateAsync(string patientId, CancellationToken cancellationToken = default) =>
        Unreachable
            ? Task.FromException<DateOnly?>(new HttpRequestException("FHIR server down (test)"))
            : Task.FromResult(Dates.TryGetValue(patientId, out var date) ? date : (DateOnly?)null);
}

internal sealed class CapturingCodeSender : IPortalCodeSender
{
    public ConcurrentQueue<PortalCode> Sent { get; } = new();

    public bool Fail { get; set; }

    public Task SendAsync(PortalCode code, CancellationToken cancellationToken = default)
    {
        if (Fail)
        {
            throw new IOException("SMTP connection dropped by the test");
        }

        Sent.Enqueue(code);
        return Task.CompletedTask;
    }

    public string Last => Sent.Last().Code;
}
