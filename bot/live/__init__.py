"""Live feed posts: a feed's new items posted into a channel as they arrive, once."""

from bot.live.poster import LivePoster, LiveSink, live_item

__all__ = ["LivePoster", "LiveSink", "live_item"]
