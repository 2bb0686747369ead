namespace KoboConsole.IntegrationTests.TestBed;

/// <summary>
/// Builds the test bed images once (cached by the script) and brings stacks up and down through
/// docker/testbed/stack.sh. Every stack it started and the tests did not take down is removed in
/// <see cref="DisposeAsync"/>, so a failing test leaves nothing behind.
/// </summary>
public sealed class TestBedFixture : IAsyncLifetime
{
    private static readonly TimeSpan UpTimeout = TimeSpan.FromMinutes(8);
    private readonly HashSet<string> _started = [];
    private readonly Lock _lock = new();

    // One image check per test process: each test bed class has a fixture of its own (they run in
    // parallel), and images.sh writes its cache, so two of it at once would race.
    private static readonly Lazy<Task> Images = new(BuildImagesAsync);

    /// <summary>Set for this process once images.sh all succeeded; stack.sh up then skips its own check.</summary>
    public const string ImagesReadyVariable = "KOBO_TESTBED_IMAGES_READY";

    public Task InitializeAsync() => Images.Value;

    private static async Task BuildImagesAsync()
    {
        // The first build of the services image takes about a minute; later runs are cached.
        var result = await ScriptRunner.ScriptAsync("images.sh", ["all"], TimeSpan.FromMinutes(9), CancellationToken.None);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"images.sh all failed ({result.ExitCode}):\n{result.StdErr}");
        }

        // stack.sh up checks the images itself unless told they are ready (7 s a stack under load).
        Environment.SetEnvironmentVariable(ImagesReadyVariable, "1");
    }

    public static string NewStackId(string generation) =>
        $"tb-{generation[..Math.Min(generation.Length, 9)]}-{Guid.NewGuid():N}"[..22];

    public Task<StackInfo> UpAsync(string generation, string stackId, string? prefix, CancellationToken cancellationToken) =>
        UpAsync(generation, stackId, prefix, [], cancellationToken);

    /// <param name="options">More <c>stack.sh up</c> options, e.g. <c>--postgres-secondary primary/secondary</c>.</param>
    public async Task<StackInfo> UpAsync(string generation, string stackId, string? prefix, IReadOnlyList<string> options, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _started.Add(stackId);
        }

        string[] args = prefix is null ? ["up", generation, stackId, .. options] : ["up", generation, stackId, "--prefix", prefix, .. options];
        var result = await ScriptRunner.ScriptAsync("stack.sh", args, UpTimeout, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"stack.sh up {generation} {stackId} failed ({result.ExitCode}):\n{result.StdErr}");
        }

        return StackInfo.Parse(result.StdOut);
    }

    /// <summary>
    /// A stack of <paramref name="generation"/> for one test: an idle one from <see cref="StackPool"/>
    /// when a test before handed one back, else a new one with the prefix <paramref name="tag"/> and
    /// a part of its id. Give it back with <see cref="ReturnAsync"/> (or take it down), never both.
    /// </summary>
    public async Task<StackInfo> RentAsync(string generation, string tag, IReadOnlyList<string> options, CancellationToken cancellationToken)
    {
        // Only stacks on the main engine: multihost and replication stacks run engines of their own,
        // which would outlive the test (and keep whatever the test process had open).
        if (generation != "prefixed" || options.Any(o => o.StartsWith("--postgres-secondary", StringComparison.Ordinal)))
        {
            throw new ArgumentException($"only prefixed stacks on the main engine are pooled, not '{generation} {string.Join(' ', options)}': use UpAsync", nameof(generation));
        }

        if (StackPool.TryTake(StackPool.Key(generation, options), out var pooled))
        {
            lock (_lock)
            {
                _started.Add(pooled.Stack);
            }

            StackPool.Note($"{pooled.Stack} lent again");
            return pooled;
        }

        var id = StackPool.NewId();
        var stack = await UpAsync(generation, id, tag + id[^6..], options, cancellationToken);
        await StackPool.CreatedAsync(stack, cancellationToken);
        return stack;
    }

    /// <summary>
    /// Hands a stack from <see cref="RentAsync"/> to the pool when it is as a new one would be
    /// (<see cref="StackPool.WhyNotReusableAsync"/>), else takes it down.
    /// </summary>
    public async Task ReturnAsync(StackInfo stack, IReadOnlyList<string> options)
    {
        string? why;
        try
        {
            stack = await StackPool.WithNginxPortNowAsync(stack, CancellationToken.None);
            why = await StackPool.WhyNotReusableAsync(stack, CancellationToken.None);
        }
        catch (Exception ex) when (ex is TimeoutException or HttpRequestException or InvalidOperationException or OperationCanceledException)
        {
            why = ex.Message;
        }

        StackPool.Note($"{stack.Stack} {(why is null ? "back in the pool" : "taken down: " + why)}");
        if (why is not null)
        {
            await DownAsync(stack.Stack, CancellationToken.None);
            return;
        }

        lock (_lock)
        {
            _started.Remove(stack.Stack);
        }

        StackPool.Add(StackPool.Key(stack.Generation, options), stack);
    }

    public async Task<ProcessResult> DownAsync(string stackId, CancellationToken cancellationToken)
    {
        var result = await ScriptRunner.ScriptAsync("stack.sh", ["down", stackId], TimeSpan.FromMinutes(4), cancellationToken);
        if (result.ExitCode == 0)
        {
            lock (_lock)
            {
                _started.Remove(stackId);
            }
        }

        return result;
    }

    public async Task DisposeAsync()
    {
        string[] left;
        lock (_lock)
        {
            left = [.. _started];
        }

        foreach (var id in left)
        {
            await DownAsync(id, CancellationToken.None);
        }
    }
}
