"""Which polled streams each platform has. The runner polls every account through the sources
of its platform; a platform without an entry (one served by webhooks alone) has none.

One instance per stream serves every account of its platform, and lives as long as the Lambda:
that is what lets the Bluesky source reuse its sessions and the Mastodon one remember a used-up
rate limit. Building them is cheap (no clients, no I/O).
"""

from __future__ import annotations

from uppsikt.model.events import Platform
from uppsikt.polling.ports import LookupSource, Source
from uppsikt.polling.sources.bluesky import BlueskyNotifications
from uppsikt.polling.sources.instagram import InstagramComments, InstagramMentionLookup
from uppsikt.polling.sources.linkedin import LinkedInComments, LinkedInPosts
from uppsikt.polling.sources.mastodon import MastodonNotifications
from uppsikt.polling.sources.youtube import YouTubeComments

SOURCES: dict[Platform, tuple[Source, ...]] = {
    Platform.YOUTUBE: (YouTubeComments(),),
    Platform.BLUESKY: (BlueskyNotifications(),),
    Platform.MASTODON: (MastodonNotifications(),),
    Platform.LINKEDIN: (LinkedInPosts(), LinkedInComments()),
    Platform.INSTAGRAM: (InstagramComments(),),
}


LOOKUPS: dict[Platform, tuple[LookupSource, ...]] = {
    Platform.INSTAGRAM: (InstagramMentionLookup(),),
}


def lookups_for(platform: Platform) -> tuple[LookupSource, ...]:
    """The platform's look-up streams (items fetched by reference); empty for most."""
    return LOOKUPS.get(platform, ())


def sources_for(platform: Platform) -> tuple[Source, ...]:
    """The platform's polled streams; empty for a platform that is not polled."""
    return SOURCES.get(platform, ())
