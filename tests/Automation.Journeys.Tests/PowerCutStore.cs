using System.Reflection;
using System.Runtime.ExceptionServices;
using Automation.Engine.Persistence;

namespace Automation.Journeys.Tests;

/// <summary>
/// A view of the workflow store that loses power at a chosen call: that call and every later one fail without reaching
/// the store, as if the process had died right there. Everything committed before stays committed.
/// </summary>
internal class PowerCutStore : DispatchProxy
{
    private IWorkflowStore inner = null!;
    private Func<MethodInfo, object?[]?, bool> cutAt = null!;
    private int cut;

    /// <summary>Whether the power is off.</summary>
    public bool IsCut => Volatile.Read(ref cut) == 1;

    /// <summary>Wraps <paramref name="store"/>; the power goes off at the first call <paramref name="cutAt"/> picks.</summary>
    public static IWorkflowStore Wrap(IWorkflowStore store, Func<MethodInfo, object?[]?, bool> cutAt)
    {
        var proxy = Create<IWorkflowStore, PowerCutStore>();
        var self = (PowerCutStore)(object)proxy;
        self.inner = store;
        self.cutAt = cutAt;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (IsCut || cutAt(targetMethod, args))
        {
            Interlocked.Exchange(ref cut, 1);
            throw new IOException($"power cut (test) at {targetMethod.Name}");
        }

        try
        {
            return targetMethod.Invoke(inner, args);
        }
        catch (TargetInvocationException exception) when (exception.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(exception.InnerException).Throw();
            throw;
        }
    }
}
