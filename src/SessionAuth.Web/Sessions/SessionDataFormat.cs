using System.Buffers;
using System.Text;
using System.Text.Json;

namespace SessionAuth.Web.Sessions;

/// <summary>
/// How a session's <c>HttpContext.Session</c> data is kept: a JSON object of key to base64 value, after
/// the record's JSON and one newline in the same Redis string (<c>{record}\n{"theme":"ZGFyaw=="}</c>), so
/// the request's one GETEX returns it. Compact JSON never holds a raw newline, so the first one splits
/// the two; a session without data is the record alone, byte for byte what it was before data existed.
/// The Redis merge script (<see cref="RedisSessionStore"/>) reads and writes the same format with cjson.
/// </summary>
internal static class SessionDataFormat
{
    public const byte Separator = (byte)'\n';

    /// <summary>What counts against Sessions:MaxDataBytes: a key's UTF-8 bytes plus its value's bytes.</summary>
    public static int SizeOf(string key, int valueLength) => Encoding.UTF8.GetByteCount(key) + valueLength;

    public static int SizeOf(IReadOnlyDictionary<string, byte[]> entries)
    {
        var size = 0;
        foreach (var (key, value) in entries)
        {
            size += SizeOf(key, value.Length);
        }

        return size;
    }

    /// <summary>Splits a stored value into the record's JSON and the data (empty when none).</summary>
    public static (ReadOnlyMemory<byte> Record, ReadOnlyMemory<byte> Data) Split(ReadOnlyMemory<byte> stored)
    {
        var cut = stored.Span.IndexOf(Separator);
        return cut < 0 ? (stored, ReadOnlyMemory<byte>.Empty) : (stored[..cut], stored[(cut + 1)..]);
    }

    /// <summary>The record's JSON followed by the data, as the store keeps them.</summary>
    public static byte[] Join(ReadOnlySpan<byte> record, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return record.ToArray();
        }

        var joined = new byte[record.Length + 1 + data.Length];
        record.CopyTo(joined);
        joined[record.Length] = Separator;
        data.CopyTo(joined.AsSpan(record.Length + 1));
        return joined;
    }

    /// <summary>
    /// The entries of stored data. Data this version cannot read is no data (fail closed, as an
    /// unreadable record is no session), never an exception on a page.
    /// </summary>
    public static Dictionary<string, byte[]> Parse(ReadOnlySpan<byte> data)
    {
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (data.IsEmpty)
        {
            return entries;
        }

        try
        {
            var reader = new Utf8JsonReader(data);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return entries;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString()!;
                if (!reader.Read() || reader.TokenType != JsonTokenType.String)
                {
                    return [];
                }

                entries[key] = reader.GetBytesFromBase64();
            }

            return entries;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            return [];
        }
    }

    /// <summary>The stored form of <paramref name="entries"/>; empty for none.</summary>
    public static byte[] Write(IReadOnlyDictionary<string, byte[]> entries)
    {
        if (entries.Count == 0)
        {
            return [];
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in entries)
            {
                writer.WriteBase64String(key, value);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
