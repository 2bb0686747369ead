using System.Data.Common;

namespace KoboConsole.Web.Infrastructure.Storage;

/// <summary>Tells a failure of the console's own database from other failures (the API's 503 and the pages' inline message).</summary>
public static class DatabaseOutage
{
    // Npgsql and SQLite errors are DbExceptions; a pool that cannot open a connection in time says so with an InvalidOperationException over one.
    public static bool Is(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is DbException)
            {
                return true;
            }
        }

        return false;
    }
}
