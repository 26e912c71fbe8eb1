"""Identity: passwords, access tokens, refresh sessions and log-in throttling."""
