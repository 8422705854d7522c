"""The Forge's assets: the seeded raw source tables."""
