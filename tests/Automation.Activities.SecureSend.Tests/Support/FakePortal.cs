using System.Collections.Concurrent;
using Automation.Activities.SecureSend.Portal;

namespace Automation.Activities.SecureSend.Tests.Support;

internal sealed class FakePortal : IPortalMailbox
{
    public ConcurrentDictionary<string, PortalMessage> Deposits { get; } = new();

    public Task<PortalDeposit> DepositAsync(PortalMessage message, CancellationToken cancellationToken = default)
    {
        Deposits.TryAdd(message.MessageId, message);
        return Task.FromResult(new PortalDeposit(message.MessageId, new Uri("https://portal.example.org/pickup/" + message.MessageId)));
    }
}
