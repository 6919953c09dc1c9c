"""Metrics, health and logging shared by the bot, delivery and deploy."""
