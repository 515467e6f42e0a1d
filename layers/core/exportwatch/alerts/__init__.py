"""Alerts: a story rendered per protocol, sent once per version; reminders and the daily digest."""
