using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Features.Topology;
using KoboConsole.Web.Features.Topology.Health;
using KoboConsole.Web.Infrastructure.Docker;
using KoboConsole.Web.Infrastructure.Probes;

namespace KoboConsole.Web.Features.Checks;

/// <summary>
/// The service checks that talk to kobo: the site through nginx (kpi, KoBoCAT, Enketo each with
/// its public host name, as nginx routes them) and the back-end probes the topology page shows
/// (<see cref="ServiceHealth"/>), run whether or not anyone looks.
/// </summary>
public sealed class ServiceChecks(ServiceHealth health, IDockerHosts hosts)
{
    /// <summary>The back-end services probed, and what a failing probe means for kobo.</summary>
    private static readonly Dictionary<string, string> Probed = new(StringComparer.Ordinal)
    {
        ["postgres"] = "kpi cannot read or save projects and submissions",
        ["mongo"] = "submissions cannot be read or saved",
        ["redis_main"] = "Enketo forms and Celery tasks stop",
        ["redis_cache"] = "logins and sessions fail",
    };

    /// <summary>The public sites behind nginx: the check's target, the subdomain variable and its default.</summary>
    private static readonly (string Target, string Variable, string? Default)[] Sites =
    [
        ("kpi", "KOBOFORM_PUBLIC_SUBDOMAIN", "kf"),
        ("kobocat", "KOBOCAT_PUBLIC_SUBDOMAIN", null),
        ("enketo", "ENKETO_EXPRESS_PUBLIC_SUBDOMAIN", "ee"),
    ];

    /// <summary>The public domain the last HTTP check read from nginx's environment (names the install in alerts).</summary>
    public string? Domain { get; private set; }

    public async Task<IReadOnlyList<CheckResult>> ProbesAsync(TopologyView view, CancellationToken cancellationToken)
    {
        var containers = view.Containers.Where(c => Probed.ContainsKey(c.Service)).ToList();
        var results = await Task.WhenAll(containers.Select(async c =>
        {
            var target = ContainerChecks.Target(view, c);
            if (c.State != "running")
            {
                return new CheckResult(CheckKinds.Probe, target, CheckStates.Failing, $"{c.Name} is {c.State}, so {Probed[c.Service]}. Start it from the topology page.");
            }

            var r = await health.ProbeAsync(c, cancellationToken);
            return r.Ok
                ? new CheckResult(CheckKinds.Probe, target, CheckStates.Ok, $"{c.Service} answers ({r.Via}).")
                : new CheckResult(CheckKinds.Probe, target, CheckStates.Failing, $"{c.Service} does not answer, so {Probed[c.Service]}: {r.Error} Read its log on the topology page.");
        }));

        // A back end whose container of a service is gone entirely (removed, not stopped).
        var list = results.ToList();
        if (view.Containers.Any(c => Probed.ContainsKey(c.Service)))
        {
            list.AddRange(Probed.Keys.Where(s => view.Containers.All(c => c.Service != s))
                .Select(s => new CheckResult(CheckKinds.Probe, s, CheckStates.Failing, $"No {s} container exists, so {Probed[s]}. Recreate it (kobo-install's start, or docker compose up -d {s}).")));
        }

        return list;
    }

    public async Task<IReadOnlyList<CheckResult>> SitesAsync(TopologyView view, CancellationToken cancellationToken)
    {
        var nginxes = view.Containers.Where(c => c.Service == "nginx").ToList();
        var results = new List<CheckResult>();
        foreach (var nginx in nginxes)
        {
            var suffix = nginxes.Count > 1 ? $"@{nginx.Host}" : "";
            if (nginx.State != "running")
            {
                results.AddRange(Sites.Where(s => s.Default is not null).Select(s => new CheckResult(CheckKinds.Http, s.Target + suffix, CheckStates.Failing,
                    $"nginx ({nginx.Name}) is {nginx.State}: the site is down for users. Start nginx from the topology page, or turn the maintenance page on if this is planned.")));
                continue;
            }

            try
            {
                var engine = hosts.Get(nginx.Host);
                var details = await engine.InspectContainerAsync(nginx.Id, cancellationToken);
                var env = ContainerEnv.Of(details.Env);
                Domain = env.GetValueOrDefault("PUBLIC_DOMAIN_NAME") ?? Domain;
                var addresses = ProbeAddresses.For(details, 80, engine.Endpoint);
                foreach (var (target, variable, fallback) in Sites)
                {
                    if ((env.GetValueOrDefault(variable) ?? fallback) is { Length: > 0 } subdomain)
                    {
                        results.Add(await SiteAsync(target + suffix, subdomain, env.GetValueOrDefault("PUBLIC_DOMAIN_NAME"), addresses, cancellationToken));
                    }
                }
            }
            catch (DockerException ex)
            {
                results.AddRange(Sites.Where(s => s.Default is not null).Select(s => new CheckResult(CheckKinds.Http, s.Target + suffix, CheckStates.Unknown,
                    $"The console cannot inspect nginx on {nginx.Host}: {ex.Message}")));
            }
        }

        return results;
    }

    private static async Task<CheckResult> SiteAsync(string target, string subdomain, string? domain, IReadOnlyList<ProbeAddress> addresses, CancellationToken cancellationToken)
    {
        var host = domain is null ? subdomain : $"{subdomain}.{domain}";
        if (addresses.Count == 0)
        {
            return new CheckResult(CheckKinds.Http, target, CheckStates.Unknown, $"nginx has no published port and no network address the console could try for {host}.");
        }

        var errors = new List<string>();
        foreach (var a in addresses)
        {
            try
            {
                await KpiHealth.ProbeAsync(a, subdomain, domain, ServiceHealth.Timeout, cancellationToken);
                return new CheckResult(CheckKinds.Http, target, CheckStates.Ok, $"{host}/service_health/ answers 200 through nginx ({a.Via}).");
            }
            catch (ProbeFailedException ex)
            {
                errors.Add(ex.Message);
            }
        }

        return new CheckResult(CheckKinds.Http, target, CheckStates.Failing,
            $"{host} fails its health check through nginx: {errors[0]} Users cannot reach it: look at the {target} container's log on the topology page.");
    }
}
