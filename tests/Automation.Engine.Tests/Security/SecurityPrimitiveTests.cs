using System.Security.Cryptography;
using Automation.Engine.Security;
using Microsoft.Extensions.Time.Testing;

namespace Automation.Engine.Tests.Security;

public sealed class SignedTokenTests
{
    private readonly FakeTimeProvider clock = new(DateTimeOffset.Parse("2026-11-28T10:00:00Z"));

    [Fact]
    public void A_valid_token_returns_its_payload()
    {
        var tokens = new SignedTokens(RandomNumberGenerator.GetBytes(32), clock);
        var token = tokens.Create("click", "msg-1:0", TimeSpan.FromDays(30));
        Assert.Equal(TokenVerdict.Valid, tokens.Validate("click", token, out var payload));
        Assert.Equal("msg-1:0", payload);
    }

    [Fact]
    public void A_token_for_another_purpose_or_altered_or_expired_is_refused()
    {
        var tokens = new SignedTokens(RandomNumberGenerator.GetBytes(32), clock);
        var token = tokens.Create("open", "msg-1", TimeSpan.FromMinutes(5));
        Assert.Equal(TokenVerdict.BadSignature, tokens.Validate("unsubscribe", token, out _));
        var altered = "bXNnLTI" + token[token.IndexOf('.', StringComparison.Ordinal)..];
        Assert.Equal(TokenVerdict.BadSignature, tokens.Validate("open", altered, out _));
        Assert.Equal(TokenVerdict.Malformed, tokens.Validate("open", "not-a-token", out _));
        clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(TokenVerdict.Expired, tokens.Validate("open", token, out _));
    }

    [Fact]
    public void A_token_signed_with_another_key_is_refused()
    {
        var token = new SignedTokens(RandomNumberGenerator.GetBytes(32), clock).Create("open", "msg-1", TimeSpan.FromDays(1));
        Assert.Equal(TokenVerdict.BadSignature, new SignedTokens(RandomNumberGenerator.GetBytes(32), clock).Validate("open", token, out _));
    }

    [Fact]
    public void Phi_protector_round_trips_across_a_key_rotation_and_detects_tampering()
    {
        var oldKey = RandomNumberGenerator.GetBytes(32);
        var before = new PhiProtector(new Dictionary<string, byte[]> { ["k1"] = oldKey }, "k1");
        var blob = before.ProtectString("HbA1c 8.1%", "msg-1");
        var after = new PhiProtector(new Dictionary<string, byte[]> { ["k1"] = oldKey, ["k2"] = RandomNumberGenerator.GetBytes(32) }, "k2");
        Assert.Equal("HbA1c 8.1%", after.UnprotectString(blob, "msg-1"));
        Assert.True(after.NeedsRewrap(blob));
        Assert.False(after.NeedsRewrap(after.ProtectString("x")));
        Assert.ThrowsAny<CryptographicException>(() => after.UnprotectString(blob, "msg-2"));
        blob[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => after.UnprotectString(blob, "msg-1"));
    }
    [Fact]
    public void Phi_protectors_with_the_same_key_id_but_different_keys_never_decrypt_each_others_blobs_on_one_thread()
    {
        var first = PhiProtector.CreateEphemeral("k");
        var second = PhiProtector.CreateEphemeral("k");
        var a = first.ProtectString("a", "id");
        var b = second.ProtectString("b", "id");

        Assert.Equal("a", first.UnprotectString(a, "id"));
        Assert.ThrowsAny<CryptographicException>(() => second.UnprotectString(a, "id"));
        Assert.Equal("b", second.UnprotectString(b, "id"));
        Assert.ThrowsAny<CryptographicException>(() => first.UnprotectString(b, "id"));
        Assert.ThrowsAny<CryptographicException>(() => first.UnprotectString(a, "other"));
        Assert.Equal("a", first.UnprotectString(a, "id"));
    }

    [Fact]
    public void Phi_protector_round_trips_on_many_threads_at_once()
    {
        var protector = PhiProtector.CreateEphemeral();
        var other = PhiProtector.CreateEphemeral();
        var failures = 0;

        Parallel.For(0, 2_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var (mine, theirs) = i % 3 == 0 ? (other, protector) : (protector, other);
            var text = "value " + i;
            var blob = mine.ProtectString(text, "record-" + i);
            if (mine.UnprotectString(blob, "record-" + i) != text || !Refused(() => theirs.UnprotectString(blob, "record-" + i)))
            {
                Interlocked.Increment(ref failures);
            }
        });

        Assert.Equal(0, failures);

        static bool Refused(Action action)
        {
            try
            {
                action();
                return false;
            }
            catch (CryptographicException)
            {
                return true;
            }
        }
    }
}
