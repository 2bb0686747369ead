using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace KoboConsole.Web.Infrastructure.Storage;

/// <summary>
/// Data Protection keys in the console's database, so every console instance on one PostgreSQL
/// signs and reads the same login cookies and antiforgery tokens. The interface is synchronous;
/// it is called rarely (key ring refresh, about once a day).
/// </summary>
public sealed class DbXmlRepository(ConsoleDb db) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var c = db.OpenAsync(CancellationToken.None).GetAwaiter().GetResult();
        return c.Query<string>(new CommandDefinition("SELECT xml FROM dataprotection_keys ORDER BY id")).Select(XElement.Parse).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var c = db.OpenAsync(CancellationToken.None).GetAwaiter().GetResult();
        c.Execute(new CommandDefinition(
            "INSERT INTO dataprotection_keys (friendly_name, xml, created_at) VALUES (@friendlyName, @xml, @now)",
            new { friendlyName, xml = element.ToString(SaveOptions.DisableFormatting), now = ConsoleDb.Now() }));
    }
}
