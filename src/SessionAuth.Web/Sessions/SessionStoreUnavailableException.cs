using SessionAuth.Web.Infrastructure;

namespace SessionAuth.Web.Sessions;

/// <summary>The session store cannot be reached: nobody is signed in until it is back.</summary>
public sealed class SessionStoreUnavailableException(string message, Exception? innerException = null)
    : ServiceUnavailableException(UnavailableService.Store, message, innerException);
