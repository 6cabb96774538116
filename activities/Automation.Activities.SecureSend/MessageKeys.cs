using System.Security.Cryptography;
using System.Text;

namespace Automation.Activities.SecureSend;

/// <summary>Deterministic idempotency keys: the same instance, activity and recipient give the same key on every attempt,
/// so a re-run step commits the same outbox id and the same Message-ID.</summary>
public static class MessageKeys
{
    /// <summary>Derives the key.</summary>
    /// <param name="instanceId">The workflow instance id.</param>
    /// <param name="activityId">The activity id.</param>
    /// <param name="recipient">The recipient address (normalised, so case does not matter).</param>
    /// <returns>32 lower-case hex characters (SHA-256 prefix): no PHI leaks through the Message-ID.</returns>
    public static string For(string instanceId, string activityId, string recipient)
    {
        var input = Encoding.UTF8.GetBytes($"{instanceId}\n{activityId}\n{recipient.ToLowerInvariant()}");
        return Convert.ToHexStringLower(SHA256.HashData(input).AsSpan(0, 16));
    }
}
