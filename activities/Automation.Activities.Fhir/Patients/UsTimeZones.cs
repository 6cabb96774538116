namespace Automation.Activities.Fhir.Patients;

/// <summary>
/// The IANA time zone a patient most likely lives in, from the state of their address, so quiet hours can be honoured
/// without asking. States that span two zones get the zone most of their population lives in; no address means
/// <see cref="Default"/>.
/// </summary>
public static class UsTimeZones
{
    /// <summary>The zone used when the state is unknown.</summary>
    public const string Default = "America/New_York";

    private static readonly Dictionary<string, string> ByState = new(StringComparer.OrdinalIgnoreCase)
    {
        ["CT"] = "America/New_York", ["DE"] = "America/New_York", ["DC"] = "America/New_York", ["FL"] = "America/New_York",
        ["GA"] = "America/New_York", ["IN"] = "America/Indiana/Indianapolis", ["KY"] = "America/New_York", ["ME"] = "America/New_York",
        ["MD"] = "America/New_York", ["MA"] = "America/New_York", ["MI"] = "America/Detroit", ["NH"] = "America/New_York",
        ["NJ"] = "America/New_York", ["NY"] = "America/New_York", ["NC"] = "America/New_York", ["OH"] = "America/New_York",
        ["PA"] = "America/New_York", ["RI"] = "America/New_York", ["SC"] = "America/New_York", ["VT"] = "America/New_York",
        ["VA"] = "America/New_York", ["WV"] = "America/New_York",
        ["AL"] = "America/Chicago", ["AR"] = "America/Chicago", ["IL"] = "America/Chicago", ["IA"] = "America/Chicago",
        ["KS"] = "America/Chicago", ["LA"] = "America/Chicago", ["MN"] = "America/Chicago", ["MS"] = "America/Chicago",
        ["MO"] = "America/Chicago", ["NE"] = "America/Chicago", ["ND"] = "America/Chicago", ["OK"] = "America/Chicago",
        ["SD"] = "America/Chicago", ["TN"] = "America/Chicago", ["TX"] = "America/Chicago", ["WI"] = "America/Chicago",
        ["AZ"] = "America/Phoenix", ["CO"] = "America/Denver", ["ID"] = "America/Boise", ["MT"] = "America/Denver",
        ["NM"] = "America/Denver", ["UT"] = "America/Denver", ["WY"] = "America/Denver",
        ["CA"] = "America/Los_Angeles", ["NV"] = "America/Los_Angeles", ["OR"] = "America/Los_Angeles", ["WA"] = "America/Los_Angeles",
        ["AK"] = "America/Anchorage", ["HI"] = "Pacific/Honolulu", ["PR"] = "America/Puerto_Rico",
    };

    /// <summary>The IANA zone for a US state or territory code.</summary>
    /// <param name="state">Two-letter code, or <c>null</c>.</param>
    /// <returns>The zone id, or <see cref="Default"/>.</returns>
    public static string ForState(string? state) => state is not null && ByState.TryGetValue(state, out var zone) ? zone : Default;
}
