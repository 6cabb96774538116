using System.Xml.Linq;
using Automation.Engine.Security;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Automation.Server.Security;

/// <summary>Encrypts a key's XML with the PHI key ring; the key id travels in the blob, so rotating the PHI keys keeps
/// older data-protection keys readable while their PHI key is still configured.</summary>
internal sealed class PhiXmlEncryptor(PhiProtector protector) : IXmlEncryptor
{
    public const string ElementName = "phiEncryptedKey";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var blob = protector.ProtectString(plaintextElement.ToString(SaveOptions.DisableFormatting), ElementName);
        return new EncryptedXmlInfo(new XElement(ElementName, Convert.ToBase64String(blob)), typeof(PhiXmlDecryptor));
    }
}

/// <summary>Decrypts what <see cref="PhiXmlEncryptor"/> wrote; data protection makes it with the service provider.</summary>
internal sealed class PhiXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        var protector = services.GetRequiredService<PhiProtector>();
        return XElement.Parse(protector.UnprotectString(Convert.FromBase64String(encryptedElement.Value), PhiXmlEncryptor.ElementName));
    }
}
