using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Automation.Activities.SecureSend.Portal;

namespace Automation.Server.Portal;

/// <summary>
/// The portal's server-rendered pages: plain HTML, a little inline CSS, no script. Every value is HTML-encoded; the
/// message body is shown in an iframe with an empty <c>sandbox</c> (no scripts, no forms, no same-origin access).
/// </summary>
internal static class PortalPages
{
    private const string Style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f4f6f8;color:#1d2733;margin:0}
        main{max-width:44rem;margin:3rem auto;background:#fff;border-radius:8px;padding:2rem;box-shadow:0 1px 4px #0002}
        h1{font-size:1.4rem;margin-top:0}label{display:block;margin:1rem 0 .3rem;font-weight:600}
        input{font-size:1.1rem;padding:.45rem;border:1px solid #9aa5b1;border-radius:4px}
        button{margin-top:1rem;font-size:1rem;padding:.5rem 1.2rem;border:0;border-radius:4px;background:#1f6feb;color:#fff;cursor:pointer}
        .problem{background:#fdecea;border-left:4px solid #c62828;padding:.6rem .8rem;margin:1rem 0}
        iframe{width:100%;min-height:24rem;border:1px solid #d0d7de;border-radius:4px;background:#fff}
        pre{white-space:pre-wrap;background:#f6f8fa;padding:1rem;border-radius:4px}
        """;

    public static string BirthDate(string formAction, string antiforgeryField, string antiforgeryToken, PortalStep step) =>
        Layout("birth-date", "A secure message is waiting for you", $"""
            <p>To protect your privacy, please confirm who you are. First, enter your date of birth.</p>
            {Problem(step)}
            <form method="post" action="{Attr(formAction)}">
              <input type="hidden" name="{Attr(antiforgeryField)}" value="{Attr(antiforgeryToken)}">
              <label for="birthDate">Date of birth</label>
              <input type="date" id="birthDate" name="birthDate" required autocomplete="bday">
              <div><button type="submit">Continue</button></div>
            </form>
            """);

    public static string Code(string formAction, string antiforgeryField, string antiforgeryToken, PortalStep step) =>
        Layout("code", "Enter your one-time code", $$"""
            <p>We have sent a six-digit code to your email address. It works once, for a few minutes.</p>
            {{Problem(step)}}
            <form method="post" action="{{Attr(formAction)}}">
              <input type="hidden" name="{{Attr(antiforgeryField)}}" value="{{Attr(antiforgeryToken)}}">
              <label for="code">One-time code</label>
              <input type="text" id="code" name="code" required inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code">
              <div><button type="submit">Show my message</button></div>
            </form>
            """);

    public static string Message(PortalContent content)
    {
        var body = new StringBuilder();
        if (!string.IsNullOrWhiteSpace(content.HtmlBody))
        {
            body.Append(CultureInfo.InvariantCulture, $"""<iframe data-test="message-html" title="Message" sandbox="" referrerpolicy="no-referrer" srcdoc="{Attr(content.HtmlBody)}"></iframe>""");
            if (!string.IsNullOrWhiteSpace(content.TextBody))
            {
                body.Append(CultureInfo.InvariantCulture, $"""<details><summary>Plain text</summary><pre data-test="message-text">{Html(content.TextBody)}</pre></details>""");
            }
        }
        else
        {
            body.Append(CultureInfo.InvariantCulture, $"""<pre data-test="message-text">{Html(content.TextBody ?? "")}</pre>""");
        }

        return Layout("message", content.Subject, body.ToString());
    }

    public static string FormRefused() =>
        Layout("refused", "Please start again", "<p>This form could not be accepted (it was opened too long ago, or not from this page). Open the link from your email again.</p>");

    public static string Stop(PortalStep step) => step.Page switch
    {
        PortalPage.Expired => Layout("expired", "This link has expired", "<p>The message is no longer available. Please contact the sender if you still need it.</p>"),
        PortalPage.Retracted => Layout("retracted", "This message was withdrawn", "<p>The sender has withdrawn this message. Please contact them if you have questions.</p>"),
        PortalPage.Locked => Layout("locked", "Too many attempts", $"<p>This message is locked after too many wrong answers. Try again after {Html(Time(step.LockedUntil))}.</p>"),
        _ => Layout("not-found", "This link is not valid", "<p>Please check that you opened the complete link from your email.</p>"),
    };

    private static string Problem(PortalStep step)
    {
        var text = step.Problem switch
        {
            PortalProblem.WrongBirthDate => "That date of birth does not match our records.",
            PortalProblem.UnreadableBirthDate => "Please enter the date as year, month and day.",
            PortalProblem.WrongCode => "That code is not right.",
            PortalProblem.CodeExpired => "That code has expired or was already used. Confirm your date of birth to get a new one.",
            PortalProblem.CheckUnavailable => "We cannot check your details just now. Please try again in a few minutes.",
            PortalProblem.CodeNotSent => "We could not send your code just now. Please try again in a few minutes.",
            PortalProblem.SessionMissing => "Please confirm your date of birth first.",
            _ => null,
        };
        if (text is null)
        {
            return "";
        }

        var left = step.AttemptsLeft is { } n ? string.Create(CultureInfo.InvariantCulture, $" {n} attempt{(n == 1 ? "" : "s")} left.") : "";
        return $"""<p class="problem" data-test="problem">{Html(text + left)}</p>""";
    }

    private static string Layout(string page, string title, string body) => $"""
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
        <title>{Html(title)}</title><style>{Style}</style></head>
        <body><main data-page="{page}"><h1>{Html(title)}</h1>
        {body}
        </main></body>
        </html>
        """;

    private static string Time(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? "a while";

    private static string Html(string text) => HtmlEncoder.Default.Encode(text);

    private static string Attr(string text) => HtmlEncoder.Default.Encode(text);
}
