using System.Text;
using System.Threading.Channels;
using KoboConsole.Web.Features.Logs;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Backups;

/// <summary>
/// A <c>psql</c> session in the postgres container holding a read-only REPEATABLE READ transaction
/// whose snapshot <c>pg_dump --snapshot</c> imports, so the row counts written in the manifest are
/// exactly those of the dump even while kobo writes (a restore's verify compares them). The counts
/// run in that transaction while the dump streams. Disposing it ends the transaction.
/// </summary>
internal sealed class PostgresSnapshot : IAsyncDisposable
{
    private const string Counted = "koboconsole:counted";
    private readonly IExecSession _session;
    private readonly Channel<string> _lines;
    private readonly Task<ExecOutput> _reading;
    private readonly string _database;

    private PostgresSnapshot(IExecSession session, Channel<string> lines, Task<ExecOutput> reading, string database)
    {
        _session = session;
        _lines = lines;
        _reading = reading;
        _database = database;
    }

    public string Id { get; private set; } = "";

    public static async Task<PostgresSnapshot> ExportAsync(IContainerEngine engine, string id, string user, string database, IReadOnlyList<string> env, CancellationToken cancellationToken)
    {
        var session = await engine.StartExecAsync(id, new ExecSpec
        {
            Cmd = ["psql", "-U", user, "-d", database, "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1"],
            Env = env,
            AttachStdin = true,
        }, cancellationToken);
        var lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        // psql's stdout split into lines as it arrives (the log feature's splitter).
        var sink = new LineSplitter(line => lines.Writer.TryWrite(line));
        var reading = ReadAsync(session, sink, lines.Writer, cancellationToken);
        var snapshot = new PostgresSnapshot(session, lines, reading, database);
        try
        {
            await snapshot.SendAsync("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;\nSELECT 'koboconsole:snapshot', pg_export_snapshot();\n", cancellationToken);
            var line = await snapshot.NextLineAsync(l => l.StartsWith("koboconsole:snapshot\t", StringComparison.Ordinal), cancellationToken);
            snapshot.Id = line[(line.IndexOf('\t', StringComparison.Ordinal) + 1)..].Trim();
            return snapshot;
        }
        catch
        {
            await snapshot.DisposeAsync();
            throw;
        }
    }

    /// <summary>Exact row counts per table (<see cref="PostgresSource.RowCountSql"/>) as the snapshot sees them.</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountRowsAsync(CancellationToken cancellationToken)
    {
        await SendAsync($"{PostgresSource.RowCountSql};\nSELECT '{Counted}';\n", cancellationToken);
        var lines = new List<string>();
        string line;
        while ((line = await NextLineAsync(_ => true, cancellationToken)) != Counted)
        {
            lines.Add(line);
        }

        return PostgresSource.ParseCounts(lines);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _session.WriteStdinAsync("COMMIT;\n"u8.ToArray(), CancellationToken.None);
            await _session.CloseStdinAsync(CancellationToken.None);
            await _reading.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception ex) when (ex is DockerException or TimeoutException or BackupItemException or OperationCanceledException)
        {
            // psql is gone already (it failed, or the item was cancelled); closing the session ends it.
        }
        finally
        {
            await _session.DisposeAsync();
        }
    }

    private static async Task<ExecOutput> ReadAsync(IExecSession session, Stream sink, ChannelWriter<string> lines, CancellationToken cancellationToken)
    {
        try
        {
            var output = await session.ReadOutputAsync(sink, 16 * 1024, cancellationToken);
            lines.TryComplete();
            return output;
        }
        catch (Exception ex)
        {
            lines.TryComplete(ex);
            throw;
        }
    }

    private Task SendAsync(string sql, CancellationToken cancellationToken) =>
        _session.WriteStdinAsync(Encoding.UTF8.GetBytes(sql), cancellationToken);

    private async Task<string> NextLineAsync(Func<string, bool> match, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var line in _lines.Reader.ReadAllAsync(cancellationToken))
            {
                if (match(line))
                {
                    return line;
                }
            }
        }
        catch (DockerException ex)
        {
            throw new BackupItemException($"the psql session holding the snapshot of {_database} broke off: {ex.Message}", ex);
        }

        var output = await _reading;
        throw new BackupItemException($"psql ended before it exported a snapshot of {_database} or counted its rows: {output.Stderr.Trim()}");
    }
}
