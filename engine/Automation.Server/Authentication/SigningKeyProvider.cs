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
            key = Security.KeyFile.ReadOrCreate(Path.Combine(folder, "signing.key"), 32, 32);
        }

        Key = new SymmetricSecurityKey(key) { KeyId = "automation-1" };
    }

    public SymmetricSecurityKey Key { get; }
}
