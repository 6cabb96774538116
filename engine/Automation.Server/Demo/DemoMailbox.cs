using Automation.Activities.SecureSend.Capture;

namespace Automation.Server.Demo;

/// <summary>The demo's local SMTP capture, started with the server and stopped with it. Captured mail also lands in
/// <c>{DataPath}/mail</c> as <c>.eml</c> files.</summary>
internal sealed class DemoMailbox : IAsyncDisposable
{
    private SmtpCapture? capture;

    /// <summary>The running capture, or <c>null</c> before start.</summary>
    public SmtpCapture? Capture => capture;

    public void Start(int port, string folder) => capture ??= SmtpCapture.Start(new SmtpCaptureOptions { Port = port, StartTls = true, Keep = 5000, Folder = folder });

    public async ValueTask DisposeAsync()
    {
        if (capture is not null)
        {
            await capture.DisposeAsync().ConfigureAwait(false);
        }
    }
}
