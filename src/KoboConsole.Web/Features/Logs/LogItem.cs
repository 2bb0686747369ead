namespace KoboConsole.Web.Features.Logs;

/// <summary>
/// One streamed item, as the v1 contract names it. <see cref="Stream"/> is <c>stdout</c>,
/// <c>stderr</c>, <c>file:&lt;name&gt;</c>, <c>gap</c> (lines dropped for a slow viewer) or
/// <c>notice</c> (restarts, reconnects, clamped tails, filter problems).
/// </summary>
public sealed record LogItem(string Container, string ContainerName, DateTimeOffset Timestamp, string Stream, string Text, string? Level)
{
    public const string Gap = "gap";
    public const string Notice = "notice";

    /// <summary>
    /// The line with secrets masked (<see cref="SecretMask"/>). Masking here, where every line is
    /// made, covers the page, the hub, the REST tail and downloads alike, and filters match the
    /// masked text, so a filter cannot probe a secret's value either.
    /// </summary>
    public string Text { get; init; } = SecretMask.Text(Text);

    public bool IsMarker => Stream is Gap or Notice;

    /// <summary>
    /// True when <see cref="Timestamp"/> is when the console read the line, not when it was
    /// written: file lines whose format carries no time the console knows (see <see cref="LineTimestamp"/>).
    /// </summary>
    public bool ReadTime { get; init; }

    /// <summary>A line read from a log file: its own time when the format is known, else the read time, marked.</summary>
    public static LogItem FromFile(LogSourceKey source, string stream, string text, DateTimeOffset readAt) =>
        LineTimestamp.Parse(text) is { } written
            ? new(source.ContainerId, source.ContainerName, written, stream, text, LevelDetector.Detect(text, stream))
            : new(source.ContainerId, source.ContainerName, readAt, stream, text, LevelDetector.Detect(text, stream)) { ReadTime = true };

    public static LogItem Marker(LogSourceKey source, string kind, string text, DateTimeOffset at) =>
        new(source.ContainerId, source.ContainerName, at, kind, text, kind == Gap ? "warn" : null);
}

/// <summary>The hub's <c>StreamLogs</c> request (contract v1).</summary>
public sealed record LogStreamRequest
{
    public const int DefaultTail = 200;
    public const int MaxTail = 10_000;

    public IReadOnlyList<string> Containers { get; init; } = [];

    public int? Tail { get; init; }

    public DateTimeOffset? Since { get; init; }

    public bool Follow { get; init; } = true;

    public string? Filter { get; init; }

    public string? Exclude { get; init; }

    public bool Regex { get; init; }

    /// <summary>Case-sensitive matching (off by default, as a person searching expects).</summary>
    public bool MatchCase { get; init; }

    /// <summary>Also follow the log files inside nginx and Redis containers.</summary>
    public bool Files { get; init; } = true;
}

/// <summary>A followed source: a container's output, or one log file inside it.</summary>
public sealed record LogSourceKey(string Host, string ContainerId, string ContainerName, string? File = null)
{
    /// <summary>The contract's stream name for file lines: <c>file:access.log</c>.</summary>
    public string? FileStream => File is null ? null : "file:" + Path.GetFileName(File);

    public override string ToString() => File is null ? $"{Host}/{ContainerName}" : $"{Host}/{ContainerName}:{File}";
}
