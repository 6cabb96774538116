using System.Net;

namespace Automation.Activities.SecureSend.Tracking;

/// <summary>What the public endpoint saw of an engagement: used to record it and to tell people from machines.</summary>
/// <param name="MessageId">The message id from the verified token.</param>
/// <param name="Type">One of <see cref="EngagementTypes"/>.</param>
/// <param name="At">When the request arrived.</param>
/// <param name="UserAgent">The <c>User-Agent</c> header (hashed before storing), if any.</param>
/// <param name="RemoteAddress">The client address, if known (only used to classify; never stored).</param>
/// <param name="HttpMethod">The request method (<c>GET</c>, <c>HEAD</c>, <c>POST</c>).</param>
public sealed record EngagementRequest(string MessageId, string Type, DateTimeOffset At, string? UserAgent, IPAddress? RemoteAddress, string HttpMethod);
