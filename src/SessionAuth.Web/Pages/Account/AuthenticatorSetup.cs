using System.Text;
using QRCoder;

namespace SessionAuth.Web.Pages.Account;

/// <summary>How the shared key reaches the app: typed from groups of four, or scanned from a QR code drawn on the server.</summary>
public static class AuthenticatorSetup
{
    /// <summary>The base32 key in lower-case groups of four, as authenticator apps let people type it.</summary>
    public static string GroupKey(string key)
    {
        var text = new StringBuilder(key.Length + key.Length / 4);
        for (var i = 0; i < key.Length; i++)
        {
            if (i > 0 && i % 4 == 0)
            {
                text.Append(' ');
            }

            text.Append(char.ToLowerInvariant(key[i]));
        }

        return text.ToString();
    }

    /// <summary>The key-uri format authenticator apps read (otpauth://totp/Issuer:account?secret=…&amp;issuer=…).</summary>
    public static string OtpAuthUri(string issuer, string account, string key) =>
        $"otpauth://totp/{Uri.EscapeDataString(issuer)}:{Uri.EscapeDataString(account)}?secret={key}&issuer={Uri.EscapeDataString(issuer)}&digits=6";

    /// <summary>The QR code of <paramref name="uri"/> as an SVG element: no script, no image request, no inline style.</summary>
    public static string QrSvg(string uri)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(4);
    }
}
