using KoboConsole.Web.Features.Restores.Stores;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Restores;

/// <summary>
/// kpi's <c>/service_health/</c> must answer 200 after the writers start. Asked from inside each
/// kpi container (curl, Python, nc or wget, whichever the image has): during maintenance the public
/// address serves the maintenance page, whose own <c>/service_health/</c> would always say 200.
/// </summary>
public sealed class HealthGate(StackDiscovery discovery, IDockerHosts hosts)
{
    // curl, else Python (kobo's images), else a raw HTTP/1.0 request through nc (busybox's wget
    // crashes after a successful download, so its exit code says nothing), else wget.
    private const string Probe =
        """
        u=/service_health/
        if command -v curl >/dev/null 2>&1; then exec curl -fsS -o /dev/null -m 5 "http://127.0.0.1:8000$u"; fi
        if command -v python3 >/dev/null 2>&1; then
          exec python3 -c 'import sys, urllib.request; sys.exit(0 if urllib.request.urlopen(sys.argv[1], timeout=5).status == 200 else 1)' "http://127.0.0.1:8000$u"
        fi
        if command -v nc >/dev/null 2>&1; then
          s=$(printf 'GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n' "$u" | nc -w 5 127.0.0.1 8000 | head -n 1)
          case "$s" in "HTTP/1."?" 200"*) exit 0 ;; *) echo "kpi answered: ${s:-nothing}" >&2; exit 1 ;; esac
        fi
        exec wget -q -O /dev/null -T 5 "http://127.0.0.1:8000$u"
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
