using Automation.Activities.SecureSend.Mime;
using Automation.Activities.SecureSend.Policies;
using Automation.Activities.SecureSend.Recipients;
using Automation.Activities.SecureSend.Tracking;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;

namespace Automation.Activities.SecureSend.Tests.Policies;

/// <summary>The marketing frequency cap in the secure send decision.</summary>
public sealed class FrequencyCapTests : IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private readonly string folder = Directory.CreateTempSubdirectory("frequency-cap").FullName;
    private ITrackingStore tracking = null!;
    private RecipientDirectory directory = null!;

    public async Task InitializeAsync()
    {
        tracking = TrackingStoreFactory.Create("sqlite", $"Data Source={Path.Combine(folder, "tracking.db")}");
        await tracking.MigrateAsync();
        var recipients = RecipientStore.Create("sqlite", $"Data Source={Path.Combine(folder, "directory.db")}");
        await recipients.MigrateAsync();
        directory = new RecipientDirectory(recipients, new SmimeCertificateImporter([], TimeProvider.System), TimeProvider.System);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private SecureSender Sender(int max = 3, TimeSpan? window = null)
    {
        var options = new SecureSendOptions { From = "care@clinic.example.org", MarketingCap = new FrequencyCapOptions { Max = max, Window = window ?? TimeSpan.FromDays(7) } };
        var clock = new FixedClock(Now);
        return new SecureSender(directory, new PolicyLoader(null), new SecureMessageBuilder(options, clock), options, clock, Support.Harness.Hasher, tracking: tracking);
    }

    private async Task SeedMarketingAsync(int count, TimeSpan age, string purpose = "marketing")
    {
        for (var i = 0; i < count; i++)
        {
            await tracking.SaveMessageAsync(new TrackedMessageRecord
            {
                MessageId = $"{purpose}-{age.TotalHours}-{i}", PatientId = "p1", InstanceId = "other-journey-" + i, DefinitionId = "other", Purpose = purpose, Links = [], SentAt = Now - age,
            });
        }
    }

    private static SendRequest Marketing() => Support.Harness.Request("ana@example.org", "<p>News for {{ Patient.firstName }}</p>", purpose: "marketing");

    [Fact]
    public async Task AtTheCap_MarketingIsBlockedWithTheReason()
    {
        await SeedMarketingAsync(3, TimeSpan.FromDays(2));

        var result = await Sender().PrepareAsync(Marketing());

        Assert.Equal(SendPreparation.Blocked, result.Outcome);
        Assert.StartsWith("frequency cap", result.Reason, StringComparison.Ordinal);
        Assert.True(result.Decision!.Blocked);
        Assert.Null(result.Envelope);
        Assert.Equal(Support.Harness.Hasher.Hash("p1"), result.PatientHash);
    }

    [Fact]
    public async Task BelowTheCap_MarketingIsSent()
    {
        await SeedMarketingAsync(2, TimeSpan.FromDays(2));

        Assert.Equal(SendPreparation.Sent, (await Sender().PrepareAsync(Marketing())).Outcome);
    }

    [Fact]
    public async Task MessagesOutsideTheWindowOrOfOtherPurposes_DoNotCount()
    {
        await SeedMarketingAsync(3, TimeSpan.FromDays(8));
        await SeedMarketingAsync(3, TimeSpan.FromHours(1), "treatment");

        Assert.Equal(SendPreparation.Sent, (await Sender().PrepareAsync(Marketing())).Outcome);
    }

    [Fact]
    public async Task TreatmentMessages_AreNeverCapped()
    {
        await SeedMarketingAsync(5, TimeSpan.FromHours(1));

        var treatment = Support.Harness.Request("ana@example.org", "<p>Hi {{ Patient.firstName }}</p>", purpose: "treatment");

        Assert.Equal(SendPreparation.Sent, (await Sender().PrepareAsync(treatment)).Outcome);
    }

    [Fact]
    public async Task MaxZero_DisablesTheCap()
    {
        await SeedMarketingAsync(5, TimeSpan.FromHours(1));

        Assert.Equal(SendPreparation.Sent, (await Sender(max: 0).PrepareAsync(Marketing())).Outcome);
    }

    [Fact]
    public async Task ARetriedSend_DoesNotCountItself()
    {
        await SeedMarketingAsync(2, TimeSpan.FromDays(1));
        var request = Marketing();
        await tracking.SaveMessageAsync(new TrackedMessageRecord { MessageId = request.MessageKey, PatientId = "p1", InstanceId = "instance-1", DefinitionId = "journey", Purpose = "marketing", Links = [], SentAt = Now });

        Assert.Equal(SendPreparation.Sent, (await Sender().PrepareAsync(request)).Outcome);
    }

    [Fact]
    public void Configuration_ReadsMaxAndWindow_AndRejectsBadValues()
    {
        var options = SecureSendServiceCollectionExtensions.ReadOptions(Section(("FrequencyCap:Marketing:Max", "5"), ("FrequencyCap:Marketing:Window", "2.00:00:00")));
        Assert.Equal(5, options.MarketingCap.Max);
        Assert.Equal(TimeSpan.FromDays(2), options.MarketingCap.Window);

        var defaults = SecureSendServiceCollectionExtensions.ReadOptions(Section());
        Assert.Equal(3, defaults.MarketingCap.Max);
        Assert.Equal(TimeSpan.FromDays(7), defaults.MarketingCap.Window);

        var error = Assert.Throws<InvalidOperationException>(() => SecureSendServiceCollectionExtensions.ReadOptions(Section(("FrequencyCap:Marketing:Max", "-1"))));
        Assert.Contains("SecureSend:FrequencyCap:Marketing:Max", error.Message, StringComparison.Ordinal);
    }

    private static Microsoft.Extensions.Configuration.IConfiguration Section(params (string Key, string Value)[] values) =>
        new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
