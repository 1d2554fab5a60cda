namespace SessionAuth.Web.Hosting;

/// <summary>Endpoint metadata of every /api endpoint: its errors are RFC 9457 problem details, not the HTML error page.</summary>
public sealed class ApiEndpointMetadata;
