using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.E2E.Proxy;

/// <summary>
/// A busybox container labelled as kobo's kpi service of the stack <c>prefix</c> (no network),
/// printing "&lt;text&gt; &lt;n&gt;" three times a second: live log lines for the proxy tests.
/// </summary>
internal static class LogTicker
{
    public static string Name(string prefix) => $"{prefix}-kobofe-kpi-1";

    public static async Task<string> RunAsync(IContainerEngine engine, string prefix, string text)
    {
        var id = await engine.CreateContainerAsync(new ContainerSpec
        {
            Image = "kobo-testbed/busybox:latest",
            Name = Name(prefix),
            Cmd = ["sh", "-c", $"i=0; while true; do echo \"{text} $i\"; i=$((i+1)); sleep 0.3; done"],
            Networks = [new NetworkSpec("none")],
            Labels = new Dictionary<string, string>
            {
                ["com.docker.compose.project"] = $"{prefix}-kobofe",
                ["com.docker.compose.service"] = "kpi",
                ["com.docker.compose.oneoff"] = "False",
                ["org.koboconsole.test"] = "proxy-e2e",
            },
        }, CancellationToken.None);
        await engine.StartContainerAsync(id, CancellationToken.None);
        return id;
    }
}
