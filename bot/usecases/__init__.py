"""bot.usecases."""
