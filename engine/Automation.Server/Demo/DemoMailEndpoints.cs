using Automation.Activities.SecureSend.Capture;
using Automation.Server.Authorization;
using MimeKit;
using MimeKit.Cryptography;

namespace Automation.Server.Demo;

/// <summary>The demo's captured-mail API: what the local SMTP capture received, with the encryption method each message
/// travelled with. Only mapped when the demo runs.</summary>
internal static class DemoMailEndpoints
{
    public static IEndpointRouteBuilder MapDemoMailEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/demo/mail").RequireAuthorization(Policies.EditWorkflows).WithTags("Demo");
        group.MapGet("", List).WithName("ListCapturedMail");
        group.MapGet("/{sequence:long}", GetAsync).WithName("GetCapturedMail");
        return app;
    }

    private static IResult List(DemoMailbox mailbox, int? take)
    {
        var messages = mailbox.Capture?.Messages ?? [];
        return TypedResults.Ok(messages.Reverse().Take(Math.Clamp(take ?? 200, 1, 1000)).Select(m =>
        {
            var message = Parse(m);
            return new CapturedMailSummary(m.Sequence, m.ReceivedAt, m.To, message?.Subject, MethodOf(message), m.OverTls, m.MessageId);
        }).ToList());
    }

    private static async Task<IResult> GetAsync(long sequence, DemoMailbox mailbox, DemoRecipientKeys keys, CancellationToken cancellationToken)
    {
        var captured = mailbox.Capture?.Messages.FirstOrDefault(m => m.Sequence == sequence);
        if (captured is null || Parse(captured) is not { } message)
        {
            return TypedResults.Problem(title: "Message not found", detail: $"No captured message has sequence {sequence}.", statusCode: StatusCodes.Status404NotFound,
                extensions: new Dictionary<string, object?> { ["field"] = "sequence" });
        }

        var method = MethodOf(message);
        var opened = await keys.OpenAsync(message, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new CapturedMailDetail(
            captured.Sequence, captured.ReceivedAt, captured.To, message.Subject, method, captured.OverTls, captured.MessageId,
            message.Headers.Where(h => h.Id is not HeaderId.Received).Select(h => new KeyValuePair<string, string>(h.Field, h.Value)).ToList(),
            opened.Html, opened.Text, opened.Note));
    }

    /// <summary>How a message travelled, read from its MIME structure: S/MIME enveloped data, PGP/MIME, a portal
    /// notice (marked by secure send), or plain MIME over TLS.</summary>
    internal static string MethodOf(MimeMessage? message) => message?.Body switch
    {
        null => "unknown",
        ApplicationPkcs7Mime => "smime",
        MultipartEncrypted => "pgp",
        _ when message.Headers[Automation.Activities.SecureSend.Mime.SecureMessageBuilder.MethodHeader] is { Length: > 0 } marked => marked,
        _ => "tls",
    };

    private static MimeMessage? Parse(CapturedMessage captured)
    {
        try
        {
            return MimeMessage.Load(new MemoryStream(captured.Raw));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>A captured message in the list.</summary>
internal sealed record CapturedMailSummary(long Sequence, DateTimeOffset ReceivedAt, IReadOnlyList<string> To, string? Subject, string Method, bool OverTls, string? MessageId);

/// <summary>A captured message opened (decrypted with the demo recipients' keys when it was encrypted).</summary>
internal sealed record CapturedMailDetail(
    long Sequence, DateTimeOffset ReceivedAt, IReadOnlyList<string> To, string? Subject, string Method, bool OverTls, string? MessageId,
    IReadOnlyList<KeyValuePair<string, string>> Headers, string? Html, string? Text, string? Note);
