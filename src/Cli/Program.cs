using TraceTools.Cli;

return CommandLine.Run(args);
