"""bot.telegram package."""
