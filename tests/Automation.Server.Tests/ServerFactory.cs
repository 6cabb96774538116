using Automation.Engine.Execution;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Server.Tests;

/// <summary>A server on a given SQLite file, with the sample workflows folder and a known API key.</summary>
internal sealed class ServerFactory(string dataFolder, string workflowsFolder, StringWriter console) : WebApplicationFactory<Program>
{
    public const string ApiKey = "test-key-0123456789";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Automation:DataPath", dataFolder);
        builder.UseSetting("Automation:WorkflowsPath", workflowsFolder);
        builder.UseSetting("Automation:PluginsPath", Path.Combine(dataFolder, "plugins"));
        builder.UseSetting("Automation:ApiKey", ApiKey);
        builder.ConfigureServices(services => services.AddSingleton(new WorkflowConsole(console)));
    }
}
