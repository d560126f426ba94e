using Casn.Domain;

namespace Casn.Silo.Http;

/// <summary>
/// Images sent as a raw request body (image/jpeg or image/png): enrolment, face check-in and in-exam frames. They are
/// read up to the configured image limit and never returned by any endpoint but the proctor's evidence view.
/// </summary>
public static class ImageBodies
{
    /// <summary>The transport's ceiling for image bodies; the configured image limit (smaller) is checked as the body is read.</summary>
    public static long TransportLimit(LimitSettings _) => 32 * 1024 * 1024;

    /// <summary>Reads the body up to the image limit; a larger body is refused without reading it all.</summary>
    public static async Task<Result<byte[]>> Read(HttpRequest http, int maxBytes)
    {
        var bytes = http.ContentLength > maxBytes ? null : await ReadAtMost(http.Body, maxBytes, http.HttpContext.RequestAborted);
        return bytes is null ? new Fault(ErrorCodes.ImageTooLarge, $"Images are limited to {maxBytes} bytes.")
            : bytes.Length == 0 ? new Fault(ErrorCodes.ImageEmpty, "Send the image as the request body.")
            : bytes;
    }

    /// <summary>
    /// An image's bytes from a stream, or null as soon as there are more than <paramref name="maxBytes"/> (reading stops
    /// there). One image of a request body, of a multipart section or of a zip entry.
    /// </summary>
    public static async Task<byte[]?> ReadAtMost(Stream stream, int maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
