using System.Text;
using Automation.Server.Fhir;

namespace Automation.Server.Tests;

/// <summary>The System.Text.Json fast path of the intake: what it reads, and that it hands anything else to Firely.</summary>
public sealed class BackportBundleReaderTests
{
    private static byte[] Bundle(string eventParts, string entries = "") => Encoding.UTF8.GetBytes(
        """{"resourceType":"Bundle","type":"history","entry":[{"resource":{"resourceType":"Parameters","parameter":["""
        + """{"name":"status","valueCode":"active"},{"name":"type","valueCode":"event-notification"},{"name":"topic","valueCanonical":"http://t"},"""
        + """{"name":"notification-event","part":[""" + eventParts + "]}]}}" + entries + "]}");

    [Fact]
    public void TryRead_FullResourceEventWithVersionedFocus_KeepsTheResourceJsonAndTheRelativeReference()
    {
        var body = Bundle(
            """{"name":"event-number","valueInteger":7},{"name":"focus","valueReference":{"reference":"https://ehr/fhir/Appointment/a1/_history/2"}}""",
            """,{"fullUrl":"https://ehr/fhir/Appointment/a1","resource":{"resourceType":"Appointment","id":"a1","status":"booked"}}""");

        var notification = BackportBundleReader.TryRead(body)!;

        Assert.Equal(("event-notification", "active", "http://t"), (notification.Kind, notification.Status, notification.Topic));
        var @event = Assert.Single(notification.Events);
        Assert.Equal(7, @event.Number);
        Assert.Equal("Appointment/a1", @event.Focus);
        Assert.Equal("""{"resourceType":"Appointment","id":"a1","status":"booked"}""", @event.ResourceJson); // found despite the version suffix
    }

    [Fact]
    public void TryRead_IdOnlyEvent_HasTheFocusWithoutResource()
    {
        var notification = BackportBundleReader.TryRead(Bundle("""{"name":"event-number","valueString":"12"},{"name":"focus","valueReference":{"reference":"Appointment/a9"}}"""))!;

        Assert.Equal((12L, "Appointment/a9", (string?)null), (notification.Events[0].Number, notification.Events[0].Focus, notification.Events[0].ResourceJson));
    }

    [Theory]
    [InlineData("""{"name":"timestamp","valueInstant":"2026-11-27T08:00:00Z"}""")]
    [InlineData("""{"name":"event-number","valueString":"twelve"}""")]
    public void TryRead_EventWithoutUsableNumber_LeavesItToTheFullParser(string parts)
    {
        Assert.Null(BackportBundleReader.TryRead(Bundle(parts)));
        var (notification, field, _) = SubscriptionNotification.Parse(Bundle(parts));
        Assert.Null(notification);
        Assert.Equal("notification-event.event-number", field);
    }

    [Theory]
    [InlineData("""{"resourceType":"Bundle","type":"searchset","entry":[]}""")]
    [InlineData("""{"resourceType":"Appointment","id":"a1"}""")]
    [InlineData("""{not json""")]
    public void TryRead_NotABackportBundle_ReturnsNull(string body) => Assert.Null(BackportBundleReader.TryRead(Encoding.UTF8.GetBytes(body)));
}
