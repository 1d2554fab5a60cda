using System.Text.Json;
using System.Text.Json.Serialization;

namespace SessionAuth.Web.Sessions;

/// <summary>Source-generated JSON for the session record: no reflection on the per-request path.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SessionRecord))]
internal sealed partial class SessionJsonContext : JsonSerializerContext;
