"""Scheduled work: event announcements, reminders, change/cancellation notices, digests and
maintainers' broadcasts. No Telegram here: the bot layer passes a `jobs.sender.Sender` and a
`jobs.notices.Renderer` in."""
