using Automation.Cli;

return await CliApplication.RunAsync(args, Console.Out, Console.Error, Console.In);
