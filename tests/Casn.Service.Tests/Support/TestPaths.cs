namespace Casn.Service.Tests.Support;

public static class TestPaths
{
    /// <summary>The checkout the tests run from: the folder above the test binaries that holds Casn.Orleans.sln.</summary>
    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "Casn.Orleans.sln"))) return folder.FullName;
        throw new InvalidOperationException("Casn.Orleans.sln not found above " + AppContext.BaseDirectory);
    }
}
