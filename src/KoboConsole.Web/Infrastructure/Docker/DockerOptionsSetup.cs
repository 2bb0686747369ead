using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Infrastructure.Docker;

/// <summary>Adds the local engine when no host is configured (after binding, so it never duplicates).</summary>
internal sealed class DockerOptionsDefaults : IPostConfigureOptions<DockerOptions>
{
    public void PostConfigure(string? name, DockerOptions options)
    {
        if (options.Hosts.Count == 0)
        {
            options.Hosts.Add(new DockerHostOptions
            {
                Name = DockerHostOptions.LocalName,
                Endpoint = DockerHostOptions.LocalEndpoint,
            });
        }
    }
}

/// <summary>Checks every host entry; each failure names its configuration key.</summary>
internal sealed class DockerOptionsValidator : IValidateOptions<DockerOptions>
{
    public ValidateOptionsResult Validate(string? name, DockerOptions options)
    {
        var failures = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Hosts.Count; i++)
        {
            var host = options.Hosts[i];
            var key = $"{DockerOptions.SectionName}:Hosts:{i}";
            if (string.IsNullOrWhiteSpace(host.Name))
            {
                failures.Add($"{key}:Name: every Docker host needs a name (e.g. \"local\" or \"backend\").");
            }
            else if (!seen.Add(host.Name))
            {
                failures.Add($"{key}:Name: '{host.Name}' is used by more than one Docker host; names must be unique.");
            }

            if (!IsEndpoint(host.Endpoint))
            {
                failures.Add($"{key}:Endpoint: '{host.Endpoint}' is not a Docker endpoint; expected unix:///path or tcp://host:port");
            }

            if (host.ConnectTimeoutSeconds is < 1 or > 300)
            {
                failures.Add($"{key}:ConnectTimeoutSeconds: {host.ConnectTimeoutSeconds} is out of range; expected 1 to 300 seconds.");
            }

            CheckFile(failures, $"{key}:TlsCaCertPath", host.TlsCaCertPath);
            CheckFile(failures, $"{key}:TlsCertPath", host.TlsCertPath);
            CheckFile(failures, $"{key}:TlsKeyPath", host.TlsKeyPath);
            if ((host.TlsCertPath is null) != (host.TlsKeyPath is null))
            {
                failures.Add($"{key}:TlsKeyPath: TlsCertPath and TlsKeyPath go together; set both or neither.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static bool IsEndpoint(string? endpoint)
    {
        if (string.IsNullOrWhiteSpace(endpoint) || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
        {
            return false;
        }

        // Uri.Scheme is always lower case.
        return uri.Scheme switch
        {
            "unix" => uri.AbsolutePath.Length > 1,
            "npipe" => uri.AbsolutePath.StartsWith("/pipe/", StringComparison.OrdinalIgnoreCase),
            "tcp" => !string.IsNullOrEmpty(uri.Host) && uri.Port > 0,
            "http" or "https" => !string.IsNullOrEmpty(uri.Host),
            _ => false,
        };
    }

    private static void CheckFile(List<string> failures, string key, string? path)
    {
        if (path is not null && !File.Exists(path))
        {
            failures.Add($"{key}: file '{path}' does not exist (or the console cannot read it).");
        }
    }
}
