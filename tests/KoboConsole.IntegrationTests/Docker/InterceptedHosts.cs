using System.Reflection;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.IntegrationTests.Docker;

/// <summary>
/// The real Docker hosts, with every engine call passed through <c>hook</c> first (method, arguments,
/// and the real call to make): to count calls, hold them at a barrier, or inject a daemon error.
/// </summary>
public sealed class InterceptedHosts : IDockerHosts
{
    private readonly IDockerHosts _inner;
    private readonly Dictionary<string, IContainerEngine> _engines;

    public InterceptedHosts(IDockerHosts inner, Func<IContainerEngine, MethodInfo, object?[], Func<object?>, object?> hook)
    {
        _inner = inner;
        _engines = inner.All.ToDictionary(e => e.Name, e => Intercepted.Wrap(e, hook), StringComparer.Ordinal);
    }

    public IReadOnlyList<IContainerEngine> All => [.. _inner.All.Select(e => _engines[e.Name])];

    public IContainerEngine Get(string hostName) => _engines.TryGetValue(hostName, out var e) ? e : _inner.Get(hostName);

    public class Intercepted : DispatchProxy
    {
        private IContainerEngine _inner = null!;
        private Func<IContainerEngine, MethodInfo, object?[], Func<object?>, object?> _hook = null!;

        public static IContainerEngine Wrap(IContainerEngine inner, Func<IContainerEngine, MethodInfo, object?[], Func<object?>, object?> hook)
        {
            var proxy = Create<IContainerEngine, Intercepted>();
            var self = (Intercepted)(object)proxy;
            self._inner = inner;
            self._hook = hook;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            _hook(_inner, targetMethod!, args ?? [], () =>
            {
                try
                {
                    return targetMethod!.Invoke(_inner, args);
                }
                catch (TargetInvocationException ex) when (ex.InnerException is not null)
                {
                    throw ex.InnerException;
                }
            });
    }
}
