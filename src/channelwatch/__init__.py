"""ChannelWatch: one shared, accountable maritime picture of small-boat crossings of the Dover
Strait."""

__version__ = "0.1.0"
