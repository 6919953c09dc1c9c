"""The scheduler tick and the rate-limited, crash-safe fan-out of queued digests."""
