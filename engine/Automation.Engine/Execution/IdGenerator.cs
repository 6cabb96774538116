namespace Automation.Engine.Execution;

/// <summary>Generates instance and bookmark ids. Time-ordered (UUIDv7) so store indexes stay append-mostly.</summary>
public class IdGenerator
{
    /// <summary>Returns a new id.</summary>
    /// <returns>32 lowercase hex characters.</returns>
    public virtual string NewId() => Guid.CreateVersion7().ToString("N");
}
