using Automation.Server.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Automation.Server.Authentication;

/// <summary>The token signing key: configured, or generated once into the data folder so tokens survive restarts.</summary>
internal sealed class SigningKeyProvider
{
    public SigningKeyProvider(IOptions<AuthOptions> auth, IOptions<AutomationServerOptions> server, IHostEnvironment environment)
    {
        byte[] key;
        if (!string.IsNullOrWhiteSpace(auth.Value.SigningKey))
        {
            key = Convert.FromBase64String(auth.Value.SigningKey);
            if (key.Length < 32)
            {
                throw new OptionsValidationException(AuthOptions.Section, typeof(AuthOptions), ["Automation:Auth:SigningKey must be at least 32 bytes (base64)."]);
            }
        }
        else
        {
            var folder = Path.GetFullPath(server.Value.DataPath, environment.ContentRootPath);
            Directory.CreateDirectory(folder);
            var path = Path.Combine(folder, "signing.key");
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
                file.Write(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            }
            catch (IOException) when (File.Exists(path))
            {
                // The key exists already.
            }

            key = File.ReadAllBytes(path);
            if (key.Length < 32)
            {
                throw new InvalidOperationException($"The signing key file '{path}' holds fewer than 32 bytes; delete it to have a new one generated.");
            }
        }

        Key = new SymmetricSecurityKey(key) { KeyId = "automation-1" };
    }

    public SymmetricSecurityKey Key { get; }
}
