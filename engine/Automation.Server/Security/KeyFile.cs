using System.Security.Cryptography;

namespace Automation.Server.Security;

/// <summary>Secret key files in the data folder for the embedded default: generated once, owner-only, never overwritten.</summary>
internal static class KeyFile
{
    /// <summary>Reads the key at <paramref name="path"/>, generating <paramref name="length"/> random bytes first when
    /// the file does not exist.</summary>
    /// <exception cref="InvalidOperationException">The file holds fewer than <paramref name="minimumLength"/> bytes.</exception>
    public static byte[] ReadOrCreate(string path, int length, int minimumLength)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            // Created owner-only from the first byte, and never overwritten: CreateNew loses a race instead of
            // replacing a key another process just wrote.
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var file = new FileStream(path, options);
            file.Write(RandomNumberGenerator.GetBytes(length));
        }
        catch (IOException) when (File.Exists(path))
        {
            // The key exists already.
        }

        var key = File.ReadAllBytes(path);
        if (key.Length < minimumLength)
        {
            throw new InvalidOperationException($"The key file '{path}' holds fewer than {minimumLength} bytes; delete it to have a new one generated.");
        }

        return key;
    }
}
