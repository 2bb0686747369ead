using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using KoboConsole.IntegrationTests.Backups;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.IntegrationTests.Topology;
using KoboConsole.Web.Features.Checks;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Checks;

/// <summary>
/// A pooled prefixed test-bed stack, a console whose checks run every <see cref="Interval"/> with no page
/// open, and a real HTTP listener as the webhook that records every alert it receives.
/// </summary>
public sealed class CheckBed : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private readonly TestBedFixture _fixture;
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _serving = Task.CompletedTask;

    private CheckBed(TestBedFixture fixture, StackInfo info)
    {
        _fixture = fixture;
        Info = info;
        Api = null!;
    }

    public StackInfo Info { get; }

    public TopologyApi Api { get; private set; }

    /// <summary>Every alert body the webhook received, in order.</summary>
    public Channel<JsonElement> Alerts { get; } = Channel.CreateUnbounded<JsonElement>();

    public CheckStore Store => Api.App.Services.GetRequiredService<CheckStore>();

    public static async Task<CheckBed> UpAsync(TestBedFixture fixture, string letter, Dictionary<string, string?>? settings = null)
    {
        // A pooled stack: the checks only read it, and the tests put back what they stop or add.
        var info = await fixture.RentAsync("prefixed", letter, [], CancellationToken.None);
        var bed = new CheckBed(fixture, info);
        try
        {
            var url = $"http://127.0.0.1:{S3rverFixture.FreePort()}/hook/";
            bed._listener.Prefixes.Add(url);
            bed._listener.Start();
            bed._serving = bed.ServeAsync();
            var all = TopologyApi.Settings(info.Prefix, ("main", info.BackendDocker));
            all["KoboConsole:Checks:Enabled"] = "true";
            all["KoboConsole:Checks:ServiceIntervalSeconds"] = ((int)Interval.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            all["KoboConsole:Checks:WebhookUrl"] = url;
            foreach (var (k, v) in settings ?? [])
            {
                all[k] = v;
            }

            bed.Api = await TopologyApi.StartAsync(all);
            return bed;
        }
        catch
        {
            await bed.DisposeAsync();
            throw;
        }
    }

    public Task DockerAsync(params string[] args) => DockerAsync(CancellationToken.None, args);

    public async Task DockerAsync(CancellationToken cancellationToken, params string[] args)
    {
        var r = await ScriptRunner.DockerAsync(Info.BackendDocker, args, cancellationToken);
        Assert.True(r.ExitCode == 0, $"docker {string.Join(' ', args)} failed: {r.StdErr}");
    }

    /// <summary>The check's current status, once it satisfies <paramref name="condition"/>.</summary>
    public async Task<CheckStatus> UntilAsync(string check, string target, Func<CheckStatus, bool> condition, TimeSpan within)
    {
        using var cts = new CancellationTokenSource(within);
        CheckStatus? last = null;
        try
        {
            while (true)
            {
                last = (await Store.ListAsync(cts.Token)).FirstOrDefault(s => s.Check == check && s.Target == target);
                if (last is not null && condition(last))
                {
                    return last;
                }

                await Task.Delay(250, cts.Token);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{check}:{target} did not reach the expected state within {within.TotalSeconds} s; last: {last}");
        }
    }

    /// <summary>The next alert matching <paramref name="match"/> (others are skipped).</summary>
    public async Task<JsonElement> AlertAsync(Func<JsonElement, bool> match, TimeSpan within)
    {
        using var cts = new CancellationTokenSource(within);
        try
        {
            while (true)
            {
                var alert = await Alerts.Reader.ReadAsync(cts.Token);
                if (match(alert))
                {
                    return alert;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no matching alert within {within.TotalSeconds} s");
        }
    }

    public static Func<JsonElement, bool> Is(string evt, string check, string target) => a =>
        a.GetProperty("event").GetString() == evt && a.GetProperty("check").GetString() == check && a.GetProperty("target").GetString() == target;

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().WaitAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using (var reader = new StreamReader(context.Request.InputStream))
            {
                var body = await reader.ReadToEndAsync();
                await Alerts.Writer.WriteAsync(JsonDocument.Parse(body).RootElement.Clone());
            }

            context.Response.StatusCode = 204;
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Close();
        await _serving;
        if (Api is not null)
        {
            await Api.DisposeAsync();
        }

        await _fixture.ReturnAsync(Info, []);
        _stop.Dispose();
    }
}
