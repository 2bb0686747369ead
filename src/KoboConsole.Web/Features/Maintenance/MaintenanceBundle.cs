using System.Formats.Tar;
using System.Text;

namespace KoboConsole.Web.Features.Maintenance;

/// <summary>The files copied into the maintenance container (through Docker's archive API) before it starts.</summary>
public static class MaintenanceBundle
{
    /// <summary>A tar to extract at <c>/</c>: the nginx config, the rendered page and the fields it shows (<see cref="MaintenanceContainer.RecordPath"/>), world-readable.</summary>
    public static MemoryStream Build(string nginxConfig, string pageHtml, string recordJson)
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            var root = MaintenancePage.BundleDirectory.TrimStart('/');
            AddDirectory(writer, root);
            AddDirectory(writer, root + "/www");
            AddDirectory(writer, root + "/www/maintenance-assets");
            AddFile(writer, root + "/nginx.conf", nginxConfig);
            AddFile(writer, root + "/www/maintenance.html", pageHtml);
            AddFile(writer, MaintenanceContainer.RecordPath.TrimStart('/'), recordJson);
        }

        tar.Position = 0;
        return tar;
    }

    private static void AddDirectory(TarWriter writer, string path) =>
        writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, path + "/")
        {
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
                | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
            ModificationTime = DateTimeOffset.UtcNow,
        });

    private static void AddFile(TarWriter writer, string path, string content) =>
        writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path)
        {
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            ModificationTime = DateTimeOffset.UtcNow,
            DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
        });
}
