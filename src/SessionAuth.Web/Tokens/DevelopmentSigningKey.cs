using System.Security.Cryptography;

namespace SessionAuth.Web.Tokens;

/// <summary>
/// Development only: with no <c>Tokens:SigningKey</c>, a key is generated once and kept in the app's
/// data folder (content root <c>App_Data/</c>, beside the SQLite file, ignored by git), so tokens
/// survive a restart of <c>dotnet run</c>. Outside Development nothing is generated: a missing key
/// stops start-up.
/// </summary>
internal static class DevelopmentSigningKey
{
    /// <summary>Where the generated key of this algorithm lives; set when the key was taken from there (logged at start).</summary>
    public static string PathFor(string contentRoot, string algorithm) =>
        Path.Combine(contentRoot, "App_Data", algorithm == TokenOptions.ES256 ? "token-signing-key.es256.pem" : "token-signing-key.hs256.txt");

    public static string LoadOrCreate(string path, string algorithm)
    {
        if (File.Exists(path))
        {
            return File.ReadAllText(path);
        }

        string key;
        if (algorithm == TokenOptions.ES256)
        {
            using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            key = ecdsa.ExportECPrivateKeyPem();
        }
        else
        {
            key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var file = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            file.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var writer = new StreamWriter(path, file);
            writer.Write(key);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another instance wrote it first: use theirs.
            return File.ReadAllText(path);
        }

        return key;
    }
}
