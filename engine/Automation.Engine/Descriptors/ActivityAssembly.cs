using System.Reflection;

namespace Automation.Engine.Descriptors;

/// <summary>An assembly whose activities the registry picks up; activity libraries register one in dependency injection.</summary>
/// <param name="Assembly">The assembly.</param>
public sealed record ActivityAssembly(Assembly Assembly);
