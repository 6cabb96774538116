namespace Automation.Persistence.Shared;

/// <summary>One schema step. Its SQL is idempotent (IF NOT EXISTS), so replaying it is harmless.</summary>
/// <param name="Version">The version recorded in <c>schema_migrations</c>.</param>
/// <param name="Sql">The statements.</param>
internal sealed record Migration(int Version, string Sql);
