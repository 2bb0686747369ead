using Hangfire.AspNetCore;
using Hangfire.Logging;

namespace KoboConsole.Web.Features.Jobs;

/// <summary>
/// Hangfire keeps its log provider in a process-wide static, set by each host that adds Hangfire.
/// When several hosts share a process (the test suites start and dispose many) and the host that
/// set it last is disposed, every later Hangfire client in the process asked a disposed
/// LoggerFactory for a logger and the request failed with a 500. A disposed host's factory now
/// yields a silent logger instead.
/// </summary>
internal sealed class HostLogProvider(ILoggerFactory factory) : ILogProvider
{
    private readonly AspNetCoreLogProvider _inner = new(factory);

    public ILog GetLogger(string name)
    {
        try
        {
            return _inner.GetLogger(name);
        }
        catch (ObjectDisposedException)
        {
            return Silent.Instance;
        }
    }

    private sealed class Silent : ILog
    {
        public static readonly Silent Instance = new();

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}
