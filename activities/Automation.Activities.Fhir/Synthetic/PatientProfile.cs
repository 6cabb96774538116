namespace Automation.Activities.Fhir.Synthetic;

/// <summary>Coverage kinds of the synthetic population.</summary>
internal enum CoverageKind
{
    Commercial,
    Medicare,
    Medicaid,
    SelfPay,
}

/// <summary>Conditions a synthetic patient may have.</summary>
[Flags]
internal enum Problems
{
    None = 0,
    Diabetes = 1,
    Hypertension = 2,
    Asthma = 4,
    Copd = 8,
    Pregnancy = 16,
    Hyperlipidemia = 32,
    Depression = 64,
    Obesity = 128,
}

/// <summary>The facts about one patient that every resource writer draws on.</summary>
internal sealed class PatientProfile
{
    public required long Index { get; init; }

    /// <summary>The zero-padded index, ASCII (e.g. <c>0000001</c>).</summary>
    public required byte[] Digits { get; init; }

    /// <summary><c>Patient/p0000001</c>, UTF-8.</summary>
    public required byte[] Reference { get; init; }

    public required DateTime TodayUtc { get; init; }

    public required int Age { get; init; }

    public required DateOnly BirthDate { get; init; }

    public required string Gender { get; init; }

    public required string Given { get; init; }

    public required string Family { get; init; }

    public required Language Language { get; init; }

    public required Place Place { get; init; }

    public string? Email { get; init; }

    public string? Phone { get; init; }

    public required CoverageKind Coverage { get; init; }

    public required Problems Problems { get; init; }

    /// <summary>Body-mass index around which observations vary.</summary>
    public required double Bmi { get; init; }

    public bool Has(Problems problem) => (Problems & problem) != 0;

    public DateOnly Today => DateOnly.FromDateTime(TodayUtc);
}
