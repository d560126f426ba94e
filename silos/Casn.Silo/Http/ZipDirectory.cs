using System.Buffers.Binary;

namespace Casn.Silo.Http;

/// <summary>
/// Counts a zip's directory entries before <see cref="System.IO.Compression.ZipArchive"/> reads them. ZipArchive loads
/// the whole central directory into memory on first use, and reads headers until one does not parse, whatever count the
/// end record declares; a body of tiny entries (a gigabyte holds some twenty million) would exhaust the silo's memory.
/// This walks the same headers from the same start, holding none of them, and stops as soon as there are too many.
/// </summary>
public static class ZipDirectory
{
    const uint EndSignature = 0x06054b50, Zip64EndSignature = 0x06064b50, Zip64LocatorSignature = 0x07064b50, HeaderSignature = 0x02014b50;
    const int EndLength = 22, Zip64LocatorLength = 20, Zip64EndLength = 56, HeaderLength = 46;

    /// <summary>
    /// True when the directory of <paramref name="zip"/> (seekable) holds more than <paramref name="limit"/> entries.
    /// A zip without an end record is not judged here: ZipArchive refuses it as unreadable.
    /// </summary>
    public static bool HasMoreEntriesThan(Stream zip, int limit)
    {
        try
        {
            if (DirectoryStart(zip) is not { } start) return false;
            var header = new byte[HeaderLength];
            var position = start;
            for (var count = 0; ; count++)
            {
                if (position < 0 || position + HeaderLength > zip.Length) return false;
                zip.Position = position;
                zip.ReadExactly(header);
                if (BinaryPrimitives.ReadUInt32LittleEndian(header) != HeaderSignature) return false;
                if (count == limit) return true;
                // Name, extra field and comment lengths follow the fixed part of each header.
                position += HeaderLength + BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(28))
                    + BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(30)) + BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(32));
            }
        }
        finally
        {
            zip.Position = 0;
        }
    }

    /// <summary>Where the central directory starts, from the end record (or its ZIP64 form); null when there is no end record.</summary>
    static long? DirectoryStart(Stream zip)
    {
        // The end record is the last thing in the file, followed only by a comment of at most 65,535 bytes.
        var tail = (int)Math.Min(zip.Length, EndLength + ushort.MaxValue);
        var buffer = new byte[tail];
        zip.Position = zip.Length - tail;
        zip.ReadExactly(buffer);
        for (var at = tail - EndLength; at >= 0; at--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(at)) != EndSignature) continue;
            long start = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(at + 16));
            if (start != uint.MaxValue || at < Zip64LocatorLength
                || BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(at - Zip64LocatorLength)) != Zip64LocatorSignature)
                return start;
            // ZIP64: the locator just before the end record says where the ZIP64 end record is; it holds the start.
            var record = BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(at - Zip64LocatorLength + 8));
            if (record > (ulong)(zip.Length - Zip64EndLength)) return null;
            var zip64 = new byte[Zip64EndLength];
            zip.Position = (long)record;
            zip.ReadExactly(zip64);
            if (BinaryPrimitives.ReadUInt32LittleEndian(zip64) != Zip64EndSignature) return null;
            var zip64Start = BinaryPrimitives.ReadUInt64LittleEndian(zip64.AsSpan(48));
            return zip64Start > long.MaxValue ? null : (long)zip64Start;
        }
        return null;
    }
}
