using BenchmarkDotNet.Running;

// Run all suites or pick with --filter, e.g. `dotnet run -c Release --project bench -- --filter '*Decode*'`.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
