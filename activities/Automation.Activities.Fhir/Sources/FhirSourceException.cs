namespace Automation.Activities.Fhir.Sources;

/// <summary>A patient data source failed: the server answered with an error, was unreachable, or a search used an
/// unsupported parameter. The message names resource types, ids and status codes only, never patient data.</summary>
public sealed class FhirSourceException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="statusCode">The HTTP status, when a server answered.</param>
    /// <param name="innerException">The cause.</param>
    public FhirSourceException(string message, int? statusCode = null, Exception? innerException = null)
        : base(message, innerException) => StatusCode = statusCode;

    /// <summary>The HTTP status, when a server answered.</summary>
    public int? StatusCode { get; }
}
