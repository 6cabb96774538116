namespace Automation.Cli.Campaign;

/// <summary>What one <c>bench campaign</c> run does.</summary>
internal sealed record CampaignSettings
{
    public const string ReEngagement = "re-engagement";
    public const string AppointmentReminder = "appointment-reminder";

    public required int Patients { get; init; }

    public required string Journey { get; init; }

    public required string Method { get; init; }

    public required string Provider { get; init; }

    public string? Connection { get; init; }

    public string? PopulationDirectory { get; init; }

    public required string WorkflowsDirectory { get; init; }

    public int Seed { get; init; } = 1;

    /// <summary>The fake clock's start; its date is the population's <c>Today</c>.</summary>
    public DateTimeOffset Start { get; init; } = new(2026, 11, 27, 15, 0, 0, TimeSpan.Zero);

    public int EntryBatchSize { get; init; } = 1000;

    public int RelayBatchSize { get; init; } = 256;

    public int RelayParallelism { get; init; } = 4;

    public int SmtpPoolSize { get; init; } = 8;

    /// <summary>Patients of the unmeasured warm-up run before the measured one (0: none).</summary>
    public int WarmupPatients { get; init; }

    /// <summary>The container memory limit the run behaves as if under, in MB (0: none); see <see cref="ContainerMemoryLimit"/>.</summary>
    public int MemoryLimitMegabytes { get; init; }
}
