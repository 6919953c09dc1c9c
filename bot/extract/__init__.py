"""bot.extract package."""
