"""A realistic Channel scenario generator: traffic, small boats, sensors, ground truth."""

from channelwatch.sim.config import ScenarioConfig
from channelwatch.sim.world import World, simulate

__all__ = ["ScenarioConfig", "World", "simulate"]
