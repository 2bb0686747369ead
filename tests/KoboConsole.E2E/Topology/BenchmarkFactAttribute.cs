namespace KoboConsole.E2E.Topology;

/// <summary>A measurement, not a test: runs only with KOBO_BENCH=1 (see docs/benchmarks.md), skipped otherwise.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BenchmarkFactAttribute : FactAttribute
{
    public BenchmarkFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("KOBO_BENCH") != "1")
        {
            Skip = "benchmark: set KOBO_BENCH=1 to run it";
        }
    }
}
