using KoboConsole.Web.Infrastructure.Configuration;

namespace KoboConsole.Web.Features.Logs;

public static class LogsModule
{
    public static WebApplicationBuilder AddLogs(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<LogsOptions>(LogsOptions.Section);
        // Each followed source holds a Docker connection whose reads complete on pool threads; on a
        // 2-core host the pool starts with 2 threads and adds about one per 0.5 s under load, which
        // showed as 0.5-1 s stalls in live logs (docs/benchmarks.md). Start with more.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));
        builder.Services.AddSingleton<LogPump>();
        builder.Services.AddSingleton<LogSources>();
        builder.Services.AddSingleton<LogStreamService>();
        return builder;
    }
}
