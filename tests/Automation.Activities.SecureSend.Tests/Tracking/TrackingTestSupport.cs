using Automation.Activities.SecureSend.Tracking;
using Automation.Engine.Security;
using Npgsql;

namespace Automation.Activities.SecureSend.Tests.Tracking;

internal static class TrackingTestSupport
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    public static byte[] NewKey() => System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    public static TrackingOptions Options() => new() { PublicBaseUrl = new Uri("https://engage.example.org/") };

    public static TrackingTokens Tokens(TimeProvider clock, byte[]? key = null) => new(new SignedTokens(key ?? NewKey(), clock), TimeSpan.FromDays(400));
}
