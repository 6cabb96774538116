using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Automation.Engine.Bookmarks;

/// <summary>
/// Computes the stimulus hash that bookmarks are indexed by. The waiting side and the stimulus side compute it from the
/// same activity type and payload, so resuming is an index lookup, never a scan of instances.
/// </summary>
public static class BookmarkHasher
{
    /// <summary>Hashes an activity type and a stimulus payload.</summary>
    /// <param name="activityType">The activity type name, for example <c>Elsa.Event</c>.</param>
    /// <param name="payload">The payload; serialized as JSON, so use the same payload type on both sides.</param>
    /// <returns>A 32-character lowercase hex string.</returns>
    public static string Hash(string activityType, object? payload)
    {
        ArgumentException.ThrowIfNullOrEmpty(activityType);
        var json = payload is null ? "null" : JsonSerializer.Serialize(payload, payload.GetType());
        var bytes = Encoding.UTF8.GetBytes(activityType + "\n" + json);
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(bytes, digest);
        return Convert.ToHexStringLower(digest[..16]);
    }
}
