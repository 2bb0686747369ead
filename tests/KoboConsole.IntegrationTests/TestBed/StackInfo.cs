using System.Globalization;

namespace KoboConsole.IntegrationTests.TestBed;

/// <summary>
/// The key=value lines `stack.sh up` prints (see docker/testbed/README.md). Containers come as
/// <c>container.&lt;service&gt;=&lt;name&gt;</c>.
/// </summary>
public sealed record StackInfo(
    string Stack,
    string Generation,
    string Prefix,
    string FrontendProject,
    string BackendProject,
    string FrontendDocker,
    string BackendDocker,
    string FrontendNetwork,
    string BackendNetwork,
    string Domain,
    int NginxPort,
    int? PostgresPort,
    string PostgresUser,
    string PostgresPassword,
    string StackDir,
    IReadOnlyDictionary<string, string> Containers,
    IReadOnlyDictionary<string, string> Values)
{
    public static StackInfo Parse(string output)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"not a key=value line in stack.sh output: '{line}'");
            }

            values[line[..eq]] = line[(eq + 1)..];
        }

        string Get(string key) => values.TryGetValue(key, out var v)
            ? v
            : throw new FormatException($"stack.sh output has no '{key}=' line");

        var containers = values
            .Where(kv => kv.Key.StartsWith("container.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key["container.".Length..], kv => kv.Value, StringComparer.Ordinal);

        return new StackInfo(
            Get("stack"),
            Get("generation"),
            Get("prefix"),
            Get("frontend_project"),
            Get("backend_project"),
            Get("frontend_docker"),
            Get("backend_docker"),
            Get("frontend_network"),
            Get("backend_network"),
            Get("domain"),
            // Empty behind the TLS proxy (--tls-proxy): nginx publishes no port there.
            Get("nginx_port") is { Length: > 0 } nginxPort ? int.Parse(nginxPort, CultureInfo.InvariantCulture) : 0,
            values.TryGetValue("postgres_port", out var pg) ? int.Parse(pg, CultureInfo.InvariantCulture) : null,
            Get("postgres_user"),
            Get("postgres_password"),
            Get("stack_dir"),
            containers,
            values);
    }
}
