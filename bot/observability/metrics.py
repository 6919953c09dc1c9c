"""Prometheus metrics, one registry for the process.

Defined in one place so the bot, the delivery loop and the HTTP endpoint agree on names;
a private :class:`CollectorRegistry` keeps tests and repeated app builds independent of
the library's global default registry.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

UPDATES_HANDLED = Counter(
    "digestbot_updates_handled_total",
    "Telegram updates handled, by kind (command, callback, text).",
    ["kind"],
    registry=REGISTRY,
)
COMMAND_LATENCY = Histogram(
    "digestbot_command_latency_seconds",
    "Time from receiving an update to finishing its handler, by command.",
    ["command"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
    registry=REGISTRY,
)
DELIVERIES = Counter(
    "digestbot_deliveries_total",
    "Scheduled digest deliveries by outcome (sent, failed, retried, deactivated).",
    ["outcome"],
    registry=REGISTRY,
)
QUEUE_DEPTH = Gauge(
    "digestbot_delivery_queue_depth",
    "Deliveries queued and not yet sent, as of the last scheduler tick.",
    registry=REGISTRY,
)
INGEST_FETCHES = Counter(
    "digestbot_ingest_fetches_total",
    "HTTP fetches of feeds and pages by outcome (200, 304, http, timeout, too_large, …).",
    ["outcome"],
    registry=REGISTRY,
)
INGEST_ARTICLES = Counter(
    "digestbot_ingest_articles_total",
    "Candidate articles judged by the intake: accepted, or refused by reason.",
    ["status", "reason"],
    registry=REGISTRY,
)
INGEST_POLL_LAG = Gauge(
    "digestbot_ingest_poll_lag_seconds",
    "How late the most overdue feed was when the last poll round started.",
    registry=REGISTRY,
)
INGEST_LAST_SUCCESS = Gauge(
    "digestbot_ingest_last_success_timestamp_seconds",
    "When a feed was last fetched successfully (Unix time).",
    registry=REGISTRY,
)
UPDATES_POISONED = Counter(
    "digestbot_updates_poisoned_total",
    "Updates skipped because they could not be decoded (confirmed, content not logged).",
    registry=REGISTRY,
)
RATE_LIMITED = Counter(
    "digestbot_bot_api_rate_limited_total",
    "429 answers from the Bot API, by traffic (reply or bulk).",
    ["traffic"],
    registry=REGISTRY,
)
SEND_RATE = Gauge(
    "digestbot_send_rate_per_second",
    "The shared rate budget's current messages per second (lowered after 429s).",
    registry=REGISTRY,
)
