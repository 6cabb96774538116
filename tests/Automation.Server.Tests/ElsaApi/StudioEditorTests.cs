using System.Reflection;
using Automation.Engine.Activities;
using Automation.Engine.Descriptors;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Server.Tests.ElsaApi;

/// <summary>Every input of every activity the server ships has an editor in Elsa Studio 3.8.2 (Studio shows
/// "Unsupported UI hint" instead of an editor for a name it does not know).</summary>
public sealed class StudioEditorTests : IDisposable
{
    private readonly string data = Directory.CreateTempSubdirectory("automation-studio-editors-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task EveryShippedActivityInput_UsesAUIHintStudioHasAnEditorFor()
    {
        await using var server = new ServerFactory(data, Path.Combine(data, "workflows"), new StringWriter());
        var known = typeof(UIHints).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!).ToHashSet(StringComparer.Ordinal);

        var descriptors = server.Services.GetRequiredService<ActivityRegistry>().Descriptors;
        var unknown = descriptors.SelectMany(d => d.Inputs.Where(i => !known.Contains(i.UIHint)).Select(i => $"{d.TypeName}.{i.Name}: '{i.UIHint}'")).ToList();

        Assert.Contains(descriptors, d => d.TypeName == "Healthcare.SecureSend");
        Assert.Empty(unknown);
    }
}
