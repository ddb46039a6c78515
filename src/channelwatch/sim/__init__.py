"""A realistic Channel scenario generator: traffic, small boats, sensors, ground truth.

``channelwatch.sim.world.World`` runs a scenario; ``channelwatch.sim.writer`` writes it. (Not
imported here, so that importing the package's errors stays cheap for the CLI.)"""
