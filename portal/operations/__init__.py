"""Running it in production: health probes, Prometheus metrics, one log line per request,
OpenTelemetry traces (docs/operations.md)."""
