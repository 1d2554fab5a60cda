namespace SessionAuth.Web.Hosting;

/// <summary>Endpoint metadata: this endpoint answers over plain http even where cookies are Secure.</summary>
internal sealed class PlainHttpAllowed;
