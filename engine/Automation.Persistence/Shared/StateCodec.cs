using Automation.Engine.Execution;
using Automation.Engine.Persistence;
using Automation.Engine.Security;

namespace Automation.Persistence.Shared;

/// <summary>
/// How an instance's state document is stored. The state holds what activities output (a patient context: names,
/// conditions, appointments), so with a key ring it is encrypted at rest (AES-256-GCM, the instance id as associated
/// data, so a row copied onto another instance does not decrypt). Plain JSON rows written before encryption was on
/// still read (they start with '{'; encrypted ones with the format byte 0x01).
/// </summary>
internal sealed class StateCodec(PhiProtector? protector)
{
    public static StateCodec Plain { get; } = new(null);

    public byte[] Encode(WorkflowState state, long revision)
    {
        var json = StoreValues.SerializeAtRevision(state, revision);
        return protector is null ? json : protector.Protect(json, System.Text.Encoding.UTF8.GetBytes(state.InstanceId));
    }

    public WorkflowState Decode(string instanceId, byte[] stored)
    {
        if (stored.Length > 0 && stored[0] == (byte)'{')
        {
            return WorkflowStateJson.Deserialize(stored);
        }

        if (protector is null)
        {
            throw new InvalidOperationException($"Instance {instanceId} is stored encrypted and no PHI key ring is configured.");
        }

        return WorkflowStateJson.Deserialize(protector.Unprotect(stored, System.Text.Encoding.UTF8.GetBytes(instanceId)));
    }
}
