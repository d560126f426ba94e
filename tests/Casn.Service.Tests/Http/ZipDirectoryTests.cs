using System.IO.Compression;
using Casn.Silo.Http;

namespace Casn.Service.Tests.Http;

/// <summary>The count that bounds a photo zip before ZipArchive reads its directory into memory.</summary>
public sealed class ZipDirectoryTests
{
    static MemoryStream Zip(int entries, string? comment = null)
    {
        var zipped = new MemoryStream();
        using (var zip = new ZipArchive(zipped, ZipArchiveMode.Create, leaveOpen: true))
        {
            for (var i = 0; i < entries; i++) zip.CreateEntry($"p{i}.jpg", CompressionLevel.NoCompression);
            if (comment is not null) zip.Comment = comment;
        }
        zipped.Position = 0;
        return zipped;
    }

    [Fact]
    public void Entries_are_counted_up_to_the_limit_and_the_stream_is_left_at_its_start()
    {
        using var zip = Zip(3, comment: "photos of Kanreg V");
        Assert.True(ZipDirectory.HasMoreEntriesThan(zip, 2));
        Assert.Equal(0, zip.Position);
        Assert.False(ZipDirectory.HasMoreEntriesThan(zip, 3));
        using var read = new ZipArchive(zip, ZipArchiveMode.Read);
        Assert.Equal(3, read.Entries.Count);
    }

    [Fact]
    public void An_end_record_that_declares_fewer_entries_than_the_directory_holds_does_not_hide_them()
    {
        using var zip = Zip(3);
        var bytes = zip.ToArray();
        var end = bytes.Length - 22;
        Assert.Equal(0x06054b50u, BitConverter.ToUInt32(bytes, end));
        // Both counts of the end record say 1; the directory still holds three headers, which ZipArchive would read.
        BitConverter.TryWriteBytes(bytes.AsSpan(end + 8), (ushort)1);
        BitConverter.TryWriteBytes(bytes.AsSpan(end + 10), (ushort)1);
        Assert.True(ZipDirectory.HasMoreEntriesThan(new MemoryStream(bytes), 2));
    }

    [Fact]
    public void A_zip64_directory_is_found_through_its_locator()
    {
        // More than 65,535 entries make the writer use the ZIP64 end record.
        using var zip = Zip(65_600);
        Assert.True(ZipDirectory.HasMoreEntriesThan(zip, 65_599));
        Assert.False(ZipDirectory.HasMoreEntriesThan(zip, 65_600));
    }

    [Theory]
    [InlineData("")]
    [InlineData("PK not really a zip")]
    public void What_is_not_a_zip_is_left_for_the_zip_reader_to_refuse(string body) =>
        Assert.False(ZipDirectory.HasMoreEntriesThan(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(body)), 1));
}
