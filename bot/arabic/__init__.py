"""bot.arabic package."""
