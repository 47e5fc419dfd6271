"""The data layer: the entity-type registry, seed reading, the builder and its claims,
serialisation, the build cache and synthetic growth. Imports nothing from the layers after it."""
