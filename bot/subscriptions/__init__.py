"""Subscribers and the persistent delivery queue (SQL via SQLAlchemy; SQLite or PostgreSQL)."""
