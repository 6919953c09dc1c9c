"""bot.emulator package."""
