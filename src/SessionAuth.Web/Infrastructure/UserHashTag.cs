using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace SessionAuth.Web.Infrastructure;

/// <summary>
/// The Redis Cluster hash tag of a user's keys: 3 bytes of SHA-256 of the user id, written as 4
/// base64url characters. Sessions and refresh grants carry it at the front of their ids, so every key
/// of one user (<c>P:{T}:…</c>) lands in one hash slot and is found without a lookup; it says nothing
/// about who the user is.
/// </summary>
public static class UserHashTag
{
    public const int Bytes = 3;
    public const int Length = Bytes / 3 * 4; // 4

    public static string Of(string userId)
    {
        Span<byte> tag = stackalloc byte[Bytes];
        Write(userId, tag);
        return Base64Url.EncodeToString(tag);
    }

    /// <summary>Writes the tag's bytes (the first <see cref="Bytes"/> of the hash) to <paramref name="destination"/>.</summary>
    public static void Write(string userId, Span<byte> destination)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(userId), hash);
        hash[..destination.Length].CopyTo(destination);
    }
}
