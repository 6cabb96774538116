using Automation.Activities.SecureSend.Sensitivity;

namespace Automation.Activities.SecureSend.Tests.Sensitivity;

public sealed class PhiTemplateAnalyzerTests
{
    [Theory]
    [InlineData("Hello {{ Patient.firstName }}, see you soon.", "")]
    [InlineData("{% for c in Patient.conditions %}{{ c.display }}{% endfor %}", "conditions")]
    [InlineData("HbA1c {{ Patient.labs['4548-4'].value }}", "labs")]
    [InlineData("{{ Patient[\"medications\"] | size }} medications", "medications")]
    [InlineData("{% if Patient.appointments.size > 0 %}{{ Patient.appointments[0].start }}{% endif %}", "appointments")]
    [InlineData("{% assign cover = Patient.coverages | first %}{{ cover.kind }} {{ patient.encounters | size }}", "coverages,encounters")]
    [InlineData("{% assign p = Patient %}{{ p.immunizations }}", "*")]
    public void PhiFieldsRead_FindsPatientMemberAccess(string template, string expected)
    {
        Assert.Equal(expected, string.Join(",", PhiTemplateAnalyzer.PhiFieldsRead(template, "Html")));
    }

    [Fact]
    public void Of_PhiTemplateMarkedNonPhi_IsOverriddenWithTheReason()
    {
        var verdict = SensitivityVerdict.Of(["labs"], containsPhi: false);

        Assert.True(verdict.IsPhi);
        Assert.Contains("ContainsPhi=false overridden", verdict.Reason);
    }

    [Fact]
    public void Of_ContainsPhiTrue_MakesAPlainTemplatePhi()
    {
        Assert.True(SensitivityVerdict.Of([], containsPhi: true).IsPhi);
        Assert.False(SensitivityVerdict.Of([], containsPhi: null).IsPhi);
    }

    [Fact]
    public void Parse_BrokenTemplate_ThrowsNamingTheField()
    {
        var exception = Assert.Throws<FormatException>(() => PhiTemplateAnalyzer.PhiFieldsRead("{% if %}", "Subject"));

        Assert.StartsWith("Subject: Liquid does not parse", exception.Message, StringComparison.Ordinal);
    }
}
