"""Telling people about flags: a channel-neutral notice built from a flag (masked, no names),
formatted for Slack, Microsoft Teams and e-mail within each channel's documented limits, and
delivered to webhooks with retries, never logging the webhook URL or the content.

`message.notice_for` builds the notice; `slack`, `teams` and `email` format it; `deliver`
posts a formatted payload to a webhook whose URL comes from a secret.
"""
