using System.Text;

namespace Automation.Activities.Fhir.Synthetic;

/// <summary>Draws the facts of one patient (age, gender, place, language, contact, coverage, problems).</summary>
internal static class ProfileSampler
{
    public static PatientProfile Sample(long index, int idWidth, DateTime todayUtc, Random r)
    {
        var today = DateOnly.FromDateTime(todayUtc);
        var digits = Encoding.ASCII.GetBytes(index.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(idWidth, '0'));
        var age = Demographics.Ages.Pick(r);
        var birth = today.AddYears(-age).AddDays(-r.Next(1, 365));
        var gender = Demographics.Genders.Pick(r);
        var language = Demographics.Languages.Pick(r);
        var place = Demographics.Places.Pick(r);
        var given = Demographics.GivenFor(gender, r);
        var family = Demographics.FamilyFor(language, r);
        var email = r.Chance(0.85) ? $"{given.ToLowerInvariant()}.{family.ToLowerInvariant()}{index}@example.org" : null;
        var phone = r.Chance(age < 13 ? 0.3 : 0.75) ? $"({place.AreaCode}) 555-{r.Next(100, 200):D4}" : null;
        var bmi = Math.Clamp(age < 18 ? r.Normal(19 + (age * 0.2), 3) : r.Normal(28.5, 5.5), 13, 55);
        return new PatientProfile
        {
            Index = index,
            Digits = digits,
            Reference = [.. "Patient/p"u8, .. digits],
            TodayUtc = todayUtc,
            Age = age,
            BirthDate = birth,
            Gender = gender,
            Given = given,
            Family = family,
            Language = language,
            Place = place,
            Email = email,
            Phone = phone,
            Coverage = CoverageFor(age, r),
            Problems = ProblemsFor(age, gender, bmi, r),
            Bmi = bmi,
        };
    }

    private static CoverageKind CoverageFor(int age, Random r)
    {
        var x = r.NextDouble();
        if (age >= 65)
        {
            return x < 0.93 ? CoverageKind.Medicare : x < 0.98 ? CoverageKind.Commercial : CoverageKind.SelfPay;
        }

        if (age < 18)
        {
            return x < 0.40 ? CoverageKind.Medicaid : x < 0.95 ? CoverageKind.Commercial : CoverageKind.SelfPay;
        }

        return x < 0.01 ? CoverageKind.Medicare : x < 0.20 ? CoverageKind.Medicaid : x < 0.89 ? CoverageKind.Commercial : CoverageKind.SelfPay;
    }

    private static Problems ProblemsFor(int age, string gender, double bmi, Random r)
    {
        var band = age < 18 ? 0 : age < 40 ? 1 : age < 65 ? 2 : 3;
        var p = Problems.None;
        if (r.Chance(Rate(band, 0.003, 0.04, 0.14, 0.25) + (bmi >= 30 ? 0.06 : 0)))
        {
            p |= Problems.Diabetes;
        }

        if (r.Chance(Rate(band, 0.01, 0.08, 0.35, 0.6)))
        {
            p |= Problems.Hypertension;
        }

        if (r.Chance(Rate(band, 0.0, 0.06, 0.3, 0.45)))
        {
            p |= Problems.Hyperlipidemia;
        }

        if (age >= 2 && r.Chance(0.08))
        {
            p |= Problems.Asthma;
        }

        if (r.Chance(Rate(band, 0.0, 0.01, 0.06, 0.1)))
        {
            p |= Problems.Copd;
        }

        if (r.Chance(Rate(band, 0.02, 0.08, 0.08, 0.06)))
        {
            p |= Problems.Depression;
        }

        if (bmi >= 30 && age >= 18 && r.Chance(0.6))
        {
            p |= Problems.Obesity;
        }

        if (gender == "female" && age is >= 15 and <= 44 && r.Chance(age is >= 20 and <= 39 ? 0.07 : 0.02))
        {
            p |= Problems.Pregnancy;
        }

        return p;
    }

    private static double Rate(int band, double child, double young, double middle, double senior) => band switch
    {
        0 => child,
        1 => young,
        2 => middle,
        _ => senior,
    };
}
