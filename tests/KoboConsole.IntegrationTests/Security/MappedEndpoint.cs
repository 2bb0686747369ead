using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Security;

/// <summary>One route the app maps, with a concrete path to call (route parameters filled with "probe").</summary>
internal sealed record MappedEndpoint(string Key, string Method, string Pattern, string Path, Endpoint Endpoint)
{
    /// <summary>Every route endpoint of the running app but static files, one per method.</summary>
    public static List<MappedEndpoint> All(IServiceProvider services)
    {
        var list = new List<MappedEndpoint>();
        foreach (var endpoint in services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").Trim('/');
            if (IsStaticFile(endpoint, pattern))
            {
                continue;
            }

            var path = System.Text.RegularExpressions.Regex.Replace(pattern, @"\{\*{0,2}([^}:=?]+)[^}]*\}", "probe");
            // SignalR's negotiate and disconnect routes carry no method metadata but answer POST only.
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods
                ?? (pattern.EndsWith("/negotiate", StringComparison.Ordinal) || pattern.EndsWith("/disconnect", StringComparison.Ordinal) ? ["POST"] : ["GET"]);
            foreach (var method in methods.Where(m => m != "OPTIONS" && m != "HEAD"))
            {
                list.Add(new MappedEndpoint($"{method} {pattern}", method, pattern, path, endpoint));
            }
        }

        return list.DistinctBy(e => e.Key).ToList();
    }

    public bool IsPage => Endpoint.Metadata.Any(m => m.GetType().Name == "ComponentTypeMetadata");

    private static bool IsStaticFile(RouteEndpoint endpoint, string pattern) =>
        endpoint.Metadata.Any(m => m.GetType().Name.Contains("StaticAsset", StringComparison.Ordinal))
        || pattern.StartsWith("/_framework/", StringComparison.Ordinal) || pattern.StartsWith("/_content/", StringComparison.Ordinal);
}
