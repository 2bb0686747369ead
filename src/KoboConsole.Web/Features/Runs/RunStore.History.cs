using Dapper;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Runs;

// The jobs page's read: runs of every kind in a time range, without their items and log.
public sealed partial class RunStore
{
    public async Task<IReadOnlyList<RunView>> ListRecentAsync(DateTimeOffset? from, DateTimeOffset? to, int limit, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var runs = await c.QueryAsync<RunRow>(new CommandDefinition(
            $"{RunRow.Select} WHERE (@from IS NULL OR created_at >= @from) AND (@to IS NULL OR created_at < @to) ORDER BY created_at DESC LIMIT @limit",
            new { from = from?.ToUnixTimeMilliseconds(), to = to?.ToUnixTimeMilliseconds(), limit }, cancellationToken: cancellationToken));
        return runs.Select(r => r.ToView([], [])).ToList();
    }
}
