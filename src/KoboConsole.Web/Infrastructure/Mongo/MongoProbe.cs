using KoboConsole.Web.Infrastructure.Probes;
using MongoDB.Bson;
using MongoDB.Driver;

namespace KoboConsole.Web.Infrastructure.Mongo;

/// <summary>
/// ping, buildInfo and listDatabases through MongoDB.Driver. The success path cannot be tested on
/// the development machines (no real MongoDB; the test bed's stand-in only accepts and closes).
/// </summary>
internal sealed class MongoProbe : IMongoProbe
{
    public async Task<MongoStats> ProbeAsync(ProbeTarget target, CancellationToken cancellationToken)
    {
        var settings = new MongoClientSettings
        {
            Server = new MongoServerAddress(target.Address, target.Port),
            DirectConnection = true,
            ConnectTimeout = target.Timeout,
            ServerSelectionTimeout = target.Timeout,
            SocketTimeout = target.Timeout,
            ApplicationName = "KoboConsole probe",
        };
        if (!string.IsNullOrEmpty(target.Username))
        {
            settings.Credential = MongoCredential.CreateCredential("admin", target.Username, target.Password);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(target.Timeout + TimeSpan.FromSeconds(1));
        using var client = new MongoClient(settings);
        try
        {
            var admin = client.GetDatabase("admin");
            await admin.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: timeout.Token);
            var build = await admin.RunCommandAsync<BsonDocument>(new BsonDocument("buildInfo", 1), cancellationToken: timeout.Token);
            var list = await admin.RunCommandAsync<BsonDocument>(new BsonDocument("listDatabases", 1), cancellationToken: timeout.Token);
            var sizes = list["databases"].AsBsonArray.Select(d => d.AsBsonDocument)
                .ToDictionary(d => d["name"].AsString, d => d["sizeOnDisk"].ToInt64(), StringComparer.Ordinal);
            return new MongoStats(build["version"].AsString, sizes);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ProbeFailedException($"MongoDB at {target.Address}:{target.Port} did not answer within {target.Timeout.TotalSeconds:0.#} s.");
        }
        catch (TimeoutException ex)
        {
            // The driver's text dumps its whole cluster state; say what it means instead.
            throw new ProbeFailedException(
                $"MongoDB at {target.Address}:{target.Port} did not complete a handshake within {target.Timeout.TotalSeconds:0.#} s (nothing listens, or it is not MongoDB, or it is overloaded).", ex);
        }
        catch (MongoException ex)
        {
            throw new ProbeFailedException($"MongoDB at {target.Address}:{target.Port}: {Short(ex.Message)}", ex);
        }
    }

    private static string Short(string message)
    {
        var i = message.IndexOfAny(['\r', '\n']);
        var line = i < 0 ? message : message[..i];
        return line.Length > 200 ? line[..200] + "…" : line;
    }
}
