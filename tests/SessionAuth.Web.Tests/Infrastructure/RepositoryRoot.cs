namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>The folder of the checkout: the first folder above the test output that holds SessionAuth.sln.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "SessionAuth.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No SessionAuth.sln above {AppContext.BaseDirectory}.");
    }
}
