namespace SessionAuth.Web.Sessions;

/// <summary>Set when the session store could not be asked: the request runs anonymous and protected pages answer 503.</summary>
public sealed class SessionStoreUnavailableFeature;
