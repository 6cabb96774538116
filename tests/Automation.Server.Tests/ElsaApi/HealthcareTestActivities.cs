using Automation.Engine.Activities;

namespace Automation.Server.Tests.ElsaApi;

// Stand-ins for the healthcare activities the captured Studio fixtures use (Healthcare.* type names), until the real
// activity libraries exist. They only complete with an outcome; nothing is fetched or sent.

[Activity("Healthcare", "Healthcare", "Reads a patient (test stand-in).")]
[FlowNode("Done", "NotFound")]
public sealed class FetchPatient : Activity
{
    [Input(Required = true)]
    public Input<string> PatientId { get; set; } = new();

    [Input]
    public Input<bool> IncludeContactInfo { get; set; } = new();

    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.Complete("Done");
        return ValueTask.CompletedTask;
    }
}

[Activity("Healthcare", "Healthcare", "Checks consent (test stand-in).")]
[FlowNode("Granted", "Denied")]
public sealed class CheckConsent : Activity
{
    [Input]
    public Input<string> PatientId { get; set; } = new();

    [Input(Options = ["Email", "Sms"], DefaultValue = "Email")]
    public Input<string> Channel { get; set; } = new();

    [Input]
    public Input<bool> RequireWrittenAuthorization { get; set; } = new();

    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.Complete("Granted");
        return ValueTask.CompletedTask;
    }
}

[Activity("Healthcare", "Healthcare", "Sends a message securely (test stand-in).")]
public sealed class SecureSend : Activity
{
    [Input]
    public Input<string> Recipient { get; set; } = new();

    [Input]
    public Input<string> Subject { get; set; } = new();

    [Input(UIHint = UIHints.MultiLine)]
    public Input<string> Body { get; set; } = new();

    [Input]
    public Input<bool> Encrypt { get; set; } = new();

    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.Complete();
        return ValueTask.CompletedTask;
    }
}
