using System.Runtime.InteropServices;

namespace KoboConsole.Web.Features.Maintenance.KoboInstall;

/// <summary>
/// Gives a file the owner and group of another (.NET has no API for either). A rename replaces
/// kobo-install's file with the console's: without this, a console running as root would leave a
/// root-owned .run.conf that kobo-install, run as its user, could no longer write.
/// </summary>
internal static class FileOwner
{
    private const int AtFdCwd = -100;
    private const uint StatxUid = 0x8;
    private const uint StatxGid = 0x10;

    /// <summary>Copies <paramref name="from"/>'s owner to <paramref name="to"/> when they differ; false when it could not.</summary>
    public static bool Copy(string from, string to)
    {
        if (!OperatingSystem.IsLinux() || Owner(from) is not { } want || Owner(to) is not { } have)
        {
            return !OperatingSystem.IsLinux();
        }

        return want == have || Chown(CPath(to), want.Uid, want.Gid) == 0;
    }

    private static (uint Uid, uint Gid)? Owner(string path)
    {
        // struct statx is the same on every Linux architecture: stx_uid at 20, stx_gid at 24.
        var buffer = new byte[256];
        return Statx(AtFdCwd, CPath(path), 0, StatxUid | StatxGid, buffer) == 0
            ? (BitConverter.ToUInt32(buffer, 20), BitConverter.ToUInt32(buffer, 24))
            : null;
    }

    private static byte[] CPath(string path) => System.Text.Encoding.UTF8.GetBytes(path + "\0");

    // DllImport, not LibraryImport: the generated marshalling needs unsafe code in the project.
    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Statx(int dirfd, byte[] path, int flags, uint mask, [Out] byte[] buffer);

    [DllImport("libc", EntryPoint = "chown", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Chown(byte[] path, uint owner, uint group);
}
