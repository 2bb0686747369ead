using KoboConsole.Web.Features.Restores.Stores;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Restores;

/// <summary>
/// kpi's <c>/service_health/</c> must answer 200 after the writers start. Asked from inside each
/// kpi container (curl, wget or Python, whichever the image has): during maintenance the public
/// address serves the maintenance page, whose own <c>/service_health/</c> would always say 200.
/// </summary>
public sealed class HealthGate(StackDiscovery discovery, IDockerHosts hosts)
{
    private const string Probe =
        """
        u=http://127.0.0.1:8000/service_health/
        if command -v curl >/dev/null 2>&1; then exec curl -fsS -o /dev/null -m 5 "$u"; fi
        if command -v wget >/dev/null 2>&1; then exec wget -q -O /dev/null -T 5 "$u"; fi
        exec python3 -c 'import sys, urllib.request; sys.exit(0 if urllib.request.urlopen(sys.argv[1], timeout=5).status == 200 else 1)' "$u"
        """;

    /// <summary>Returns the detail when every kpi answered 200 within <paramref name="timeout"/>, else throws with the last answer.</summary>
    public async Task<string> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        var last = "no kpi container runs";
        while (true)
        {
            var kpis = (await discovery.DiscoverAsync(false, cancellationToken)).Service("kpi");
            if (kpis.Count > 0 && kpis.All(k => k.Running))
            {
                var failures = new List<string>();
                foreach (var kpi in kpis)
                {
                    try
                    {
                        await StdinExec.TextAsync(new RestoreTarget(hosts.Get(kpi.Host), kpi.Id), ["sh", "-c", Probe], [], $"asking {kpi.Name} for /service_health/", cancellationToken);
                    }
                    catch (RestoreStepException ex)
                    {
                        failures.Add(ex.Message);
                    }
                }

                if (failures.Count == 0)
                {
                    return $"/service_health/ answered 200 in {string.Join(", ", kpis.Select(k => k.Name))}.";
                }

                last = failures[0];
            }
            else if (kpis.Count > 0)
            {
                last = $"{kpis.First(k => !k.Running).Name} is not running";
            }

            if (DateTimeOffset.UtcNow >= deadline)
            {
                throw new RestoreStepException($"kpi did not answer /service_health/ with 200 within {timeout.TotalSeconds:0} s ({last}); check kpi's log.");
            }

            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        }
    }
}
