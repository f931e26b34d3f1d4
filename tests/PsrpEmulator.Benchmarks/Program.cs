using PsrpEmulator.Benchmarks;

Environment.SetEnvironmentVariable("POWERSHELL_TELEMETRY_OPTOUT", "1");
return await Runner.MainAsync(args);
