using Automation.Activities.SecureSend.Policies;

namespace Automation.Activities.SecureSend.Tests.Policies;

public sealed class PolicyLoaderTests
{
    private static string RepoPolicies()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Automation.sln")))
        {
            folder = folder.Parent;
        }

        return Path.Combine(folder!.FullName, "workflows", "policies");
    }

    [Fact]
    public void Parse_InvalidPolicy_ListsEveryProblemWithItsJsonPath()
    {
        var json = """{ "tlsExclusive": "yes", "rules": [ { "sensitivity": "secret", "methods": ["smime", "fax", "smime"] }, { "methods": [] } ], "extra": 1 }""";

        var exception = Assert.Throws<PolicyValidationException>(() => PolicyLoader.Parse(json, "bad"));

        Assert.Contains("$.tlsExclusive: must be true or false", exception.Errors);
        Assert.Contains("$.rules[0].sensitivity: required, one of phi, non-phi, any", exception.Errors);
        Assert.Contains(exception.Errors, e => e.StartsWith("$.rules[0].methods[1]: unknown method 'fax'", StringComparison.Ordinal));
        Assert.Contains("$.rules[0].methods[2]: 'smime' is listed twice", exception.Errors);
        Assert.Contains(exception.Errors, e => e.StartsWith("$.rules[1].methods: required", StringComparison.Ordinal));
        Assert.Contains(exception.Errors, e => e.StartsWith("$.extra: unknown property", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_NotJson_NamesTheRoot()
    {
        var exception = Assert.Throws<PolicyValidationException>(() => PolicyLoader.Parse("{ rules: ", "bad"));

        Assert.StartsWith("$: not valid JSON", exception.Errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Get_ShippedPolicies_LoadAndBehaveAsDocumented()
    {
        var loader = new PolicyLoader(RepoPolicies());

        var standard = loader.Get("default");
        var exclusive = loader.Get("tls-exclusive");

        Assert.Equal(["smime", "pgp", "portal"], standard.Rules[0].Methods);
        Assert.True(exclusive.TlsExclusive);
        var decision = PolicyEngine.Decide(exclusive, true, "treatment", new RecipientCapabilities(false, false, true, false));
        Assert.True(decision.Blocked);
    }

    [Fact]
    public void Get_UnknownPolicy_Throws()
    {
        Assert.Throws<FileNotFoundException>(() => new PolicyLoader(RepoPolicies()).Get("nope"));
    }
}
