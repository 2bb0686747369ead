using System.Net;
using KoboConsole.Web.Infrastructure.Configuration;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Infrastructure.Http;

/// <summary>Which reverse proxies may tell the console the client's address and scheme.</summary>
public sealed class ProxyOptions
{
    public const string Section = "KoboConsole:Http";

    /// <summary>Addresses of trusted proxies; loopback only when listed (127.0.0.1, ::1) or inside a listed network.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR form, e.g. 172.18.0.0/16 for a proxy container.</summary>
    public List<string> KnownNetworks { get; set; } = [];
}

/// <summary>
/// X-Forwarded-For and X-Forwarded-Proto from a trusted proxy become the request's client address
/// and scheme, so cookies get Secure behind a TLS proxy and the login rate limit counts clients,
/// not the proxy. Only the configured proxies are trusted: ASP.NET Core's default trusts loopback,
/// which let any local process (or a proxy that passes the header on unchecked) pick a fresh
/// rate-limit bucket per spoofed address. The Host header is not taken from X-Forwarded-Host: the
/// proxy passes Host itself.
/// </summary>
public static class ForwardedHeadersSetup
{
    public static WebApplicationBuilder AddForwardedHeaders(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ProxyOptions>(ProxyOptions.Section);
        builder.Services.AddSingleton<IValidateOptions<ProxyOptions>, ProxyOptionsValidator>();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>((o, proxies) =>
        {
            // ASP.NET Core trusts loopback by default, and every address once both lists are empty:
            // with no proxy configured, no forwarded header is read at all.
            var configured = proxies.Value.KnownProxies.Count > 0 || proxies.Value.KnownNetworks.Count > 0;
            o.ForwardedHeaders = configured ? ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto : ForwardedHeaders.None;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
#pragma warning disable ASPDEPR005 // the obsolete list holds 127.0.0.0/8 by default too
            o.KnownNetworks.Clear();
#pragma warning restore ASPDEPR005
            foreach (var address in proxies.Value.KnownProxies)
            {
                o.KnownProxies.Add(IPAddress.Parse(address));
            }

            foreach (var network in proxies.Value.KnownNetworks)
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return builder;
    }
}

internal sealed class ProxyOptionsValidator : IValidateOptions<ProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, ProxyOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.KnownProxies.Count; i++)
        {
            if (!IPAddress.TryParse(options.KnownProxies[i], out _))
            {
                failures.Add($"{ProxyOptions.Section}:KnownProxies:{i}: not an IP address; use one like 172.18.0.5 or fd00::5.");
            }
        }

        for (var i = 0; i < options.KnownNetworks.Count; i++)
        {
            if (!System.Net.IPNetwork.TryParse(options.KnownNetworks[i], out _))
            {
                failures.Add($"{ProxyOptions.Section}:KnownNetworks:{i}: not a network in CIDR form; use one like 172.18.0.0/16.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
