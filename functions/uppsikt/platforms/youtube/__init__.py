"""YouTube: WebSub (PubSubHubbub) pushes for the channel's videos, polling for comments.

`websub` answers the hub's verification of intent and says when to renew a lease, `signature`
checks `X-Hub-Signature`, `feed` maps the Atom notification (uploads, title and description
edits, deletion tombstones), and `comments` maps the two Data API list responses the comment
poller reads (platforms.md §3).
"""
