using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/Automation.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
