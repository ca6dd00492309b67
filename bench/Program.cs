using BenchmarkDotNet.Running;

// Run all suites or pick with --filter, e.g. `dotnet run -c Release --project bench -- --filter '*Decode*'`.
// `refs TRACE [--rounds R]` runs the in-run references of bench/run.sh instead (see Refs/ReferenceRun.cs).
if (args.Length > 0 && args[0] == "refs") return TraceTools.Bench.Refs.ReferenceRun.Run(args[1..]);
// `columns TRACE [--rounds R]`: the column decode against LZ4 on the same chunks held in memory (Refs/ColumnLoop.cs).
if (args.Length > 0 && args[0] == "columns") return TraceTools.Bench.Refs.ColumnLoop.Run(args[1..]);
// `v1copy TRACE OUT [--format-version 4]`: TRACE rewritten in format v1 (or v4) without the kinds v1 cannot hold, for the baseline (Refs/V1Copy.cs).
if (args.Length > 0 && args[0] == "v1copy") return TraceTools.Bench.Refs.V1Copy.Run(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
