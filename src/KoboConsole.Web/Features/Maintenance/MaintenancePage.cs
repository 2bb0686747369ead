using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using KoboConsole.Web.Features.Stack;

namespace KoboConsole.Web.Features.Maintenance;

/// <summary>The kobo domain as nginx's environment names it (kobo-install's domains.txt).</summary>
public sealed record PublicSite(string? Domain, string Scheme = "https", string KoboformSubdomain = "kf", string EnketoSubdomain = "ee")
{
    public static PublicSite FromEnv(IReadOnlyList<string> env)
    {
        var values = ContainerEnv.Of(env);
        string Get(string key, string fallback) => values.TryGetValue(key, out var v) && v.Length > 0 ? v : fallback;
        return new PublicSite(
            values.GetValueOrDefault("PUBLIC_DOMAIN_NAME") is { Length: > 0 } d ? d : null,
            Get("PUBLIC_REQUEST_SCHEME", "https"),
            Get("KOBOFORM_PUBLIC_SUBDOMAIN", "kf"),
            Get("ENKETO_EXPRESS_PUBLIC_SUBDOMAIN", "ee"));
    }
}

/// <summary>
/// Renders the public maintenance page from the console's template (<c>wwwroot/maintenance/page.html</c>).
/// Every value is HTML-escaped here, whatever validation let through.
/// </summary>
public static partial class MaintenancePage
{
    public const string TemplatePath = "maintenance/page.html";

    /// <summary>
    /// One pass over the template: each <c>{{NAME}}</c> is replaced by its value, and values are never
    /// scanned again, so a value that contains <c>{{LINKS}}</c> (or <c>${x}</c>) stays literal text.
    /// Unknown placeholders are left as they are.
    /// </summary>
    public static string Render(string template, MaintenanceFields fields, PublicSite site)
    {
        static string E(string? value) => WebUtility.HtmlEncode(value ?? "");
        var contact = fields.Email is { Length: > 0 } email
            ? $"Questions? Please contact <a href=\"mailto:{E(Uri.EscapeDataString(email).Replace("%40", "@", StringComparison.Ordinal))}\">{E(email)}</a>."
            : "Questions? Please contact your administrator.";
        var worldClock = "https://www.timeanddate.com/worldclock/fixedtime.html?iso=" + Uri.EscapeDataString(fields.DateIso);
        var siteName = site.Domain is null ? "KoboToolbox" : $"KoboToolbox ({site.Domain})";
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["SITE_NAME"] = E(siteName),
            ["ETA"] = E(fields.Eta),
            ["DATE_STR"] = E(fields.DateStr),
            ["DATE_ISO"] = E(fields.DateIso),
            ["WORLD_CLOCK_URL"] = E(worldClock),
            ["CONTACT"] = contact,
            ["LINKS"] = Links(site),
        };
        return Placeholder().Replace(template, m => values.TryGetValue(m.Groups[1].Value, out var value) ? value : m.Value);
    }

    private static string Links(PublicSite site)
    {
        if (site.Domain is null)
        {
            return "";
        }

        var scheme = site.Scheme is "http" or "https" ? site.Scheme : "https";
        var kf = $"{scheme}://{site.KoboformSubdomain}.{site.Domain}/";
        var ee = $"{scheme}://{site.EnketoSubdomain}.{site.Domain}/";
        return string.Create(CultureInfo.InvariantCulture,
            $"<a href=\"{WebUtility.HtmlEncode(kf)}\">{WebUtility.HtmlEncode(kf)}</a> · <a href=\"{WebUtility.HtmlEncode(ee)}\">{WebUtility.HtmlEncode(ee)}</a>");
    }

    /// <summary>
    /// The nginx configuration of the maintenance container: 503 with the page and <c>Retry-After</c>
    /// for every path, <c>/service_health/</c> 200, own assets under <c>/maintenance-assets/</c> 200.
    /// </summary>
    public static string NginxConfig(IEnumerable<int> ports, int retryAfterSeconds)
    {
        var listens = string.Concat(ports.Distinct().Order().Select(p => $"        listen {p.ToString(CultureInfo.InvariantCulture)} default_server;\n"));
        return $$"""
            worker_processes 1;
            pid /tmp/kobo-maintenance-nginx.pid;
            error_log stderr;
            events { worker_connections 256; }
            http {
                access_log /dev/stdout;
                default_type text/html;
                charset utf-8;
                server_tokens off;
                server {
            {{listens}}        root {{BundleDirectory}}/www;
                    location = /service_health/ { default_type text/plain; return 200 "ok\n"; }
                    location /maintenance-assets/ { try_files $uri =404; }
                    location / { return 503; }
                    error_page 503 /maintenance.html;
                    location = /maintenance.html {
                        internal;
                        add_header Retry-After {{retryAfterSeconds.ToString(CultureInfo.InvariantCulture)}} always;
                        add_header Cache-Control "no-store" always;
                        add_header {{MarkerHeader}} on always;
                    }
                }
            }

            """;
    }

    [GeneratedRegex(@"\{\{([A-Z_]+)\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    /// <summary>Where the bundle lives inside the maintenance container.</summary>
    public const string BundleDirectory = "/etc/kobo-maintenance";

    /// <summary>Set on every maintenance response, so a check can tell our page from nginx's own 503s.</summary>
    public const string MarkerHeader = "X-Kobo-Maintenance";
}
