"""The familiar layer: module-level client, namespaces on executors, helpers composed from the core."""
