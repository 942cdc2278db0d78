package live

// SeedCleanupTimeout is the cleanup's default bound, for the external
// tests that budget go test's -timeout around it.
const SeedCleanupTimeout = seedCleanupTimeout
