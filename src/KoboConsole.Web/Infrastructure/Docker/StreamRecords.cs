namespace KoboConsole.Web.Infrastructure.Docker;

public sealed record EventQuery
{
    public DateTimeOffset? Since { get; init; }

    public DateTimeOffset? Until { get; init; }

    /// <summary>Docker object types; container events only by default.</summary>
    public IReadOnlyList<string> Types { get; init; } = ["container"];

    public IReadOnlyList<LabelFilter> Labels { get; init; } = [];

    /// <summary>Only events about this container (id or name).</summary>
    public string? ContainerId { get; init; }

    /// <summary><c>exec_create</c>/<c>exec_start</c>/<c>exec_die</c> are noise (every backup and probe makes them).</summary>
    public bool IncludeExec { get; init; }
}

public sealed record EngineEvent(
    string Type,
    string Action,
    string ActorId,
    IReadOnlyDictionary<string, string> Attributes,
    DateTimeOffset Time);

public enum LogSource
{
    Stdout,
    Stderr,

    /// <summary>A TTY container: one stream, stdout and stderr mixed.</summary>
    Tty,
}

public sealed record LogQuery
{
    public bool Follow { get; init; }

    /// <summary>Last N lines; null for all.</summary>
    public int? Tail { get; init; }

    public DateTimeOffset? Since { get; init; }

    public bool Timestamps { get; init; } = true;
}

/// <summary>One whole line; <see cref="Timestamp"/> is null when timestamps were not asked for.</summary>
public sealed record LogLine(LogSource Stream, DateTimeOffset? Timestamp, string Text);

public sealed record ExecSpec
{
    public required IReadOnlyList<string> Cmd { get; init; }

    /// <summary><c>NAME=value</c> entries. Never logged: they often hold passwords.</summary>
    public IReadOnlyList<string> Env { get; init; } = [];

    public string? User { get; init; }

    public string? WorkingDir { get; init; }

    public bool AttachStdin { get; init; }

    public bool Tty { get; init; }

    /// <summary>
    /// A large output (a database dump). On a local unix socket it is read over a connection of
    /// its own, in batches, by a dedicated thread (<see cref="SocketExecSession"/>); elsewhere, and
    /// with stdin or a TTY, as any other exec. Reading costs the process it competes with (the dump
    /// itself, on the same cores) less that way.
    /// </summary>
    public bool BulkOutput { get; init; }
}

public sealed record ExecResult(int ExitCode, string Stdout, string Stderr);

/// <summary>What <see cref="IExecSession.ReadOutputAsync"/> copied: stdout byte count and the tail of stderr.</summary>
public sealed record ExecOutput(long StdoutBytes, string Stderr, bool StderrTruncated);

/// <summary>
/// One read of Docker's stats API for a container: CPU and network counters are cumulative since
/// the container started (nanoseconds, bytes), memory is current. <see cref="MemoryCacheBytes"/>
/// is the reclaimable page cache Docker's own CLI leaves out (<c>total_inactive_file</c> on cgroup
/// v1, <c>inactive_file</c> on v2); <see cref="PreCpuTotalNs"/> and <see cref="PreSystemCpuNs"/>
/// are Docker's previous read, zero in a one-shot read.
/// </summary>
public sealed record ContainerStatsReading(
    DateTimeOffset Read,
    ulong CpuTotalNs,
    ulong SystemCpuNs,
    int OnlineCpus,
    ulong PreCpuTotalNs,
    ulong PreSystemCpuNs,
    ulong MemoryUsageBytes,
    ulong MemoryCacheBytes,
    ulong MemoryLimitBytes,
    ulong NetRxBytes,
    ulong NetTxBytes);
