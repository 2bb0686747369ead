namespace KoboConsole.Web.Infrastructure.Http;

/// <summary>
/// <c>dotnet KoboConsole.Web.dll --healthcheck [url]</c>: asks the running console's /healthz
/// and exits 0 when it answers 200, 1 otherwise. The container image's HEALTHCHECK runs this,
/// because the aspnet base image has no curl or wget. The default URL is the first port of
/// ASPNETCORE_HTTP_PORTS (8080 when unset) on the loopback address.
/// </summary>
public static class HealthCheckCommand
{
    public const string Argument = "--healthcheck";

    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == Argument;

    public static async Task<int> RunAsync(string[] args)
    {
        var url = args.Length > 1 ? args[1] : DefaultUrl(Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(new Uri(url));
            await Console.Out.WriteLineAsync($"{url}: {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            await Console.Out.WriteLineAsync($"{url}: {ex.Message}");
            return 1;
        }
    }

    internal static string DefaultUrl(string? httpPorts)
    {
        var first = httpPorts?.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return $"http://127.0.0.1:{(string.IsNullOrEmpty(first) ? "8080" : first)}/healthz";
    }
}
