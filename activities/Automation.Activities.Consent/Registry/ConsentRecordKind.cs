namespace Automation.Activities.Consent.Registry;

/// <summary>What an opt-in/opt-out record says.</summary>
public enum ConsentRecordKind
{
    /// <summary>The patient allows the purpose on the channel (<c>opt-in</c>).</summary>
    OptIn,

    /// <summary>The patient refuses the purpose on the channel (<c>opt-out</c>).</summary>
    OptOut,
}
