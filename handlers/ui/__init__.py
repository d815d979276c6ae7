"""Block Kit builders: pure functions from data to message/view dicts.

No database or API calls in here, so every builder is tested by value. Built with
slack_sdk's Block Kit models, which check Slack's limits when serialised.
"""
