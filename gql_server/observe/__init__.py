"""What operators see: one record per request, fed to metrics, logs and traces."""
