using BenchmarkDotNet.Running;

namespace Automation.Benchmarks;

/// <summary>dotnet run -c Release --project tests/Automation.Benchmarks -- --filter '*'</summary>
public static class BenchmarkProgram
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
}
