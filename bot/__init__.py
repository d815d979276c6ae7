"""Salespath: a Slack-first sales pipeline. Settings, the app factory and the sales domain."""
